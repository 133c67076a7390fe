#pragma once
// Logs in over a session whose host key has been verified: tries the profile's methods in its
// order (agent, key files, keyboard-interactive, password), skipping those the server does not
// offer, asking the AuthPrompter for passphrases, passwords and 2FA answers. A server that
// answers "partial success" (key then code) gets the next method. Secrets stay in memory, except
// those the person asked to remember: they go to the keychain once accepted, are offered before
// asking next time, and are forgotten when the server (or the key file) rejects them.
#include "config/Result.h"
#include "remote/RememberedSecrets.h"
#include "remote/SshEndpoint.h"

#include <libssh/libssh.h>

namespace corral {

class AuthPrompter;

class SshAuthenticator {
public:
    SshAuthenticator(ssh_session session, const SshEndpoint &endpoint, AuthPrompter *prompter,
                     const RememberedSecrets &secrets = {});

    Status authenticate();

private:
    int tryAgent();
    int tryKeyFiles();
    int tryKeyFile(const QString &file);
    int tryKeyboardInteractive();
    // One full exchange; `recalled` gets the subjects of rounds answered from the keychain.
    int keyboardInteractiveExchange(bool offerRemembered, QStringList *recalled);
    int tryPassword();
    QString userAtHost() const;

    ssh_session m_session;
    const SshEndpoint &m_endpoint;
    AuthPrompter *m_prompter;
    const RememberedSecrets &m_secrets;
    QStringList m_tried;  // for the final message: what was attempted and why it did not work
};

}  // namespace corral
