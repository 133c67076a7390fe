#include "remote/SshWorker.h"

namespace corral {

namespace {
constexpr int kFirstBackoffMs = 250;
constexpr int kMaxBackoffMs = 30000;
}  // namespace

SshWorker::SshWorker(SshEndpoint endpoint, AuthPrompter *prompter, RememberedSecrets secrets, int keepaliveSeconds)
    : m_session(std::move(endpoint), prompter, std::move(secrets)),
      m_sftp(m_session),
      m_keepalive(this),  // children, so moveToThread takes the timers along
      m_reconnect(this),
      m_keepaliveSeconds(keepaliveSeconds)
{
    m_nextAttempt = QDeadlineTimer(0);
}

void SshWorker::startTimers()
{
    m_keepalive.setInterval(m_keepaliveSeconds * 1000);
    connect(&m_keepalive, &QTimer::timeout, this, &SshWorker::onKeepalive);
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, [this] { (void)ensureConnected(); });
}

void SshWorker::shutdown()
{
    m_keepalive.stop();
    m_reconnect.stop();
    m_sftp.reset();
    m_session.disconnect();
}

void SshWorker::setState(ConnectionState state, const QString &message)
{
    if (state == m_state && state != ConnectionState::WaitingToReconnect)
        return;
    m_state = state;
    emit stateChanged(state, message);
}

Status SshWorker::ensureConnected()
{
    if (m_session.isConnected())
        return okStatus();
    const QString host = m_session.endpoint().display();
    if (!m_nextAttempt.hasExpired())
        return connectionLost(host, QStringLiteral("reconnecting in %1 ms (last error: %2)")
                                        .arg(m_nextAttempt.remainingTime()).arg(m_lastError));
    m_reconnect.stop();
    m_sftp.reset();
    setState(ConnectionState::Connecting, QStringLiteral("connecting to %1").arg(host));
    const Status st = m_session.connect();
    if (st) {
        m_failedAttempts = 0;
        m_wasConnected = true;
        m_nextAttempt = QDeadlineTimer(0);
        if (m_keepaliveSeconds > 0)
            m_keepalive.start();
        setState(ConnectionState::Connected, QStringLiteral("connected to %1").arg(host));
        return st;
    }
    m_lastError = QString::fromStdString(st.error().toString());
    // Only a dropped network deserves automatic retries; a refused key or password does not.
    if (isConnectionLoss(st.error()) && m_wasConnected)
        scheduleReconnect(m_lastError);
    else
        setState(ConnectionState::Disconnected, m_lastError);
    return st;
}

void SshWorker::scheduleReconnect(const QString &reason)
{
    const int backoff = qMin(kMaxBackoffMs, kFirstBackoffMs << qMin(m_failedAttempts, 8));
    ++m_failedAttempts;
    m_nextAttempt = QDeadlineTimer(backoff);
    m_reconnect.start(backoff);
    setState(ConnectionState::WaitingToReconnect,
             QStringLiteral("%1; reconnecting in %2 ms (attempt %3)").arg(reason).arg(backoff).arg(m_failedAttempts));
}

void SshWorker::noteFailure(const Error &error)
{
    if (!isConnectionLoss(error))
        return;
    m_keepalive.stop();
    m_sftp.reset();
    m_session.disconnect();
    m_lastError = QString::fromStdString(error.toString());
    if (m_wasConnected)
        scheduleReconnect(m_lastError);
    // The next job may try at once; the backoff applies once reconnect attempts themselves fail.
    m_nextAttempt = QDeadlineTimer(0);
}

Result<CommandResult> SshWorker::run(const CommandRequest &request)
{
    if (auto st = ensureConnected(); !st)
        return st.error();
    auto result = runRemoteCommand(m_session, request);
    if (!result)
        noteFailure(result.error());
    return result;
}

void SshWorker::onKeepalive()
{
    if (auto st = m_session.sendKeepalive(); !st)
        noteFailure(st.error());
}

}  // namespace corral
