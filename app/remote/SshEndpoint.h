#pragma once
// Where and how to log in: the SSH half of a cluster profile, after ~/.ssh/config defaults
// have been applied (see SshConfigFile). Plain data, copied to the connection's worker thread.
#include <QString>
#include <QStringList>

namespace corral {

enum class AuthMethod { Agent, PublicKey, KeyboardInteractive, Password };

struct SshEndpoint {
    QString host;  // name or address to connect to (HostName after ssh_config)
    int port = 22;
    QString user;
    QStringList identityFiles;  // tried in order for AuthMethod::PublicKey
    QList<AuthMethod> authMethods{AuthMethod::Agent, AuthMethod::PublicKey, AuthMethod::KeyboardInteractive,
                                  AuthMethod::Password};
    QString proxyJump;       // "user@bastion:port", empty for a direct connection
    QString knownHostsFile;  // empty: ~/.ssh/known_hosts; also checks the ProxyJump bastion's key
    QString sshConfigFile;   // the OpenSSH client config for defaults and the ProxyJump hop; empty: ~/.ssh/config
    int connectTimeoutSeconds = 15;

    // "user@host:port", for messages.
    QString display() const;
};

}  // namespace corral
