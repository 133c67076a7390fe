#pragma once
// SecretStore on the system keychain through QtKeychain (Secret Service on Linux, e.g.
// gnome-keyring or KWallet; Keychain on macOS; Credential Store on Windows). Insecure fallback is
// off: where no keychain answers, saving fails with a message instead of writing a plain file.
// The QtKeychain jobs run on the thread this object lives on (normally the GUI thread, where
// they are asynchronous D-Bus calls); callers on other threads are forwarded there.
#include "remote/SecretStore.h"

#include <QObject>

namespace corral {

class KeychainSecretStore : public QObject, public SecretStore {
    Q_OBJECT
public:
    // `service` names the entries' owner in the keychain ("Corral"; tests use their own).
    explicit KeychainSecretStore(QString service = QStringLiteral("Corral"), QObject *parent = nullptr);

    void save(const SecretRef &ref, const QString &secret, Done done) override;
    void load(const SecretRef &ref, Loaded done) override;
    void forget(const SecretRef &ref, Done done) override;

private:
    QString m_service;
};

}  // namespace corral
