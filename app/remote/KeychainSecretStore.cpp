#include "remote/KeychainSecretStore.h"

#include <qt6keychain/keychain.h>

namespace corral {

namespace {
Error keychainError(const QKeychain::Job &job, const SecretRef &ref)
{
    return makeError(ErrorCode::Io, QStringLiteral("system keychain: %1").arg(job.errorString()).toStdString(),
                     ref.key().toStdString());
}

// Every job: no plain-file fallback, deleted once finished.
template <class JobType>
JobType *newJob(const QString &service, const SecretRef &ref, QObject *parent)
{
    auto *job = new JobType(service, parent);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(ref.key());
    return job;
}
}  // namespace

KeychainSecretStore::KeychainSecretStore(QString service, QObject *parent) : QObject(parent), m_service(std::move(service)) {}

void KeychainSecretStore::save(const SecretRef &ref, const QString &secret, Done done)
{
    QMetaObject::invokeMethod(this, [this, ref, secret, done = std::move(done)] {
        auto *job = newJob<QKeychain::WritePasswordJob>(m_service, ref, this);
        job->setTextData(secret);
        connect(job, &QKeychain::Job::finished, this, [ref, done](QKeychain::Job *finished) {
            done(finished->error() == QKeychain::NoError ? okStatus() : Status(keychainError(*finished, ref)));
        });
        job->start();
    }, Qt::QueuedConnection);
}

void KeychainSecretStore::load(const SecretRef &ref, Loaded done)
{
    QMetaObject::invokeMethod(this, [this, ref, done = std::move(done)] {
        auto *job = newJob<QKeychain::ReadPasswordJob>(m_service, ref, this);
        connect(job, &QKeychain::Job::finished, this, [ref, done](QKeychain::Job *finished) {
            if (finished->error() == QKeychain::EntryNotFound)
                return done(std::optional<QString>());
            if (finished->error() != QKeychain::NoError)
                return done(keychainError(*finished, ref));
            done(std::optional<QString>(static_cast<QKeychain::ReadPasswordJob *>(finished)->textData()));
        });
        job->start();
    }, Qt::QueuedConnection);
}

void KeychainSecretStore::forget(const SecretRef &ref, Done done)
{
    QMetaObject::invokeMethod(this, [this, ref, done = std::move(done)] {
        auto *job = newJob<QKeychain::DeletePasswordJob>(m_service, ref, this);
        connect(job, &QKeychain::Job::finished, this, [ref, done](QKeychain::Job *finished) {
            const bool gone = finished->error() == QKeychain::NoError || finished->error() == QKeychain::EntryNotFound;
            done(gone ? okStatus() : Status(keychainError(*finished, ref)));
        });
        job->start();
    }, Qt::QueuedConnection);
}

}  // namespace corral
