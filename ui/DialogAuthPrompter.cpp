#include "DialogAuthPrompter.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

namespace corral {

namespace {
QCheckBox *rememberBox(QWidget *parent)
{
    auto *box = new QCheckBox(QObject::tr("Remember in the system keychain"), parent);
    box->setObjectName(QStringLiteral("remember"));
    box->setToolTip(QObject::tr("Kept only once the server accepted it, and only in the system keychain; never in a file"));
    return box;
}
}  // namespace

DialogAuthPrompter::DialogAuthPrompter(QWidget *window, QObject *parent) : QObject(parent), m_window(window) {}

template <class F>
auto DialogAuthPrompter::onGuiThread(F f) -> decltype(f())
{
    if (QThread::currentThread() == thread())
        return f();
    decltype(f()) result{};
    QMetaObject::invokeMethod(this, [&result, &f] { result = f(); }, Qt::BlockingQueuedConnection);
    return result;
}

bool DialogAuthPrompter::acceptUnknownHostKey(const HostKeyQuestion &question)
{
    return onGuiThread([&] { return askHostKey(question); });
}

void DialogAuthPrompter::hostKeyChanged(const HostKeyQuestion &question, const QString &explanation)
{
    onGuiThread([&] {
        showHostKeyChanged(question, explanation);
        return true;
    });
}

std::optional<SecretAnswer> DialogAuthPrompter::keyPassphrase(const QString &keyFile, int attempt)
{
    return onGuiThread([&] {
        return askSecret(tr("Key passphrase"), tr("Passphrase for the private key %1:").arg(keyFile), attempt);
    });
}

std::optional<SecretAnswer> DialogAuthPrompter::password(const QString &userAtHost, int attempt)
{
    return onGuiThread([&] { return askSecret(tr("SSH password"), tr("Password for %1:").arg(userAtHost), attempt); });
}

std::optional<KeyboardInteractiveAnswers> DialogAuthPrompter::keyboardInteractive(
    const QString &userAtHost, const QString &name, const QString &instruction, const QList<KeyboardInteractivePrompt> &prompts)
{
    return onGuiThread([&] { return askRound(userAtHost, name, instruction, prompts); });
}

bool DialogAuthPrompter::askHostKey(const HostKeyQuestion &q)
{
    QMessageBox box(QMessageBox::Question, tr("Unknown host key"),
                    tr("The authenticity of host %1 cannot be established: its key is not in %2.").arg(q.host, q.knownHostsFile),
                    QMessageBox::NoButton, m_window);
    box.setObjectName(QStringLiteral("hostKeyQuestion"));
    box.setInformativeText(tr("%1 key fingerprint:\n%2\n\nCompare it with the fingerprint your cluster's administrators "
                              "publish. If you trust it, it is added to %3 and not asked again.")
                               .arg(q.keyType, q.fingerprint, q.knownHostsFile));
    QPushButton *trust = box.addButton(tr("Trust and connect"), QMessageBox::AcceptRole);
    trust->setObjectName(QStringLiteral("trust"));
    QPushButton *cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(cancel);
    box.exec();
    return box.clickedButton() == trust;
}

void DialogAuthPrompter::showHostKeyChanged(const HostKeyQuestion &q, const QString &explanation)
{
    QMessageBox box(QMessageBox::Critical, tr("Host key CHANGED — connection refused"),
                    tr("The host key of %1 is not the one recorded in %2. Corral refused to connect and sent nothing.")
                        .arg(q.host, q.knownHostsFile),
                    QMessageBox::Ok, m_window);
    box.setObjectName(QStringLiteral("hostKeyChanged"));
    box.setInformativeText(explanation);
    box.setDetailedText(tr("Key offered now: %1 %2").arg(q.keyType, q.fingerprint));
    box.exec();
}

std::optional<SecretAnswer> DialogAuthPrompter::askSecret(const QString &title, const QString &text, int attempt)
{
    QDialog dialog(m_window);
    dialog.setObjectName(QStringLiteral("secretPrompt"));
    dialog.setWindowTitle(title);
    auto *layout = new QVBoxLayout(&dialog);
    auto *label = new QLabel(attempt > 1 ? tr("That was not accepted. %1").arg(text) : text, &dialog);
    label->setWordWrap(true);
    auto *field = new QLineEdit(&dialog);
    field->setObjectName(QStringLiteral("secret"));
    field->setEchoMode(QLineEdit::Password);
    QCheckBox *remember = rememberBox(&dialog);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(label);
    layout->addWidget(field);
    layout->addWidget(remember);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return SecretAnswer{field->text(), remember->isChecked()};
}

std::optional<KeyboardInteractiveAnswers> DialogAuthPrompter::askRound(const QString &userAtHost, const QString &name,
                                                                       const QString &instruction,
                                                                       const QList<KeyboardInteractivePrompt> &prompts)
{
    QDialog dialog(m_window);
    dialog.setObjectName(QStringLiteral("keyboardInteractive"));
    dialog.setWindowTitle(name.isEmpty() ? tr("Login to %1").arg(userAtHost) : name);
    auto *layout = new QVBoxLayout(&dialog);
    if (!instruction.isEmpty()) {
        auto *label = new QLabel(instruction, &dialog);
        label->setWordWrap(true);
        layout->addWidget(label);
    }
    auto *form = new QFormLayout;
    QList<QLineEdit *> fields;
    for (const KeyboardInteractivePrompt &prompt : prompts) {
        auto *field = new QLineEdit(&dialog);
        field->setObjectName(QStringLiteral("answer%1").arg(fields.size()));
        field->setEchoMode(prompt.echo ? QLineEdit::Normal : QLineEdit::Password);
        form->addRow(prompt.text.trimmed(), field);
        fields << field;
    }
    layout->addLayout(form);
    QCheckBox *remember = rememberBox(&dialog);
    layout->addWidget(remember);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    KeyboardInteractiveAnswers answers;
    for (QLineEdit *field : fields)
        answers.answers << field->text();
    answers.remember = remember->isChecked();
    return answers;
}

}  // namespace corral
