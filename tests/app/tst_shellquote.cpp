#include "remote/ShellQuote.h"

#include <QProcess>
#include <QTest>

using corral::shellCommand;
using corral::shellQuote;

// The quoting rule is checked twice: the exact text it produces, and that a real POSIX shell
// (here the local /bin/sh; tst_ssh_remote repeats this through sshd) reads every hostile value
// back byte for byte.
class TestShellQuote : public QObject {
    Q_OBJECT
private slots:
    void quotedText_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("quoted");
        QTest::newRow("plain") << QStringLiteral("run1") << QStringLiteral("'run1'");
        QTest::newRow("empty") << QString() << QStringLiteral("''");
        QTest::newRow("space") << QStringLiteral("my run") << QStringLiteral("'my run'");
        QTest::newRow("single quote") << QStringLiteral("it's") << QStringLiteral("'it'\\''s'");
        QTest::newRow("only quotes") << QStringLiteral("''") << QStringLiteral("''\\'''\\'''");
        QTest::newRow("dollar and backtick") << QStringLiteral("$HOME `id`") << QStringLiteral("'$HOME `id`'");
        QTest::newRow("newline") << QStringLiteral("a\nb") << QStringLiteral("'a\nb'");
    }
    void quotedText()
    {
        QFETCH(QString, value);
        QFETCH(QString, quoted);
        QCOMPARE(shellQuote(value), quoted);
    }

    void commandJoinsQuotedWords()
    {
        QCOMPARE(shellCommand({QStringLiteral("squeue"), QStringLiteral("-j"), QStringLiteral("1,2")}),
                 QStringLiteral("'squeue' '-j' '1,2'"));
    }

    void aRealShellReadsHostileValuesBack_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("spaces") << QStringLiteral("  two  spaces  ");
        QTest::newRow("quotes") << QStringLiteral("it's \"quoted\" ''");
        QTest::newRow("dollar") << QStringLiteral("$HOME ${PATH} $(id) $((1+1))");
        QTest::newRow("backticks") << QStringLiteral("`touch /tmp/corral-pwned`");
        QTest::newRow("semicolons") << QStringLiteral("a; rm -rf / ; b && c || d | e & f");
        QTest::newRow("newlines") << QStringLiteral("line1\nline2\n\nline4");
        QTest::newRow("backslashes and globs") << QStringLiteral("\\ \\\\ * ? [a-z] ~ # ! %");
        QTest::newRow("unicode") << QStringLiteral("café ✓");
        QTest::newRow("dash first") << QStringLiteral("-n");
    }
    void aRealShellReadsHostileValuesBack()
    {
        QFETCH(QString, value);
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"),
                                             QStringLiteral("printf '%s\\n' ") + shellQuote(value)});
        QVERIFY(sh.waitForFinished(10000));
        QCOMPARE(sh.exitCode(), 0);
        QCOMPARE(sh.readAllStandardOutput(), value.toUtf8() + '\n');
        QCOMPARE(sh.readAllStandardError(), QByteArray());
    }
};

QTEST_GUILESS_MAIN(TestShellQuote)
#include "tst_shellquote.moc"
