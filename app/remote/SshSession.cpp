#include "remote/SshSession.h"

#include "remote/KnownHostsVerifier.h"
#include "remote/ShellQuote.h"
#include "remote/SshAuthenticator.h"

#include <libssh/server.h>  // ssh_send_keepalive is declared here but works for clients too

#include <QDir>
#include <QFile>

namespace corral {

Error connectionLost(const QString &host, const QString &message)
{
    return makeError(ErrorCode::Io, message.toStdString(), host.toStdString());
}

bool isConnectionLoss(const Error &error) { return error.code == ErrorCode::Io; }

namespace {
// Every ssh_options_set goes through here: a refused option names itself and the host.
Status setOption(ssh_session session, ssh_options_e option, const void *value, const char *name,
                 const QString &shown, const QString &host)
{
    if (ssh_options_set(session, option, value) == SSH_OK)
        return okStatus();
    return makeError(ErrorCode::InvalidArgument,
                     QStringLiteral("libssh refused option %1 = \"%2\": %3")
                         .arg(QLatin1StringView(name), shown, QString::fromUtf8(ssh_get_error(session)))
                         .toStdString(),
                     host.toStdString());
}

// libssh 0.10 has no ProxyJump of its own: hop through the bastion with OpenSSH's -W, which is
// exactly what ProxyJump does. That ssh checks the bastion's host key itself, strictly (BatchMode
// cannot ask, and an unknown bastion is refused, not added), reading the profile's ssh config
// when it names one. libssh expands %h/%p in the command, so a literal % in the path is doubled.
QString proxyCommandFor(const SshEndpoint &endpoint)
{
    QStringList args{QStringLiteral("ssh"), QStringLiteral("-o"), QStringLiteral("BatchMode=yes"), QStringLiteral("-o"),
                     QStringLiteral("StrictHostKeyChecking=yes")};
    if (!endpoint.sshConfigFile.isEmpty())
        args << QStringLiteral("-F") << QString(endpoint.sshConfigFile).replace(QLatin1Char('%'), QStringLiteral("%%"));
    args << QStringLiteral("-W") << QStringLiteral("[%h]:%p") << endpoint.proxyJump;
    return shellCommand(args);
}
}  // namespace

QString SshEndpoint::display() const { return QStringLiteral("%1@%2:%3").arg(user, host).arg(port); }

SshSession::SshSession(SshEndpoint endpoint, AuthPrompter *prompter, RememberedSecrets secrets)
    : m_endpoint(std::move(endpoint)), m_prompter(prompter), m_secrets(std::move(secrets))
{
}

QString SshSession::lastError() const
{
    return m_session ? QString::fromUtf8(ssh_get_error(m_session.get())) : QStringLiteral("not connected");
}

Status SshSession::applyOptions()
{
    ssh_session s = m_session.get();
    const QString &h = m_endpoint.display();
    const QByteArray host = m_endpoint.host.toUtf8();
    const QByteArray user = m_endpoint.user.toUtf8();
    const unsigned int port = static_cast<unsigned int>(m_endpoint.port);
    const long timeout = m_endpoint.connectTimeoutSeconds;
    const QString knownHosts = m_endpoint.knownHostsFile.isEmpty()
                                   ? QDir::home().filePath(QStringLiteral(".ssh/known_hosts"))
                                   : m_endpoint.knownHostsFile;
    const QByteArray knownHostsPath = QFile::encodeName(knownHosts);
    // Never let libssh read ~/.ssh/config on its own: the profile already applied it (SshConfigFile),
    // and two readers would disagree about precedence.
    const int no = 0;
    if (auto st = setOption(s, SSH_OPTIONS_HOST, host.constData(), "HostName", m_endpoint.host, h); !st)
        return st;
    if (auto st = setOption(s, SSH_OPTIONS_PORT, &port, "Port", QString::number(port), h); !st)
        return st;
    if (!user.isEmpty())
        if (auto st = setOption(s, SSH_OPTIONS_USER, user.constData(), "User", m_endpoint.user, h); !st)
            return st;
    if (auto st = setOption(s, SSH_OPTIONS_TIMEOUT, &timeout, "ConnectTimeout", QString::number(timeout), h); !st)
        return st;
    if (auto st = setOption(s, SSH_OPTIONS_KNOWNHOSTS, knownHostsPath.constData(), "UserKnownHostsFile", knownHosts, h); !st)
        return st;
    // Only the configured file decides: a system-wide file must not vouch for a key the user never saw.
    if (auto st = setOption(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null", "GlobalKnownHostsFile",
                            QStringLiteral("/dev/null"), h); !st)
        return st;
    if (auto st = setOption(s, SSH_OPTIONS_PROCESS_CONFIG, &no, "ProcessConfig", QStringLiteral("no"), h); !st)
        return st;
    // Small SFTP requests wait for each answer: with Nagle's algorithm on, every one also waits
    // for the peer's delayed ACK (about 40 ms), which held uploads to about 1 MB/s on loopback.
    const int yes = 1;
    if (auto st = setOption(s, SSH_OPTIONS_NODELAY, &yes, "TCPNoDelay", QStringLiteral("yes"), h); !st)
        return st;
    if (!m_endpoint.proxyJump.isEmpty()) {
        const QString proxy = proxyCommandFor(m_endpoint);
        const QByteArray proxyBytes = proxy.toUtf8();
        if (auto st = setOption(s, SSH_OPTIONS_PROXYCOMMAND, proxyBytes.constData(), "ProxyJump", proxy, h); !st)
            return st;
    }
    return okStatus();
}

Status SshSession::connect()
{
    disconnect();
    m_session.reset(ssh_new());
    if (!m_session)
        return makeError(ErrorCode::Runtime, "libssh could not allocate a session", m_endpoint.display().toStdString());
    if (auto st = applyOptions(); !st)
        return st;
    if (ssh_connect(m_session.get()) != SSH_OK) {
        const QString message = QStringLiteral("could not connect: %1").arg(lastError());
        m_session.reset();
        return connectionLost(m_endpoint.display(), message);
    }
    if (auto st = KnownHostsVerifier(m_endpoint.display(), m_prompter).verify(m_session.get()); !st) {
        m_session.reset();
        return st;
    }
    if (auto st = SshAuthenticator(m_session.get(), m_endpoint, m_prompter, m_secrets).authenticate(); !st) {
        m_session.reset();
        return st;
    }
    return okStatus();
}

void SshSession::disconnect() { m_session.reset(); }

bool SshSession::isConnected() const { return m_session && ssh_is_connected(m_session.get()); }

Status SshSession::sendKeepalive()
{
    if (!isConnected() || ssh_send_keepalive(m_session.get()) != SSH_OK)
        return connectionLost(m_endpoint.display(), QStringLiteral("keepalive failed: %1").arg(lastError()));
    return okStatus();
}

}  // namespace corral
