#include "DialogAuthPrompter.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>

using namespace corral;

// The login dialogs, asked from another thread as a connection's worker asks them; the test
// answers like a person would, on the GUI thread. Against the real sshd: tst_gui_cluster.
class TestAuthPrompter : public QObject {
    Q_OBJECT

    static HostKeyQuestion question()
    {
        return {QStringLiteral("[127.0.0.1]:2222"), QStringLiteral("ssh-ed25519"),
                QStringLiteral("SHA256:8m0b2yJkq0mH3C1qR1y1n8m3m8vQfJfUuQdQv0Jrj2E"), QStringLiteral("/home/a/.ssh/known_hosts")};
    }

    // Runs `ask` on a worker thread; returns once it finished. The dialog runs its own event loop
    // on this (GUI) thread, so `answer` is called from a timer inside that loop, with the dialog.
    template <class Ask>
    static void fromWorker(Ask ask, const std::function<void(QWidget *)> &answer)
    {
        std::atomic<bool> done{false};
        bool answered = false;
        QTimer poll;
        poll.setInterval(10);
        QObject::connect(&poll, &QTimer::timeout, &poll, [&] {
            if (QWidget *dialog = QApplication::activeModalWidget(); dialog && !answered) {
                answered = true;
                answer(dialog);
                // A failed check above returned early: close the dialog so the test ends.
                if (auto *d = qobject_cast<QDialog *>(dialog); d && d->isVisible())
                    d->reject();
            }
        });
        poll.start();
        QThread *worker = QThread::create([&] {
            ask();
            done = true;
        });
        worker->start();
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 20000);
        worker->wait();
        delete worker;
        QVERIFY(answered);
    }

private slots:
    void anUnknownHostKeyIsShownWithItsFingerprintAndTrustedOnlyOnRequest()
    {
        QWidget window;
        DialogAuthPrompter prompter(&window);
        bool trusted = true;
        QString shown;
        fromWorker([&] { trusted = prompter.acceptUnknownHostKey(question()); },
                   [&](QWidget *dialog) {
                       auto *box = qobject_cast<QMessageBox *>(dialog);
                       QVERIFY(box);
                       QCOMPARE(box->objectName(), QStringLiteral("hostKeyQuestion"));
                       shown = box->text() + box->informativeText();
                       box->button(QMessageBox::Cancel)->click();  // the default: refuse
                   });
        QVERIFY(!trusted);
        QVERIFY(shown.contains(QStringLiteral("[127.0.0.1]:2222")));
        QVERIFY(shown.contains(question().fingerprint));
        QVERIFY(shown.contains(QStringLiteral("ssh-ed25519")));

        fromWorker([&] { trusted = prompter.acceptUnknownHostKey(question()); },
                   [&](QWidget *dialog) { dialog->findChild<QPushButton *>(QStringLiteral("trust"))->click(); });
        QVERIFY(trusted);
    }

    void aChangedHostKeyIsExplainedAndNeverAsked()
    {
        QWidget window;
        DialogAuthPrompter prompter(&window);
        fromWorker([&] { prompter.hostKeyChanged(question(), QStringLiteral("WARNING: the host key of [127.0.0.1]:2222 has CHANGED")); },
                   [&](QWidget *dialog) {
                       auto *box = qobject_cast<QMessageBox *>(dialog);
                       QVERIFY(box);
                       QCOMPARE(box->objectName(), QStringLiteral("hostKeyChanged"));
                       QCOMPARE(box->icon(), QMessageBox::Critical);
                       QVERIFY(box->windowTitle().contains(QStringLiteral("refused")));
                       QVERIFY(box->informativeText().contains(QStringLiteral("CHANGED")));
                       QVERIFY(box->detailedText().contains(question().fingerprint));
                       // OK only (besides "Show Details…"): there is nothing to accept.
                       QCOMPARE(box->standardButtons(), QMessageBox::StandardButtons(QMessageBox::Ok));
                       for (QAbstractButton *b : box->buttons())
                           QVERIFY(box->buttonRole(b) != QMessageBox::AcceptRole || b == box->button(QMessageBox::Ok));
                       box->button(QMessageBox::Ok)->click();
                   });
    }

    void secretsComeBackInMemoryWithTheRememberChoice()
    {
        QWidget window;
        DialogAuthPrompter prompter(&window);
        std::optional<SecretAnswer> answer;
        fromWorker([&] { answer = prompter.password(QStringLiteral("alice@login:22"), 1); },
                   [&](QWidget *dialog) {
                       auto *field = dialog->findChild<QLineEdit *>(QStringLiteral("secret"));
                       QVERIFY(field);
                       QCOMPARE(field->echoMode(), QLineEdit::Password);
                       auto *remember = dialog->findChild<QCheckBox *>(QStringLiteral("remember"));
                       QVERIFY(!remember->isChecked());  // off unless asked
                       field->setText(QStringLiteral("s3cret"));
                       remember->setChecked(true);
                       qobject_cast<QDialog *>(dialog)->accept();
                   });
        QVERIFY(answer);
        QCOMPARE(answer->secret, QStringLiteral("s3cret"));
        QVERIFY(answer->remember);

        fromWorker([&] { answer = prompter.keyPassphrase(QStringLiteral("/home/a/.ssh/id_ed25519"), 1); },
                   [&](QWidget *dialog) { qobject_cast<QDialog *>(dialog)->reject(); });
        QVERIFY(!answer);  // cancelled

        std::optional<KeyboardInteractiveAnswers> round;
        fromWorker([&] {
            round = prompter.keyboardInteractive(QStringLiteral("alice@login:22"), {}, QStringLiteral("Two factors"),
                                                 {{QStringLiteral("Password: "), false}, {QStringLiteral("Code: "), true}});
        },
                   [&](QWidget *dialog) {
                       auto *first = dialog->findChild<QLineEdit *>(QStringLiteral("answer0"));
                       auto *second = dialog->findChild<QLineEdit *>(QStringLiteral("answer1"));
                       QCOMPARE(first->echoMode(), QLineEdit::Password);
                       QCOMPARE(second->echoMode(), QLineEdit::Normal);  // the server said echo
                       first->setText(QStringLiteral("pw"));
                       second->setText(QStringLiteral("123456"));
                       qobject_cast<QDialog *>(dialog)->accept();
                   });
        QVERIFY(round);
        QCOMPARE(round->answers, (QStringList{QStringLiteral("pw"), QStringLiteral("123456")}));
        QVERIFY(!round->remember);
    }
};

QTEST_MAIN(TestAuthPrompter)
#include "tst_authprompter.moc"
