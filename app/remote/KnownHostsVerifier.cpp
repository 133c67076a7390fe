#include "remote/KnownHostsVerifier.h"

#include "remote/AuthPrompter.h"
#include "remote/SshHandles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <fcntl.h>
#include <unistd.h>

namespace corral {

namespace {
Error hostError(const QString &host, const QString &message)
{
    return makeError(ErrorCode::Runtime, message.toStdString(), host.toStdString());
}

QString knownHostsPath(ssh_session session)
{
    char *path = nullptr;
    if (ssh_options_get(session, SSH_OPTIONS_KNOWNHOSTS, &path) != SSH_OK || path == nullptr)
        return QStringLiteral("~/.ssh/known_hosts");
    const ssh::CString owned(path);
    return QString::fromLocal8Bit(owned.get());
}

// The name known_hosts uses for this server: "host" on port 22, "[host]:port" otherwise.
QString knownHostsName(ssh_session session)
{
    char *host = nullptr;
    unsigned int port = 22;
    if (ssh_options_get(session, SSH_OPTIONS_HOST, &host) != SSH_OK || host == nullptr)
        return QString();
    const ssh::CString owned(host);
    ssh_options_get_port(session, &port);
    const QString name = QString::fromUtf8(owned.get());
    return port == 22 ? name : QStringLiteral("[%1]:%2").arg(name).arg(port);
}
// A known_hosts file Corral creates is the owner's alone (0600, its folder 0700, as ssh makes
// ~/.ssh): nobody else may add a key the connection would then trust. An existing file keeps
// the mode its owner gave it.
void createPrivately(const QString &path)
{
    if (path.isEmpty() || path.startsWith(QLatin1Char('~')) || QFileInfo::exists(path))
        return;
    const QString folder = QFileInfo(path).absolutePath();
    if (!QFileInfo::exists(folder) && QDir().mkpath(folder))
        QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        ::close(fd);
}
}  // namespace

KnownHostsVerifier::KnownHostsVerifier(QString hostForMessages, AuthPrompter *prompter)
    : m_host(std::move(hostForMessages)), m_prompter(prompter)
{
}

Status KnownHostsVerifier::verify(ssh_session session) const
{
    ssh_key rawKey = nullptr;
    if (ssh_get_server_publickey(session, &rawKey) != SSH_OK)
        return hostError(m_host, QStringLiteral("could not read the server's host key: %1")
                                     .arg(QString::fromUtf8(ssh_get_error(session))));
    const ssh::Key key(rawKey);
    unsigned char *rawHash = nullptr;
    size_t hashLength = 0;
    if (ssh_get_publickey_hash(key.get(), SSH_PUBLICKEY_HASH_SHA256, &rawHash, &hashLength) != SSH_OK)
        return hostError(m_host, QStringLiteral("could not hash the server's host key"));
    const ssh::Hash hash(rawHash);
    const ssh::CString fingerprint(ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash.get(), hashLength));

    HostKeyQuestion question;
    question.host = knownHostsName(session);
    question.keyType = QString::fromLatin1(ssh_key_type_to_char(ssh_key_type(key.get())));
    question.fingerprint = QString::fromLatin1(fingerprint.get());
    question.knownHostsFile = knownHostsPath(session);

    switch (ssh_session_is_known_server(session)) {
    case SSH_KNOWN_HOSTS_OK:
        return okStatus();
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER: {
        const QString explanation =
            QStringLiteral("WARNING: the host key of %1 has CHANGED since it was recorded in %2 "
                           "(now %3 %4). Someone may be intercepting the connection, or the "
                           "server was reinstalled. Refusing to connect; if the change is "
                           "expected, remove the old entry (ssh-keygen -R '%1' -f %2) and connect again.")
                .arg(question.host, question.knownHostsFile, question.keyType, question.fingerprint);
        if (m_prompter != nullptr)
            m_prompter->hostKeyChanged(question, explanation);  // told, never asked
        return hostError(m_host, explanation);
    }
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        if (m_prompter == nullptr || !m_prompter->acceptUnknownHostKey(question))
            return hostError(m_host, QStringLiteral("the host key of %1 (%2 %3) is not known and was not accepted")
                                         .arg(question.host, question.keyType, question.fingerprint));
        createPrivately(question.knownHostsFile);
        if (ssh_session_update_known_hosts(session) != SSH_OK)
            return hostError(m_host, QStringLiteral("could not add the host key to %1: %2")
                                         .arg(question.knownHostsFile, QString::fromUtf8(ssh_get_error(session))));
        return okStatus();
    case SSH_KNOWN_HOSTS_ERROR:
        break;
    }
    return hostError(m_host, QStringLiteral("could not check the host key against %1: %2")
                                 .arg(question.knownHostsFile, QString::fromUtf8(ssh_get_error(session))));
}

}  // namespace corral
