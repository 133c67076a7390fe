// KeychainSecretStore against a real Secret Service: a private gnome-keyring in a private D-Bus
// session, started by tests/app/with-private-keyring (ctest runs this program through it).
#include "remote/KeychainSecretStore.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDirIterator>
#include <QFile>
#include <QTest>
#include <QThread>

using namespace corral;

namespace {
// Waits, with a bound, for a callback to fire, keeping this thread's event loop (where the store
// runs its keychain jobs) turning.
template <class T>
std::optional<T> awaitCallback(const std::function<void(std::function<void(T)>)> &call, int timeoutMs = 10000)
{
    std::optional<T> result;
    call([&result](T value) { result = std::move(value); });
    QDeadlineTimer deadline(timeoutMs);
    while (!result && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return result;
}

std::optional<Status> save(KeychainSecretStore &store, const SecretRef &ref, const QString &secret)
{
    return awaitCallback<Status>([&](auto done) { store.save(ref, secret, done); });
}
std::optional<Result<std::optional<QString>>> load(KeychainSecretStore &store, const SecretRef &ref)
{
    return awaitCallback<Result<std::optional<QString>>>([&](auto done) { store.load(ref, done); });
}
std::optional<Status> forget(KeychainSecretStore &store, const SecretRef &ref)
{
    return awaitCallback<Status>([&](auto done) { store.forget(ref, done); });
}

// True when some file under `folder` holds `bytes` in the clear.
bool anyFileContains(const QString &folder, const QByteArray &bytes)
{
    QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(bytes))
            return true;
    }
    return false;
}
}  // namespace

class TestKeychainSecretStore : public QObject {
    Q_OBJECT
    const QString m_service = QStringLiteral("corral-test-%1").arg(QCoreApplication::applicationPid());

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariableIsSet("CORRAL_NO_KEYRING"))
            QSKIP(qPrintable(QStringLiteral("SKIPPED LOUDLY: no Secret Service for the real keychain test: ")
                             + qEnvironmentVariable("CORRAL_NO_KEYRING")));
        if (!qEnvironmentVariableIsSet("CORRAL_KEYRING_HOME"))
            QSKIP("SKIPPED LOUDLY: run through tests/app/with-private-keyring (ctest does), so the test never "
                  "touches your own keyring");
    }

    void aSavedSecretLoadsBackAndIsGoneOnceForgotten()
    {
        KeychainSecretStore store(m_service);
        const SecretRef ref{QStringLiteral("hpc"), SecretKind::Password, QStringLiteral("alice@login:22")};
        const QString secret = QStringLiteral("s3cret-%1-ünïcode").arg(QCoreApplication::applicationPid());

        bool calledBack = false;
        store.save(ref, secret, [&calledBack](const Status &) { calledBack = true; });
        QVERIFY(!calledBack);  // asynchronous: the caller is never held up by the keychain
        QTRY_VERIFY_WITH_TIMEOUT(calledBack, 10000);

        const auto saved = save(store, ref, secret);
        QVERIFY(saved);
        QVERIFY2(saved->ok(), saved->ok() ? "" : saved->error().toString().c_str());
        const auto loaded = load(store, ref);
        QVERIFY(loaded);
        QVERIFY2(loaded->ok(), loaded->ok() ? "" : loaded->error().toString().c_str());
        QCOMPARE(loaded->value(), std::optional<QString>(secret));

        // Kept by the keyring, encrypted: no file under HOME holds it in the clear.
        QVERIFY(!anyFileContains(qEnvironmentVariable("CORRAL_KEYRING_HOME"), secret.toUtf8()));

        const auto forgotten = forget(store, ref);
        QVERIFY(forgotten && forgotten->ok());
        const auto after = load(store, ref);
        QVERIFY(after && after->ok());
        QCOMPARE(after->value(), std::optional<QString>());
    }

    void secretsAreKeptApartByProfileKindAndSubject()
    {
        KeychainSecretStore store(m_service);
        const SecretRef password{QStringLiteral("a"), SecretKind::Password, QStringLiteral("u@h:22")};
        const SecretRef passphrase{QStringLiteral("a"), SecretKind::KeyPassphrase, QStringLiteral("u@h:22")};
        const SecretRef otherProfile{QStringLiteral("b"), SecretKind::Password, QStringLiteral("u@h:22")};
        QVERIFY(save(store, password, QStringLiteral("one")).value_or(Status(Error{})).ok());
        QVERIFY(save(store, passphrase, QStringLiteral("two")).value_or(Status(Error{})).ok());
        QCOMPARE(load(store, password)->value(), std::optional<QString>(QStringLiteral("one")));
        QCOMPARE(load(store, passphrase)->value(), std::optional<QString>(QStringLiteral("two")));
        QCOMPARE(load(store, otherProfile)->value(), std::optional<QString>());
        QVERIFY(forget(store, password)->ok());
        QVERIFY(forget(store, passphrase)->ok());
        QVERIFY(forget(store, otherProfile)->ok());  // nothing there: still fine
    }

    void callsFromAnotherThreadAreAnsweredWithoutItsEventLoop()
    {
        // A connection's worker thread asks while blocked (RememberedSecrets::recall does this).
        KeychainSecretStore store(m_service);
        const SecretRef ref{QStringLiteral("hpc"), SecretKind::KeyboardInteractive, QStringLiteral("u@h:22\nCode: ")};
        QVERIFY(save(store, ref, QStringLiteral("[\"x\"]"))->ok());
        std::atomic<bool> answered{false};
        QString got;
        QThread *worker = QThread::create([&] {
            store.load(ref, [&](Result<std::optional<QString>> r) {
                got = r && r.value() ? *r.value() : QString();
                answered = true;
            });
            QDeadlineTimer deadline(10000);
            while (!answered && !deadline.hasExpired())
                QThread::msleep(5);  // no event loop here, on purpose
        });
        worker->start();
        QTRY_VERIFY_WITH_TIMEOUT(worker->isFinished(), 15000);
        delete worker;
        QVERIFY(answered);
        QCOMPARE(got, QStringLiteral("[\"x\"]"));
        QVERIFY(forget(store, ref)->ok());
    }
};

QTEST_GUILESS_MAIN(TestKeychainSecretStore)
#include "tst_keychainsecretstore.moc"
