// SSH, host keys, authentication, remote commands and SFTP against a real sshd on 127.0.0.1.
#include "Await.h"
#include "ClusterFixture.h"
#include "remote/ShellQuote.h"
#include "remote/SshConnection.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace corral;
using corral::test::await;

namespace {
#define REQUIRE_OK(result) QVERIFY2((result).ok(), (result).ok() ? "" : (result).error().toString().c_str())

QByteArray randomBytes(int size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        bytes[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
    return bytes;
}
}  // namespace

class TestSshRemote : public QObject {
    Q_OBJECT
    test::ClusterFixture m_cluster;
    test::ScriptedPrompter m_prompter;
    QTemporaryDir m_local;
    std::unique_ptr<SshConnection> m_ssh;  // a trusted, key-authenticated connection shared by tests

    QString knownHosts(const char *name) const { return m_local.filePath(QLatin1StringView(name)); }

    Result<CommandResult> run(SshConnection &ssh, const QString &script, int timeoutMs = 10000)
    {
        return run(ssh, test::shellScript(script), timeoutMs);
    }
    Result<CommandResult> run(SshConnection &ssh, const ShellCommand &command, int timeoutMs = 10000)
    {
        auto result = await(ssh.run(CommandRequest{command, {}, timeoutMs}), timeoutMs + 10000);
        if (!result)
            return makeError(ErrorCode::Runtime, "the test's wait ran out");
        return *result;
    }

private slots:
    void initTestCase()
    {
        CORRAL_START_CLUSTER_OR_SKIP(m_cluster);
        const QString trusted = m_cluster.trustingKnownHosts(knownHosts("trusted_known_hosts"));
        m_ssh = std::make_unique<SshConnection>(m_cluster.endpoint(trusted), &m_prompter);
    }

    void anUnknownHostKeyIsShownAndRecordedWhenAccepted()
    {
        test::ScriptedPrompter prompter;
        prompter.acceptHostKey = true;
        const QString file = knownHosts("accepting_known_hosts");
        {
            SshConnection ssh(m_cluster.endpoint(file), &prompter);
            const auto st = await(ssh.connectToHost());
            QVERIFY(st);
            REQUIRE_OK(*st);
        }
        QCOMPARE(prompter.hostKeyQuestions().size(), 1);
        const HostKeyQuestion q = prompter.hostKeyQuestions().first();
        QCOMPARE(q.host, QStringLiteral("[127.0.0.1]:%1").arg(m_cluster.port()));
        QCOMPARE(q.keyType, QStringLiteral("ssh-ed25519"));
        QProcess keygen;
        keygen.start(QStringLiteral("ssh-keygen"), {QStringLiteral("-lf"), m_cluster.value("HOST_KEY_PUB")});
        QVERIFY(keygen.waitForFinished(10000));
        QVERIFY2(QString::fromUtf8(keygen.readAll()).contains(q.fingerprint), qPrintable(q.fingerprint));
        QVERIFY(q.fingerprint.startsWith(QStringLiteral("SHA256:")));

        QFile recorded(file);
        QVERIFY(recorded.open(QIODevice::ReadOnly));
        QVERIFY(recorded.readAll().contains(q.host.toUtf8()));
        // Created by Corral: the owner's alone, so nobody else can slip a key in.
        QCOMPARE(recorded.permissions(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser
                                             | QFileDevice::WriteUser);
        // Known now: a second connection asks nothing.
        SshConnection again(m_cluster.endpoint(file), &prompter);
        const auto st = await(again.connectToHost());
        QVERIFY(st && st->ok());
        QCOMPARE(prompter.hostKeyQuestions().size(), 1);
    }

    void anUnknownHostKeyRefusedByTheUserStopsTheConnection()
    {
        test::ScriptedPrompter prompter;  // refuses
        const QString file = knownHosts("refusing_known_hosts");
        SshConnection ssh(m_cluster.endpoint(file), &prompter);
        const auto st = await(ssh.connectToHost());
        QVERIFY(st && !st->ok());
        QVERIFY2(QString::fromStdString(st->error().message).contains(QStringLiteral("not accepted")),
                 st->error().toString().c_str());
        QCOMPARE(QFileInfo(file).size(), 0);
        QCOMPARE(prompter.asked(), QStringList());  // nothing secret was asked of a refused host
    }

    void stdoutStderrAndExitCodeComeBackSeparately()
    {
        const auto r = run(*m_ssh, QStringLiteral("echo out; echo err >&2; exit 3"));
        REQUIRE_OK(r);
        QCOMPARE(r.value().out, QByteArray("out\n"));
        QCOMPARE(r.value().err, QByteArray("err\n"));
        QCOMPARE(r.value().exitCode, 3);
        QVERIFY(!r.value().timedOut);
    }

    void aHangingCommandIsCutByItsTimeout()
    {
        QElapsedTimer clock;
        clock.start();
        const auto r = run(*m_ssh, QStringLiteral("echo started; sleep 30"), 700);
        REQUIRE_OK(r);
        QVERIFY(r.value().timedOut);
        QVERIFY(!r.value().succeeded());
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        // The connection is still usable afterwards.
        const auto after = run(*m_ssh, QStringLiteral("echo fine"));
        REQUIRE_OK(after);
        QCOMPARE(after.value().out, QByteArray("fine\n"));
    }

    void quotedValuesSurviveTheRemoteShellByteForByte_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("spaces") << QStringLiteral("my run  name");
        QTest::newRow("quotes") << QStringLiteral("it's \"x\" ''");
        QTest::newRow("dollar") << QStringLiteral("$HOME ${USER} $(id)");
        QTest::newRow("backticks") << QStringLiteral("`id`");
        QTest::newRow("semicolons") << QStringLiteral("a; touch pwned; b");
        QTest::newRow("newlines") << QStringLiteral("one\ntwo\n");
        QTest::newRow("everything") << QStringLiteral("'$x' `y` ; \\ \n * ~ & |");
    }
    void quotedValuesSurviveTheRemoteShellByteForByte()
    {
        QFETCH(QString, value);
        const auto r = run(*m_ssh, QStringLiteral("printf '%s\\n' ") + shellQuote(value));
        REQUIRE_OK(r);
        QCOMPARE(r.value().exitCode, 0);
        QCOMPARE(r.value().out, value.toUtf8() + '\n');
        const auto pwned = run(*m_ssh, QStringLiteral("test -e pwned; echo $?"));
        REQUIRE_OK(pwned);
        QCOMPARE(pwned.value().out, QByteArray("1\n"));
    }

    void passwordLogin()
    {
        test::ScriptedPrompter prompter;
        prompter.passwordAnswer = m_cluster.password();
        SshEndpoint e = m_ssh->endpoint();
        e.authMethods = {AuthMethod::Password};
        SshConnection ssh(e, &prompter);
        const auto r = run(ssh, QStringLiteral("id -un"));
        REQUIRE_OK(r);
        QCOMPARE(r.value().out, QByteArray("corraltest\n"));
        QCOMPARE(prompter.asked(), QStringList{QStringLiteral("password corraltest@127.0.0.1")});
    }

    void keyboardInteractiveLoginAnswersTheServersPrompts()
    {
        test::ScriptedPrompter prompter;
        prompter.kbdAnswers = QStringList{m_cluster.password()};
        SshEndpoint e = m_ssh->endpoint();
        e.authMethods = {AuthMethod::KeyboardInteractive};
        SshConnection ssh(e, &prompter);
        const auto r = run(ssh, QStringLiteral("id -un"));
        REQUIRE_OK(r);
        QCOMPARE(r.value().out, QByteArray("corraltest\n"));
        QCOMPARE(prompter.asked().size(), 1);
        QVERIFY2(prompter.asked().first().contains(QStringLiteral("assword")), qPrintable(prompter.asked().first()));
    }

    void aWrongPasswordIsDeniedWithTheMethodsTried()
    {
        test::ScriptedPrompter prompter;
        prompter.passwordAnswer = QStringLiteral("not-the-password");
        SshEndpoint e = m_ssh->endpoint();
        e.authMethods = {AuthMethod::Password};
        SshConnection ssh(e, &prompter);
        const auto st = await(ssh.connectToHost());
        QVERIFY(st && !st->ok());
        QVERIFY2(st->error().toString().find("permission denied (password: cancelled)") != std::string::npos,
                 st->error().toString().c_str());
        QVERIFY(st->error().context.find("127.0.0.1") != std::string::npos);
    }

    void anEncryptedKeyAsksForItsPassphrase()
    {
        const QString key = m_local.filePath(QStringLiteral("locked_key"));
        QProcess keygen;
        keygen.start(QStringLiteral("ssh-keygen"), {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                                                    QStringLiteral("-N"), QStringLiteral("open sesame"),
                                                    QStringLiteral("-f"), key});
        QVERIFY(keygen.waitForFinished(10000) && keygen.exitCode() == 0);
        QFile pub(key + QStringLiteral(".pub"));
        QFile authorized(m_cluster.path(QStringLiteral("authorized_keys/corraltest")));
        QVERIFY(pub.open(QIODevice::ReadOnly) && authorized.open(QIODevice::Append));
        authorized.write(pub.readAll());
        authorized.close();

        test::ScriptedPrompter prompter;
        prompter.passphraseAnswer = QStringLiteral("open sesame");
        SshEndpoint e = m_ssh->endpoint();
        e.identityFiles = {key};
        SshConnection ssh(e, &prompter);
        const auto r = run(ssh, QStringLiteral("echo in"));
        REQUIRE_OK(r);
        QCOMPARE(prompter.asked(), QStringList{QStringLiteral("passphrase ") + key});
    }

    void sftpUploadDownloadResumeAndReadFromOffset()
    {
        const QByteArray content = randomBytes(300 * 1024 + 17);
        const QString local = m_local.filePath(QStringLiteral("up.bin"));
        QFile f(local);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        const QString remote = m_cluster.value("WORK") + QStringLiteral("/up load.bin");

        QSignalSpy progress(m_ssh.get(), &SshConnection::transferProgress);
        const auto sent = await(m_ssh->upload(local, remote));
        QVERIFY(sent);
        REQUIRE_OK(*sent);
        QCOMPARE(sent->value(), qint64(content.size()));
        QTRY_VERIFY(!progress.isEmpty() && progress.last().at(1).toLongLong() == content.size());
        QCOMPARE(progress.last().at(2).toLongLong(), qint64(content.size()));
        QVERIFY(progress.size() > 2);  // reported along the way, not only at the end

        const auto sum = run(*m_ssh, ShellCommand(QStringLiteral("sha256sum"), {remote}));
        REQUIRE_OK(sum);
        QVERIFY(sum.value().out.startsWith(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex()));

        // A partial local copy (the first 100 000 bytes) is continued, not started over.
        const QString down = m_local.filePath(QStringLiteral("down.bin"));
        QFile partial(down);
        QVERIFY(partial.open(QIODevice::WriteOnly));
        partial.write(content.left(100000));
        partial.close();
        progress.clear();
        const auto got = await(m_ssh->download(remote, down, true));
        QVERIFY(got);
        REQUIRE_OK(*got);
        QCOMPARE(got->value(), qint64(content.size()));
        QTRY_VERIFY(!progress.isEmpty());
        QCOMPARE(progress.first().at(1).toLongLong(), qint64(100000));
        QVERIFY(partial.open(QIODevice::ReadOnly));
        QCOMPARE(partial.readAll(), content);

        const auto chunk = await(m_ssh->readFrom(remote, 1000, 64));
        QVERIFY(chunk);
        REQUIRE_OK(*chunk);
        QCOMPARE(chunk->value().data, content.mid(1000, 64));
        QCOMPARE(chunk->value().fileSize, qint64(content.size()));
        const auto past = await(m_ssh->readFrom(remote, content.size(), 64));
        QVERIFY(past && past->ok() && past->value().data.isEmpty());
        const auto missing = await(m_ssh->readFrom(m_cluster.value("WORK") + QStringLiteral("/absent"), 0, 64));
        QVERIFY(missing && !missing->ok());
        QCOMPARE(missing->error().code, ErrorCode::NotFound);
    }

    void aDroppedConnectionIsReconnected()
    {
        QSignalSpy states(m_ssh.get(), &SshConnection::stateChanged);
        REQUIRE_OK(run(*m_ssh, QStringLiteral("true")));
        {
            const auto [code, output] = m_cluster.script(QStringLiteral("stop-sshd"));
            QVERIFY2(code == 0, qPrintable(output));
        }
        const auto whileDown = run(*m_ssh, QStringLiteral("echo hello"));
        QVERIFY(!whileDown.ok());
        QVERIFY(isConnectionLoss(whileDown.error()));
        {
            const auto [code, output] = m_cluster.script(QStringLiteral("start-sshd"));
            QVERIFY2(code == 0, qPrintable(output));
        }
        // The backoff timer reconnects on its own; the next command then just works.
        QTRY_VERIFY_WITH_TIMEOUT(run(*m_ssh, QStringLiteral("echo back")).ok(), 15000);
        bool sawWaiting = false;
        for (const auto &signal : states)
            sawWaiting |= signal.at(0).value<ConnectionState>() == ConnectionState::WaitingToReconnect;
        QVERIFY(sawWaiting);
        QCOMPARE(states.last().at(0).value<ConnectionState>(), ConnectionState::Connected);
    }

    // Last: it replaces the fixture's host key.
    void aChangedHostKeyIsRefusedWithAWarning()
    {
        test::ScriptedPrompter prompter;
        prompter.acceptHostKey = true;  // even a careless user is not asked about a changed key
        const QString file = m_cluster.trustingKnownHosts(knownHosts("changing_known_hosts"));
        {
            SshConnection first(m_cluster.endpoint(file), &prompter);
            const auto st = await(first.connectToHost());
            QVERIFY(st && st->ok());
        }
        QFile before(file);
        QVERIFY(before.open(QIODevice::ReadOnly));
        const QByteArray recorded = before.readAll();
        before.close();

        {
            const auto [code, output] = m_cluster.script(QStringLiteral("rekey"));
            QVERIFY2(code == 0, qPrintable(output));
        }
        // A login that would ask for the password: it must not come to that.
        SshEndpoint byPassword = m_cluster.endpoint(file);
        byPassword.authMethods = {AuthMethod::Password, AuthMethod::KeyboardInteractive};
        prompter.passwordAnswer = m_cluster.password();
        SshConnection second(byPassword, &prompter);
        const auto st = await(second.connectToHost());
        QVERIFY(st && !st->ok());
        const QString message = QString::fromStdString(st->error().message);
        QVERIFY2(message.contains(QStringLiteral("has CHANGED")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("[127.0.0.1]:%1").arg(m_cluster.port())), qPrintable(message));
        QVERIFY(prompter.hostKeyQuestions().isEmpty());
        QCOMPARE(prompter.asked(), QStringList());  // no password or passphrase offered to it
        QVERIFY(before.open(QIODevice::ReadOnly));
        QCOMPARE(before.readAll(), recorded);  // known_hosts untouched
    }

    void cleanupTestCase() { m_ssh.reset(); }
};

QTEST_GUILESS_MAIN(TestSshRemote)
#include "tst_ssh_remote.moc"
