#pragma once
// Logs in over a session whose host key has been verified: tries the profile's methods in its
// order (agent, key files, keyboard-interactive, password), skipping those the server does not
// offer, asking the AuthPrompter for passphrases, passwords and 2FA answers. A server that
// answers "partial success" (key then code) gets the next method. Secrets stay in memory.
#include "config/Result.h"
#include "remote/SshEndpoint.h"

#include <libssh/libssh.h>

namespace corral {

class AuthPrompter;

class SshAuthenticator {
public:
    SshAuthenticator(ssh_session session, const SshEndpoint &endpoint, AuthPrompter *prompter);

    Status authenticate();

private:
    int tryAgent();
    int tryKeyFiles();
    int tryKeyFile(const QString &file);
    int tryKeyboardInteractive();
    int tryPassword();
    QString userAtHost() const;

    ssh_session m_session;
    const SshEndpoint &m_endpoint;
    AuthPrompter *m_prompter;
    QStringList m_tried;  // for the final message: what was attempted and why it did not work
};

}  // namespace corral
