#pragma once
// Everything an SSH connection needs to ask the person at the keyboard. The UI implements it
// with dialogs; tests implement it with scripted answers. Calls arrive on the connection's
// worker thread and block it until answered, so a UI implementation forwards each call to the
// GUI thread (e.g. QMetaObject::invokeMethod with Qt::BlockingQueuedConnection) — the GUI
// thread itself never waits on the network. Answers live only in memory, unless the person ticks
// "remember": then, once the server accepted it, the secret goes to the system keychain
// (SecretStore via RememberedSecrets) and is offered first next time. Never to a file.
#include <QString>
#include <QStringList>

#include <optional>

namespace corral {

struct HostKeyQuestion {
    QString host;         // as written in known_hosts: "cluster.example.org" or "[127.0.0.1]:2222"
    QString keyType;      // "ssh-ed25519"
    QString fingerprint;  // "SHA256:…", what `ssh-keygen -lf` prints
    QString knownHostsFile;
};

// A passphrase or password, and whether to keep it in the keychain once it worked.
struct SecretAnswer {
    QString secret;
    bool remember = false;
};

// One keyboard-interactive round's answers (one per prompt), and whether to keep them.
struct KeyboardInteractiveAnswers {
    QStringList answers;
    bool remember = false;
};

struct KeyboardInteractivePrompt {
    QString text;  // "Password: ", "Verification code: "
    bool echo = false;
};

class AuthPrompter {
public:
    virtual ~AuthPrompter() = default;

    // An unknown host key: true to trust it (it is then added to known_hosts), false to refuse.
    virtual bool acceptUnknownHostKey(const HostKeyQuestion &question) = 0;
    // A CHANGED host key (or another key type on record): the connection is refused whatever
    // happens here; this only tells the person why, in words (`explanation`), before the error
    // comes back. Nothing can be accepted from here. Default: say nothing.
    virtual void hostKeyChanged(const HostKeyQuestion &question, const QString &explanation)
    {
        Q_UNUSED(question);
        Q_UNUSED(explanation);
    }
    // The passphrase for an encrypted private key; nullopt when the user cancels.
    virtual std::optional<SecretAnswer> keyPassphrase(const QString &keyFile, int attempt) = 0;
    // The password for user@host; nullopt when the user cancels.
    virtual std::optional<SecretAnswer> password(const QString &userAtHost, int attempt) = 0;
    // One round of keyboard-interactive (password, 2FA code, …): one answer per prompt,
    // nullopt when the user cancels.
    virtual std::optional<KeyboardInteractiveAnswers> keyboardInteractive(
        const QString &userAtHost, const QString &name, const QString &instruction,
        const QList<KeyboardInteractivePrompt> &prompts) = 0;
};

}  // namespace corral
