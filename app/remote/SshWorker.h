#pragma once
// The thread-confined side of an SshConnection: owns the libssh session and its SFTP channel,
// lives on the connection's own QThread, and runs the jobs the connection posts one at a time.
// It keeps the session alive (keepalives) and, after a drop, reconnects with exponential
// backoff. Jobs that fail because the connection broke are NOT retried here: re-running an
// `sbatch` could submit a job twice, so the caller decides (pollers simply try next interval).
#include "config/Result.h"
#include "remote/RemoteExec.h"
#include "remote/SftpClient.h"
#include "remote/SshSession.h"

#include <QDeadlineTimer>
#include <QObject>
#include <QTimer>

namespace corral {

enum class ConnectionState { Disconnected, Connecting, Connected, WaitingToReconnect };

class SshWorker : public QObject {
    Q_OBJECT
public:
    SshWorker(SshEndpoint endpoint, AuthPrompter *prompter, RememberedSecrets secrets, int keepaliveSeconds);

    // Everything below is called on the worker thread only (from jobs or its own timers).
    Status ensureConnected();
    Result<CommandResult> run(const CommandRequest &request);
    SftpClient &sftp() { return m_sftp; }
    // A job reports a broken connection through this, so the next job reconnects.
    void noteFailure(const Error &error);
    void reportProgress(const QString &path, qint64 done, qint64 total) { emit transferProgress(path, done, total); }
    const SshEndpoint &endpoint() const { return m_session.endpoint(); }

    void startTimers();  // called once on the worker thread
    void shutdown();     // called once on the worker thread, before the thread ends

signals:
    void stateChanged(corral::ConnectionState state, const QString &message);
    void transferProgress(const QString &path, qint64 done, qint64 total);

private:
    void setState(ConnectionState state, const QString &message);
    void onKeepalive();
    void scheduleReconnect(const QString &reason);

    SshSession m_session;
    SftpClient m_sftp;
    QTimer m_keepalive;
    QTimer m_reconnect;
    ConnectionState m_state = ConnectionState::Disconnected;
    int m_keepaliveSeconds;
    int m_failedAttempts = 0;
    QDeadlineTimer m_nextAttempt;  // a job arriving before it fails fast instead of hammering the host
    QString m_lastError;
    bool m_wasConnected = false;  // reconnect only sessions that once worked (not a refused host key)
};

}  // namespace corral
