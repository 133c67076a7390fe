#pragma once
// One libssh session: connect, check the host key, authenticate, and hand out the raw handle to
// RemoteExec and SftpClient. Not thread-safe by design: it belongs to one SshWorker and is only
// ever touched from that worker's thread (libssh sessions must not be shared between threads).
#include "config/Result.h"
#include "remote/RememberedSecrets.h"
#include "remote/SshEndpoint.h"
#include "remote/SshHandles.h"

#include <QString>

namespace corral {

class AuthPrompter;

// ErrorCode::Io marks a broken connection (reconnect may help); other codes are final answers.
Error connectionLost(const QString &host, const QString &message);
bool isConnectionLoss(const Error &error);

class SshSession {
public:
    SshSession(SshEndpoint endpoint, AuthPrompter *prompter, RememberedSecrets secrets = {});

    Status connect();  // options, TCP + key exchange, host key check, authentication
    void disconnect();
    bool isConnected() const;
    Status sendKeepalive();

    ssh_session handle() const { return m_session.get(); }
    const SshEndpoint &endpoint() const { return m_endpoint; }
    QString lastError() const;  // libssh's message for the last failed call

private:
    Status applyOptions();

    SshEndpoint m_endpoint;
    AuthPrompter *m_prompter;
    RememberedSecrets m_secrets;
    ssh::Session m_session;
};

}  // namespace corral
