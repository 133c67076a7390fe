#include "remote/RemoteExec.h"
#include "remote/ShellCommand.h"
#include "remote/ShellQuote.h"

#include <QDirIterator>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <type_traits>

using corral::CommandRequest;
using corral::ShellCommand;
using corral::shellCommand;
using corral::shellQuote;

// The structural guarantee, checked when this file compiles: remote execution takes a
// ShellCommand, and no text converts to one. Were CommandRequest to take a QString again (or
// ShellCommand to gain an implicit constructor from text), this test would no longer build.
namespace {
template <class T, class = void>
struct RequestFromText : std::false_type {};
template <class T>
struct RequestFromText<T, std::void_t<decltype(CommandRequest{std::declval<T>(), {}, 0})>> : std::true_type {};
}  // namespace
static_assert(!std::is_convertible_v<QString, ShellCommand>, "a QString must not become a remote command");
static_assert(!std::is_convertible_v<const char *, ShellCommand>, "a C string must not become a remote command");
static_assert(!std::is_convertible_v<QStringList, ShellCommand>, "a word list must say which word is the program");
static_assert(!RequestFromText<QString>::value, "CommandRequest must not accept a raw QString");
static_assert(!RequestFromText<const char *>::value, "CommandRequest must not accept a raw C string");
static_assert(!std::is_default_constructible_v<ShellCommand>, "an empty command line must not be sendable");
static_assert(RequestFromText<ShellCommand>::value, "CommandRequest takes a ShellCommand");

// Runs `line` in /bin/sh; stdout.
QByteArray runLocally(const QString &line)
{
    QProcess sh;
    sh.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), line});
    sh.waitForFinished(10000);
    return sh.readAllStandardOutput();
}

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

    void aShellCommandQuotesEveryWord()
    {
        QCOMPARE(ShellCommand(QStringLiteral("squeue"), {QStringLiteral("-j"), QStringLiteral("1,2")}).text(),
                 QStringLiteral("'squeue' '-j' '1,2'"));
        ShellCommand hostile(QStringLiteral("printf"), {QStringLiteral("%s|")});
        hostile.arg(QStringLiteral("a'; touch pwned; '")).args({QStringLiteral("$(id)"), QStringLiteral("`id`\n;")});
        QCOMPARE(runLocally(hostile.text()), QByteArray("a'; touch pwned; '|$(id)|`id`\n;|"));
    }

    // Operators bind as the calls are written, whatever the sides hold.
    void operatorsBindAsWritten()
    {
        const auto echo = [](const char *word) { return ShellCommand(QStringLiteral("echo"), {QLatin1StringView(word)}); };
        const ShellCommand no(QStringLiteral("false"));
        const ShellCommand yes(QStringLiteral("true"));
        // a && (b || c): with a false, nothing at all runs
        QCOMPARE(runLocally(no.andThen(echo("b").orElse(echo("c"))).text()), QByteArray());
        // (a; b) && c: c depends on b only
        QCOMPARE(runLocally(echo("a").then(no).andThen(echo("c")).text()), QByteArray("a\n"));
        // a; b; c flat, and (a || b) && c
        QCOMPARE(runLocally(echo("a").then(echo("b")).then(echo("c")).text()), QByteArray("a\nb\nc\n"));
        QCOMPARE(runLocally(no.orElse(echo("b")).andThen(echo("c")).text()), QByteArray("b\nc\n"));
        QCOMPARE(runLocally(yes.then(echo("x").then(echo("y"))).text()), QByteArray("x\ny\n"));
        // stderr of the whole group goes
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"),
                 {QStringLiteral("-c"),
                  ShellCommand(QStringLiteral("ls"), {QStringLiteral("/nonexistent-corral")})
                      .then(ShellCommand(QStringLiteral("ls"), {QStringLiteral("/nonexistent-corral-2")}))
                      .withoutStderr()
                      .text()});
        QVERIFY(sh.waitForFinished(10000));
        QCOMPARE(sh.readAllStandardError(), QByteArray());
    }

    // The one way around the type is to hand text to a shell as an argument (`sh -c TEXT`).
    // The product never does: every remote command is a program and its arguments.
    void noProductCodeRunsAShellOnText()
    {
        const QRegularExpression shellProgram(
            QStringLiteral(R"re(ShellCommand\s*(\w+\s*)?[({]\s*(QStringLiteral\s*\(|QLatin1StringView\s*\()?\s*"(sh|bash|dash|zsh|ksh|csh|tcsh|fish|env|eval|ssh|srun|xargs)")re"));
        QStringList offenders;
        for (const char *folder : {"app", "ui"}) {
            QDirIterator it(QStringLiteral(CORRAL_SOURCE_DIR "/") + QLatin1StringView(folder),
                            {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile file(it.next());
                QVERIFY(file.open(QIODevice::ReadOnly));
                if (shellProgram.match(QString::fromUtf8(file.readAll())).hasMatch())
                    offenders << file.fileName();
            }
        }
        QVERIFY2(offenders.isEmpty(), qPrintable(offenders.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestShellQuote)
#include "tst_shellquote.moc"
