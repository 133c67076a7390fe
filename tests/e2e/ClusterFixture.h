#pragma once
// Test-side handle on tests/e2e/cluster-fixture: starts a real sshd + SLURM in a fresh folder,
// reads what the script wrote (port, user, key), stops everything at the end. Header-only,
// shared by the e2e tests.
#include "remote/AuthPrompter.h"
#include "remote/ShellCommand.h"
#include "remote/SshEndpoint.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QMutex>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <csignal>
#include <sys/types.h>

// Starts `fixture` in initTestCase: skips loudly where it cannot run (no root, packages
// missing), fails where it should have run but did not.
#define CORRAL_START_CLUSTER_OR_SKIP(fixture)                                                                   \
    do {                                                                                                      \
        QString why_;                                                                                         \
        bool skip_ = false;                                                                                   \
        if (!(fixture).start(&why_, &skip_)) {                                                                \
            if (skip_)                                                                                        \
                QSKIP(qPrintable(QStringLiteral("SKIPPED LOUDLY: the real sshd/SLURM fixture cannot run here: ") \
                                 + why_));                                                                    \
            QFAIL(qPrintable(why_));                                                                          \
        }                                                                                                     \
    } while (false)

namespace corral::test {

// A test's own shell script, run as `sh -c SCRIPT`: remote commands take a ShellCommand, never
// raw text, so a test that wants pipes or globs says so here.
inline ShellCommand shellScript(const QString &script)
{
    return ShellCommand(QStringLiteral("sh"), {QStringLiteral("-c"), script});
}

class ClusterFixture {
public:
    static constexpr int kCannotRun = 77;

    // Starts the fixture; on false, `why` says what is missing and `skip` whether the test
    // should skip (no root, packages missing) rather than fail.
    bool start(QString *why, bool *skip)
    {
        *skip = false;
        if (!m_tmp.isValid()) {
            *why = QStringLiteral("no temporary folder");
            return false;
        }
        // The remote test user must traverse into the fixture (binaries, run folders, munge socket).
        QFile::setPermissions(m_tmp.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                                | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
        m_dir = m_tmp.filePath(QStringLiteral("cluster"));
        const auto [code, output] = script(QStringLiteral("start"));
        if (code != 0) {
            *skip = code == kCannotRun;
            *why = output;
            return false;
        }
        QFile env(QDir(m_dir).filePath(QStringLiteral("fixture.env")));
        if (!env.open(QIODevice::ReadOnly)) {
            *why = QStringLiteral("the fixture wrote no fixture.env");
            return false;
        }
        for (const QByteArray &line : env.readAll().split('\n')) {
            const int eq = line.indexOf('=');
            if (eq > 0)
                m_env.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
        }
        m_started = true;
        return true;
    }

    ~ClusterFixture()
    {
        if (m_started)
            script(QStringLiteral("stop"));
    }

    // Runs `cluster-fixture CMD DIR`: exit code and combined output.
    std::pair<int, QString> script(const QString &command) const
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(CORRAL_SOURCE_DIR "/tests/e2e/cluster-fixture"), {command, m_dir});
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
            return {-1, QStringLiteral("cluster-fixture %1 timed out").arg(command)};
        }
        return {p.exitCode(), QString::fromUtf8(p.readAll())};
    }

    // SIGKILL to sshd and to every process serving its connections (found by their parent PIDs in
    // /proc, never by name): the listener alone would leave established sessions up. What a
    // crashed or OOM-killed sshd does to a client: no goodbye, the TCP connection just ends.
    // Returns how many processes were killed (0: sshd was not running).
    int killSshd() const
    {
        QFile pidFile(path(QStringLiteral("sshd.pid")));
        if (!pidFile.open(QIODevice::ReadOnly))
            return 0;
        const qint64 listener = pidFile.readAll().trimmed().toLongLong();
        if (listener <= 0 || commandOf(listener) != "sshd")
            return 0;
        // Stopped first, so none forks a process this walk would miss; then all killed at once.
        QList<qint64> doomed{listener};
        ::kill(static_cast<pid_t>(listener), SIGSTOP);
        for (int pass = 0; pass < 3; ++pass) {
            const QHash<qint64, QList<qint64>> children = childrenByParent();
            QList<qint64> found{listener};
            for (qsizetype i = 0; i < found.size(); ++i)
                found += children.value(found.at(i));
            for (const qint64 pid : std::as_const(found))
                if (!doomed.contains(pid)) {
                    ::kill(static_cast<pid_t>(pid), SIGSTOP);
                    doomed << pid;
                }
        }
        for (const qint64 pid : std::as_const(doomed))
            ::kill(static_cast<pid_t>(pid), SIGKILL);
        // Dead (gone or a zombie, whose sockets are closed) before returning, so the port is free.
        QDeadlineTimer deadline(5000);
        for (const qint64 pid : std::as_const(doomed))
            while (isRunning(pid) && !deadline.hasExpired())
                QThread::msleep(5);
        return int(doomed.size());
    }

    QString value(const char *key) const { return m_env.value(QLatin1StringView(key)); }
    QString dir() const { return m_dir; }
    QString path(const QString &name) const { return QDir(m_dir).filePath(name); }
    int port() const { return value("SSH_PORT").toInt(); }
    QString password() const
    {
        QFile f(value("PASSWORD_FILE"));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
    }

    // A known_hosts file that already trusts the fixture's current host key.
    QString trustingKnownHosts(const QString &file) const
    {
        QFile pub(value("HOST_KEY_PUB"));
        QFile out(file);
        if (!pub.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return QString();
        const QList<QByteArray> parts = pub.readAll().trimmed().split(' ');
        out.write("[127.0.0.1]:" + QByteArray::number(port()) + ' ' + parts.value(0) + ' ' + parts.value(1) + '\n');
        return file;
    }

    SshEndpoint endpoint(const QString &knownHostsFile) const
    {
        SshEndpoint e;
        e.host = QStringLiteral("127.0.0.1");
        e.port = port();
        e.user = value("SSH_USER");
        e.identityFiles = {value("SSH_KEY")};
        e.authMethods = {AuthMethod::PublicKey};
        e.knownHostsFile = knownHostsFile;
        e.connectTimeoutSeconds = 5;
        return e;
    }

private:
    static QHash<qint64, QList<qint64>> childrenByParent()
    {
        QHash<qint64, QList<qint64>> children;
        for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
            bool numeric = false;
            const qint64 pid = entry.toLongLong(&numeric);
            if (!numeric)
                continue;
            QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
            if (!stat.open(QIODevice::ReadOnly))
                continue;
            const QByteArray line = stat.readAll();
            // "pid (comm) state ppid …": the command may hold spaces, so read after the last ')'.
            const QList<QByteArray> rest = line.mid(line.lastIndexOf(')') + 2).split(' ');
            if (rest.size() > 1)
                children[rest.at(1).toLongLong()] << pid;
        }
        return children;
    }
    static bool isRunning(qint64 pid)
    {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            return false;
        const QByteArray line = stat.readAll();
        return line.mid(line.lastIndexOf(')') + 2, 1) != "Z";
    }
    static QByteArray commandOf(qint64 pid)
    {
        QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
        return comm.open(QIODevice::ReadOnly) ? comm.readAll().trimmed() : QByteArray();
    }

    QTemporaryDir m_tmp;
    QString m_dir;
    QHash<QString, QString> m_env;
    bool m_started = false;
};

// The AuthPrompter test double: scripted answers, and a record of every question asked.
// Called on connection worker threads, hence the mutex.
class ScriptedPrompter : public AuthPrompter {
public:
    bool acceptHostKey = false;
    std::optional<QString> passphraseAnswer;
    std::optional<QString> passwordAnswer;
    std::optional<QStringList> kbdAnswers;
    bool rememberAnswers = false;  // the "remember" box, as ticked on every answer

    bool acceptUnknownHostKey(const HostKeyQuestion &question) override
    {
        QMutexLocker lock(&m_mutex);
        m_hostKeyQuestions << question;
        return acceptHostKey;
    }
    std::optional<SecretAnswer> keyPassphrase(const QString &keyFile, int) override
    {
        QMutexLocker lock(&m_mutex);
        m_asked << QStringLiteral("passphrase ") + keyFile;
        return secretAnswer(passphraseAnswer);
    }
    std::optional<SecretAnswer> password(const QString &userAtHost, int attempt) override
    {
        QMutexLocker lock(&m_mutex);
        m_asked << QStringLiteral("password ") + userAtHost;
        // a person would not retype the same
        return attempt == 1 ? secretAnswer(passwordAnswer) : std::nullopt;
    }
    std::optional<KeyboardInteractiveAnswers> keyboardInteractive(const QString &userAtHost, const QString &,
                                                                  const QString &,
                                                                  const QList<KeyboardInteractivePrompt> &prompts) override
    {
        QMutexLocker lock(&m_mutex);
        for (const auto &prompt : prompts)
            m_asked << QStringLiteral("kbd ") + userAtHost + QLatin1Char(' ') + prompt.text;
        if (!kbdAnswers)
            return std::nullopt;
        return KeyboardInteractiveAnswers{*kbdAnswers, rememberAnswers};
    }

    QList<HostKeyQuestion> hostKeyQuestions() const
    {
        QMutexLocker lock(&m_mutex);
        return m_hostKeyQuestions;
    }
    QStringList asked() const
    {
        QMutexLocker lock(&m_mutex);
        return m_asked;
    }

private:
    std::optional<SecretAnswer> secretAnswer(const std::optional<QString> &answer) const
    {
        if (!answer)
            return std::nullopt;
        return SecretAnswer{*answer, rememberAnswers};
    }

    mutable QMutex m_mutex;
    QList<HostKeyQuestion> m_hostKeyQuestions;
    QStringList m_asked;
};

}  // namespace corral::test
