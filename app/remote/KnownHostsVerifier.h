#pragma once
// Checks the server's host key against known_hosts right after the key exchange, before any
// secret is sent. Policy (the one OpenSSH and kio-extras follow):
//   known and matching → go on;  unknown → ask the user, and on yes append it to known_hosts;
//   changed (or a different key type on record) → refuse, with a warning naming the host.
// A changed key is never accepted from here: the user has to edit known_hosts deliberately.
#include "config/Result.h"

#include <libssh/libssh.h>

#include <QString>

namespace corral {

class AuthPrompter;

class KnownHostsVerifier {
public:
    KnownHostsVerifier(QString hostForMessages, AuthPrompter *prompter);

    // `session` is connected (key exchange done) and has SSH_OPTIONS_KNOWNHOSTS set.
    Status verify(ssh_session session) const;

private:
    QString m_host;
    AuthPrompter *m_prompter;
};

}  // namespace corral
