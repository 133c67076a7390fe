#include "remote/KeychainSecretStore.h"

#include <qt6keychain/keychain.h>

namespace corral {

namespace {
Error keychainError(const QKeychain::Job &job, const SecretRef &ref)
{
    return makeError(ErrorCode::Io, QStringLiteral("system keychain: %1").arg(job.errorString()).toStdString(),
                     ref.key().toStdString());
}

// Every job: created on the store's own thread (its D-Bus calls need that thread's event loop),
// no plain-file fallback, deleted once finished, its outcome handed to `onFinished`.
template <class JobType, class Setup, class OnFinished>
void startJob(QObject *owner, const QString &service, const SecretRef &ref, Setup setup, OnFinished onFinished)
{
    QMetaObject::invokeMethod(owner, [owner, service, ref, setup, onFinished] {
        auto *job = new JobType(service, owner);
        job->setAutoDelete(true);
        job->setInsecureFallback(false);
        job->setKey(ref.key());
        setup(*job);
        QObject::connect(job, &QKeychain::Job::finished, owner, onFinished);
        job->start();
    }, Qt::QueuedConnection);
}
}  // namespace

KeychainSecretStore::KeychainSecretStore(QString service, QObject *parent) : QObject(parent), m_service(std::move(service)) {}

void KeychainSecretStore::save(const SecretRef &ref, const QString &secret, Done done)
{
    startJob<QKeychain::WritePasswordJob>(
        this, m_service, ref, [secret](QKeychain::WritePasswordJob &job) { job.setTextData(secret); },
        [ref, done](QKeychain::Job *job) {
            done(job->error() == QKeychain::NoError ? okStatus() : Status(keychainError(*job, ref)));
        });
}

void KeychainSecretStore::load(const SecretRef &ref, Loaded done)
{
    startJob<QKeychain::ReadPasswordJob>(this, m_service, ref, [](QKeychain::ReadPasswordJob &) {},
                                         [ref, done](QKeychain::Job *job) {
                                             if (job->error() == QKeychain::EntryNotFound)
                                                 return done(std::optional<QString>());
                                             if (job->error() != QKeychain::NoError)
                                                 return done(keychainError(*job, ref));
                                             done(std::optional<QString>(
                                                 static_cast<QKeychain::ReadPasswordJob *>(job)->textData()));
                                         });
}

void KeychainSecretStore::forget(const SecretRef &ref, Done done)
{
    startJob<QKeychain::DeletePasswordJob>(this, m_service, ref, [](QKeychain::DeletePasswordJob &) {},
                                           [ref, done](QKeychain::Job *job) {
                                               const bool gone = job->error() == QKeychain::NoError
                                                                 || job->error() == QKeychain::EntryNotFound;
                                               done(gone ? okStatus() : Status(keychainError(*job, ref)));
                                           });
}

}  // namespace corral
