#pragma once
// Where remembered login secrets live: the system keychain (KeychainSecretStore), or a test
// double. Only secrets the user explicitly asked to remember get here (AuthPrompter answers with
// `remember`), and never a plain file. Every call is asynchronous: it returns at once and the
// callback runs later, on whatever thread the store works on, so the GUI thread never waits on
// a keychain (which may be locked and asking its own question).
#include "config/Result.h"

#include <QString>

#include <functional>
#include <optional>

namespace corral {

enum class SecretKind { Password, KeyPassphrase, KeyboardInteractive };

// Which secret: a profile, a kind, and what it unlocks ("user@host:port" for a password, the key
// file for a passphrase, user@host:port plus the prompts for keyboard-interactive answers).
struct SecretRef {
    QString profile;
    SecretKind kind = SecretKind::Password;
    QString subject;

    // One string, unique per secret: the keychain entry's name ("hpc/password/alice@login:22").
    QString key() const
    {
        const char *name = kind == SecretKind::Password        ? "password"
                           : kind == SecretKind::KeyPassphrase ? "passphrase"
                                                               : "keyboard-interactive";
        return QStringLiteral("%1/%2/%3").arg(profile, QLatin1StringView(name), subject);
    }
};

class SecretStore {
public:
    using Done = std::function<void(Status)>;
    // nullopt: nothing remembered for this ref (not an error).
    using Loaded = std::function<void(Result<std::optional<QString>>)>;

    virtual ~SecretStore() = default;

    virtual void save(const SecretRef &ref, const QString &secret, Done done) = 0;
    virtual void load(const SecretRef &ref, Loaded done) = 0;
    virtual void forget(const SecretRef &ref, Done done) = 0;  // nothing stored is not an error
};

}  // namespace corral
