// Remembered login secrets against the real sshd: a password or keyboard-interactive answer is
// kept only when the person ticked "remember", only once the server accepted it, is offered
// before asking next time, and is forgotten when the server rejects it. The keychain is a test
// double here (tst_keychainsecretstore tests the real one); the SSH side is real.
#include "Await.h"
#include "ClusterFixture.h"
#include "remote/SecretStore.h"
#include "remote/SshConnection.h"

#include <QMap>
#include <QTest>

using namespace corral;
using corral::test::await;

namespace {
// Takes a variable, not a call: the argument is evaluated more than once.
#define REQUIRE_OK(result) QVERIFY2((result).ok(), (result).ok() ? "" : (result).error().toString().c_str())

// In memory, answering at once on the caller's thread (a connection's worker thread).
class FakeSecretStore : public SecretStore {
public:
    void save(const SecretRef &ref, const QString &secret, Done done) override
    {
        {
            QMutexLocker lock(&m_mutex);
            m_secrets.insert(ref.key(), secret);
        }
        done(okStatus());
    }
    void load(const SecretRef &ref, Loaded done) override
    {
        std::optional<QString> found;
        {
            QMutexLocker lock(&m_mutex);
            ++m_loads;
            if (m_secrets.contains(ref.key()))
                found = m_secrets.value(ref.key());
        }
        done(found);
    }
    void forget(const SecretRef &ref, Done done) override
    {
        {
            QMutexLocker lock(&m_mutex);
            m_secrets.remove(ref.key());
        }
        done(okStatus());
    }
    QMap<QString, QString> secrets() const
    {
        QMutexLocker lock(&m_mutex);
        return m_secrets;
    }
    int loads() const
    {
        QMutexLocker lock(&m_mutex);
        return m_loads;
    }

private:
    mutable QMutex m_mutex;
    QMap<QString, QString> m_secrets;
    int m_loads = 0;
};

const QString kProfile = QStringLiteral("fixture");
}  // namespace

class TestSshRememberedSecrets : public QObject {
    Q_OBJECT
    test::ClusterFixture m_cluster;
    QTemporaryDir m_local;
    SshEndpoint m_endpoint;

    SshEndpoint endpointWith(AuthMethod method) const
    {
        SshEndpoint e = m_endpoint;
        e.authMethods = {method};
        return e;
    }
    // Connects and runs `id -un`: the login worked when that says corraltest.
    Status login(const SshEndpoint &endpoint, test::ScriptedPrompter *prompter, FakeSecretStore *store)
    {
        SshConnection ssh(endpoint, prompter, RememberedSecrets(store, kProfile, 5000));
        const auto r = await(ssh.run(CommandRequest{ShellCommand(QStringLiteral("id"), {QStringLiteral("-un")}), {}, 10000}), 30000);
        if (!r)
            return makeError(ErrorCode::Runtime, "the test's wait ran out");
        if (!*r)
            return r->error();
        if (r->value().out != "corraltest\n")
            return makeError(ErrorCode::Runtime, "logged in as someone else: " + r->value().out.toStdString());
        return okStatus();
    }
    // Answers the password prompt correctly, ticking "remember" or not.
    void answerPassword(test::ScriptedPrompter *prompter, bool remember) const
    {
        prompter->passwordAnswer = m_cluster.password();
        prompter->rememberAnswers = remember;
    }
    QString passwordKey() const { return SecretRef{kProfile, SecretKind::Password, m_endpoint.display()}.key(); }

private slots:
    void initTestCase()
    {
        CORRAL_START_CLUSTER_OR_SKIP(m_cluster);
        m_endpoint = m_cluster.endpoint(m_cluster.trustingKnownHosts(m_local.filePath(QStringLiteral("known_hosts"))));
    }

    void aPasswordNotToBeRememberedIsNotStored()
    {
        FakeSecretStore store;
        test::ScriptedPrompter prompter;
        answerPassword(&prompter, false);
        const Status st = login(endpointWith(AuthMethod::Password), &prompter, &store);
        REQUIRE_OK(st);
        QCOMPARE(prompter.asked().size(), 1);
        QCOMPARE(store.loads(), 1);  // it did look for a remembered one first
        QCOMPARE(store.secrets(), (QMap<QString, QString>()));
    }

    void aRememberedPasswordIsStoredAndThenUsedWithoutAsking()
    {
        FakeSecretStore store;
        test::ScriptedPrompter first;
        answerPassword(&first, true);
        const Status st1 = login(endpointWith(AuthMethod::Password), &first, &store);
        REQUIRE_OK(st1);
        QCOMPARE(store.secrets(), (QMap<QString, QString>{{passwordKey(), m_cluster.password()}}));
        QVERIFY(passwordKey().startsWith(kProfile + QStringLiteral("/password/corraltest@127.0.0.1:")));

        test::ScriptedPrompter second;  // would cancel if asked
        const Status st = login(endpointWith(AuthMethod::Password), &second, &store);
        REQUIRE_OK(st);
        QCOMPARE(second.asked(), QStringList());
    }

    void aWrongPasswordIsNeverRemembered()
    {
        FakeSecretStore store;
        test::ScriptedPrompter prompter;
        prompter.passwordAnswer = QStringLiteral("not-the-password");
        prompter.rememberAnswers = true;
        QVERIFY(!login(endpointWith(AuthMethod::Password), &prompter, &store).ok());
        QCOMPARE(store.secrets(), (QMap<QString, QString>()));
    }

    void aStaleRememberedPasswordIsForgottenAndThePersonAsked()
    {
        FakeSecretStore store;
        store.save(SecretRef{kProfile, SecretKind::Password, m_endpoint.display()}, QStringLiteral("old-password"),
                   [](const Status &) {});
        test::ScriptedPrompter prompter;
        answerPassword(&prompter, false);
        const Status st = login(endpointWith(AuthMethod::Password), &prompter, &store);
        REQUIRE_OK(st);
        QCOMPARE(prompter.asked(), QStringList{QStringLiteral("password corraltest@127.0.0.1")});
        QCOMPARE(store.secrets(), (QMap<QString, QString>()));  // forgotten, and the new one not asked to be kept
    }

    void rememberedKeyboardInteractiveAnswersAreOfferedFirst()
    {
        FakeSecretStore store;
        test::ScriptedPrompter first;
        first.kbdAnswers = QStringList{m_cluster.password()};
        first.rememberAnswers = true;
        const Status st2 = login(endpointWith(AuthMethod::KeyboardInteractive), &first, &store);
        REQUIRE_OK(st2);
        QCOMPARE(store.secrets().size(), 1);
        const QString key = store.secrets().firstKey();
        QVERIFY2(key.startsWith(kProfile + QStringLiteral("/keyboard-interactive/corraltest@127.0.0.1:")), qPrintable(key));
        QVERIFY2(key.contains(QStringLiteral("assword")), qPrintable(key));  // the round is known by its prompt

        test::ScriptedPrompter second;
        const Status st3 = login(endpointWith(AuthMethod::KeyboardInteractive), &second, &store);
        REQUIRE_OK(st3);
        QCOMPARE(second.asked(), QStringList());

        // Stale answers: forgotten, the person asked, the new answer not kept (not asked to).
        store.save(SecretRef{kProfile, SecretKind::KeyboardInteractive, key.section(QLatin1Char('/'), 2)},
                   QStringLiteral("[\"old-password\"]"), [](const Status &) {});
        test::ScriptedPrompter third;
        third.kbdAnswers = QStringList{m_cluster.password()};
        const Status st4 = login(endpointWith(AuthMethod::KeyboardInteractive), &third, &store);
        REQUIRE_OK(st4);
        QCOMPARE(third.asked().size(), 1);
        QCOMPARE(store.secrets(), (QMap<QString, QString>()));
    }
};

QTEST_GUILESS_MAIN(TestSshRememberedSecrets)
#include "tst_ssh_remembered_secrets.moc"
