#pragma once
// The login's view of a SecretStore, used by SshAuthenticator on a connection's worker thread:
// recall a remembered secret before asking the person, remember one they asked to keep once the
// server accepted it, forget one the server rejected. The worker thread may wait (it already
// waits for prompts), so recall() blocks it with a bound; the store itself works on its own
// thread. A default-constructed RememberedSecrets remembers nothing and asks no store.
#include "remote/SecretStore.h"

#include <optional>

namespace corral {

class RememberedSecrets {
public:
    RememberedSecrets() = default;
    // `store` must outlive every connection given this; `profile` scopes the secrets.
    RememberedSecrets(SecretStore *store, QString profile, int recallTimeoutMs = 30000);

    bool enabled() const { return m_store != nullptr; }

    // Blocks the calling thread (never the store's own thread) for at most the timeout; a store
    // error or a timeout counts as "nothing remembered" and the person is asked instead.
    std::optional<QString> recall(SecretKind kind, const QString &subject) const;
    void remember(SecretKind kind, const QString &subject, const QString &secret) const;  // fire and forget
    void forget(SecretKind kind, const QString &subject) const;

private:
    SecretRef ref(SecretKind kind, const QString &subject) const { return SecretRef{m_profile, kind, subject}; }

    SecretStore *m_store = nullptr;
    QString m_profile;
    int m_recallTimeoutMs = 30000;
};

}  // namespace corral
