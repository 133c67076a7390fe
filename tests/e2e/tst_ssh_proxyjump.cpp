// ProxyJump against the real sshd, which is its own bastion: 127.0.0.1:PORT reached through
// 127.0.0.1:PORT. The jump hop's settings come from a test-written ssh config (the profile's
// ssh_config_file), never from root's own ~/.ssh; both hops check host keys strictly.
#include "Await.h"
#include "ClusterFixture.h"
#include "remote/SshConnection.h"

#include <QDirIterator>
#include <QTest>

using namespace corral;
using corral::test::await;

namespace {
// Command lines of this process's children: the ProxyCommand's ssh while a connection is up.
QStringList childCommandLines()
{
    QStringList lines;
    const QString self = QString::number(QCoreApplication::applicationPid());
    QDirIterator it(QStringLiteral("/proc"), QDir::Dirs | QDir::NoDotAndDotDot);
    while (it.hasNext()) {
        const QString dir = it.next();
        QFile stat(dir + QStringLiteral("/stat"));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.value(1) != self.toUtf8())
            continue;
        QFile cmdline(dir + QStringLiteral("/cmdline"));
        if (cmdline.open(QIODevice::ReadOnly))
            lines << QString::fromUtf8(cmdline.readAll().replace('\0', ' '));
    }
    return lines;
}
}  // namespace

class TestSshProxyJump : public QObject {
    Q_OBJECT
    test::ClusterFixture m_cluster;
    QTemporaryDir m_local;
    QString m_trusted;
    QString m_sshConfig;

    SshEndpoint throughBastion(const QString &bastionAlias) const
    {
        SshEndpoint e = m_cluster.endpoint(m_trusted);
        e.proxyJump = bastionAlias;
        e.sshConfigFile = m_sshConfig;
        return e;
    }

private slots:
    void initTestCase()
    {
        CORRAL_START_CLUSTER_OR_SKIP(m_cluster);
        m_trusted = m_cluster.trustingKnownHosts(m_local.filePath(QStringLiteral("known_hosts")));
        m_sshConfig = m_local.filePath(QStringLiteral("ssh_config"));
        // `bastion` is the fixture under the name its known_hosts entry has; `unknown-bastion` is
        // the same server as "localhost", a name known_hosts has never seen; `localhost-bastion`
        // is that again with a known_hosts that does know it (the control: only the record differs).
        const QString knowsLocalhost = m_local.filePath(QStringLiteral("known_hosts_localhost"));
        QVERIFY(QFile::copy(m_trusted, knowsLocalhost));
        QFile extra(knowsLocalhost);
        QVERIFY(extra.open(QIODevice::ReadOnly));
        const QByteArray localhostLine = extra.readAll().replace("[127.0.0.1]", "[localhost]");
        extra.close();
        QVERIFY(extra.open(QIODevice::Append));
        extra.write(localhostLine);
        extra.close();
        QFile config(m_sshConfig);
        QVERIFY(config.open(QIODevice::WriteOnly));
        const QString common = QStringLiteral("  Port %1\n  User %2\n  IdentityFile %3\n  IdentitiesOnly yes\n"
                                              "  UserKnownHostsFile %4\n  GlobalKnownHostsFile /dev/null\n")
                                   .arg(m_cluster.port())
                                   .arg(m_cluster.value("SSH_USER"), m_cluster.value("SSH_KEY"), m_trusted);
        QString localhostCommon = common;
        localhostCommon.replace(m_trusted, knowsLocalhost);
        config.write((QStringLiteral("Host bastion\n  HostName 127.0.0.1\n") + common
                      + QStringLiteral("Host unknown-bastion\n  HostName localhost\n") + common
                      + QStringLiteral("Host localhost-bastion\n  HostName localhost\n") + localhostCommon)
                         .toUtf8());
    }

    void aConnectionGoesThroughTheBastion()
    {
        test::ScriptedPrompter prompter;
        SshConnection ssh(throughBastion(QStringLiteral("bastion")), &prompter);
        const auto r = await(ssh.run(CommandRequest{ShellCommand(QStringLiteral("id"), {QStringLiteral("-un")}), {}, 10000}), 30000);
        QVERIFY(r);
        QVERIFY2(r->ok(), r->ok() ? "" : r->error().toString().c_str());
        QCOMPARE(r->value().out, QByteArray("corraltest\n"));
        QCOMPARE(prompter.hostKeyQuestions().size(), 0);  // the target's key was checked and known

        // The session runs over the bastion's `ssh -W`, a child of this process while it is up.
        const QStringList children = childCommandLines();
        const auto hop = std::find_if(children.begin(), children.end(), [&](const QString &line) {
            return line.startsWith(QStringLiteral("ssh ")) && line.contains(QStringLiteral("-W [127.0.0.1]:%1").arg(m_cluster.port()))
                   && line.contains(m_sshConfig) && line.contains(QStringLiteral("StrictHostKeyChecking=yes"));
        });
        QVERIFY2(hop != children.end(), qPrintable(children.join(QLatin1Char('\n'))));
    }

    void anUnknownBastionKeyIsRefusedNotAdded()
    {
        const QByteArray knownBefore = [&] {
            QFile f(m_trusted);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        test::ScriptedPrompter prompter;
        prompter.acceptHostKey = true;  // even a person saying yes to everything does not help the bastion
        SshConnection ssh(throughBastion(QStringLiteral("unknown-bastion")), &prompter);
        const auto st = await(ssh.connectToHost(), 30000);
        QVERIFY(st);
        QVERIFY(!st->ok());
        QVERIFY2(st->error().context.find("127.0.0.1") != std::string::npos, st->error().toString().c_str());
        QCOMPARE(prompter.hostKeyQuestions().size(), 0);  // it never got as far as the target's key
        QFile after(m_trusted);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(after.readAll(), knownBefore);

        // The control: the same bastion name with its key on record gets through.
        test::ScriptedPrompter control;
        SshConnection known(throughBastion(QStringLiteral("localhost-bastion")), &control);
        const auto ok = await(known.connectToHost(), 30000);
        QVERIFY(ok);
        QVERIFY2(ok->ok(), ok->ok() ? "" : ok->error().toString().c_str());
    }
};

QTEST_GUILESS_MAIN(TestSshProxyJump)
#include "tst_ssh_proxyjump.moc"
