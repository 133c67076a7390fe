#include "remote/SshConfigFile.h"

#include <QDir>
#include <QTest>

using corral::SshConfigFile;
using corral::SshEndpoint;

namespace {
const char *kConfig = R"(# a typical ~/.ssh/config
Host bastion
    HostName bastion.example.org
    User jump

Host gpu-* !gpu-test
    User alice
    IdentityFile ~/.ssh/id_cluster
    ProxyJump jump@bastion.example.org:2222

Host gpu-login
    HostName login.gpu.example.org
    Port 2200
    User bob

Match host *.internal
    User matched

Host *.example.org  other
  Port=2022
  IdentityFile "~/.ssh/id with space"

Host *
    User fallback
    IdentityFile ~/.ssh/id_ed25519
)";
}  // namespace

class TestSshConfig : public QObject {
    Q_OBJECT
    SshConfigFile m_config = SshConfigFile::fromText(QString::fromUtf8(kConfig));

private slots:
    void patterns_data()
    {
        QTest::addColumn<QString>("patterns");
        QTest::addColumn<QString>("alias");
        QTest::addColumn<bool>("matches");
        QTest::newRow("exact") << QStringLiteral("bastion") << QStringLiteral("bastion") << true;
        QTest::newRow("star") << QStringLiteral("gpu-*") << QStringLiteral("gpu-login") << true;
        QTest::newRow("question") << QStringLiteral("node?") << QStringLiteral("node7") << true;
        QTest::newRow("question needs one") << QStringLiteral("node?") << QStringLiteral("node") << false;
        QTest::newRow("negated") << QStringLiteral("gpu-* !gpu-test") << QStringLiteral("gpu-test") << false;
        QTest::newRow("second pattern") << QStringLiteral("a b c") << QStringLiteral("b") << true;
        QTest::newRow("dots are literal") << QStringLiteral("a.b") << QStringLiteral("axb") << false;
        QTest::newRow("case") << QStringLiteral("Cluster") << QStringLiteral("cluster") << true;
    }
    void patterns()
    {
        QFETCH(QString, patterns);
        QFETCH(QString, alias);
        QFETCH(bool, matches);
        QCOMPARE(SshConfigFile::hostPatternMatches(patterns, alias), matches);
    }

    void firstValueWinsPerKeyword()
    {
        // gpu-login matches "gpu-*" (User alice) before its own block (User bob): alice wins,
        // as with OpenSSH; HostName and Port only appear in the later block, so they apply.
        const auto s = m_config.settingsFor(QStringLiteral("gpu-login"));
        QCOMPARE(s.user, std::optional<QString>(QStringLiteral("alice")));
        QCOMPARE(s.hostName, std::optional<QString>(QStringLiteral("login.gpu.example.org")));
        QCOMPARE(s.port, std::optional<int>(2200));
        QCOMPARE(s.proxyJump, std::optional<QString>(QStringLiteral("jump@bastion.example.org:2222")));
        // IdentityFile accumulates in order.
        QCOMPARE(s.identityFiles, (QStringList{QDir::homePath() + QStringLiteral("/.ssh/id_cluster"),
                                               QDir::homePath() + QStringLiteral("/.ssh/id_ed25519")}));
    }

    void negationAndFallbacks()
    {
        const auto s = m_config.settingsFor(QStringLiteral("gpu-test"));
        QCOMPARE(s.user, std::optional<QString>(QStringLiteral("fallback")));
        QVERIFY(!s.proxyJump.has_value());
        QVERIFY(!s.hostName.has_value());
    }

    void equalsSignsQuotesAndMatchBlocks()
    {
        const auto s = m_config.settingsFor(QStringLiteral("login.example.org"));
        QCOMPARE(s.port, std::optional<int>(2022));
        QCOMPARE(s.identityFiles.first(), QDir::homePath() + QStringLiteral("/.ssh/id with space"));
        // The Match block is skipped, not applied to everything after it.
        QCOMPARE(m_config.settingsFor(QStringLiteral("x.internal")).user, std::optional<QString>(QStringLiteral("fallback")));
    }

    void explicitProfileFieldsWinOverTheFile()
    {
        SshEndpoint mine;
        mine.host = QStringLiteral("gpu-login");
        mine.user = QStringLiteral("carol");
        const SshEndpoint e = m_config.endpointFor(QStringLiteral("gpu-login"), mine);
        QCOMPARE(e.host, QStringLiteral("login.gpu.example.org"));
        QCOMPARE(e.user, QStringLiteral("carol"));
        QCOMPARE(e.port, 2200);
        QCOMPARE(e.proxyJump, QStringLiteral("jump@bastion.example.org:2222"));
        QCOMPARE(e.identityFiles.size(), 2);
    }

    void aMissingFileIsEmpty()
    {
        const auto s = SshConfigFile::fromFile(QStringLiteral("/nonexistent/ssh_config")).settingsFor(QStringLiteral("x"));
        QVERIFY(!s.user && !s.hostName && !s.port && s.identityFiles.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSshConfig)
#include "tst_sshconfig.moc"
