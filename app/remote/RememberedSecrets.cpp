#include "remote/RememberedSecrets.h"

#include <QDebug>

#include <future>
#include <memory>

namespace corral {

RememberedSecrets::RememberedSecrets(SecretStore *store, QString profile, int recallTimeoutMs)
    : m_store(store), m_profile(std::move(profile)), m_recallTimeoutMs(recallTimeoutMs)
{
}

std::optional<QString> RememberedSecrets::recall(SecretKind kind, const QString &subject) const
{
    if (!m_store)
        return std::nullopt;
    // Shared, because the store may answer after we stopped waiting.
    auto answer = std::make_shared<std::promise<std::optional<QString>>>();
    std::future<std::optional<QString>> future = answer->get_future();
    m_store->load(ref(kind, subject), [answer](Result<std::optional<QString>> loaded) {
        if (!loaded)
            qWarning().noquote() << QString::fromStdString(loaded.error().toString());
        answer->set_value(loaded ? loaded.value() : std::nullopt);
    });
    if (future.wait_for(std::chrono::milliseconds(m_recallTimeoutMs)) != std::future_status::ready) {
        qWarning().noquote() << QStringLiteral("%1: the keychain did not answer within %2 ms; asking instead")
                                    .arg(ref(kind, subject).key()).arg(m_recallTimeoutMs);
        return std::nullopt;
    }
    return future.get();
}

void RememberedSecrets::remember(SecretKind kind, const QString &subject, const QString &secret) const
{
    if (!m_store)
        return;
    m_store->save(ref(kind, subject), secret, [](const Status &st) {
        if (!st)  // the login itself worked; only remembering failed
            qWarning().noquote() << QString::fromStdString(st.error().toString());
    });
}

void RememberedSecrets::forget(SecretKind kind, const QString &subject) const
{
    if (!m_store)
        return;
    m_store->forget(ref(kind, subject), [](const Status &st) {
        if (!st)
            qWarning().noquote() << QString::fromStdString(st.error().toString());
    });
}

}  // namespace corral
