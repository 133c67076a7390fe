#pragma once
// One persistent SSH connection per cluster profile, usable from any thread (normally the GUI
// thread). All libssh work happens on the connection's own QThread inside an SshWorker; callers
// post jobs and get QFutures back, so nothing here ever blocks the caller. Jobs run in order,
// one at a time, multiplexed as channels over the single session.
#include "config/Result.h"
#include "remote/RemoteExec.h"
#include "remote/SftpClient.h"
#include "remote/SshEndpoint.h"
#include "remote/SshWorker.h"

#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QThread>

#include <functional>
#include <memory>

namespace corral {

class AuthPrompter;

class SshConnection : public QObject {
    Q_OBJECT
public:
    // `prompter` must outlive the connection; it is called on the worker thread.
    SshConnection(SshEndpoint endpoint, AuthPrompter *prompter, int keepaliveSeconds = 30,
                  QObject *parent = nullptr);
    // The same, with secrets the person asked to remember offered before asking (see AuthPrompter).
    SshConnection(SshEndpoint endpoint, AuthPrompter *prompter, RememberedSecrets secrets, int keepaliveSeconds = 30,
                  QObject *parent = nullptr);
    ~SshConnection() override;

    const SshEndpoint &endpoint() const { return m_endpoint; }

    QFuture<Status> connectToHost();
    QFuture<Result<CommandResult>> run(CommandRequest request);
    QFuture<Status> writeFile(QString remotePath, QByteArray bytes, int mode = 0644);
    QFuture<Result<qint64>> upload(QString localPath, QString remotePath);
    QFuture<Result<qint64>> download(QString remotePath, QString localPath, bool resume);
    QFuture<Result<RemoteChunk>> readFrom(QString remotePath, qint64 offset, qint64 maxBytes);

    // Runs `job` on the worker thread with the connected worker; the building block for
    // multi-step operations (mkdir + upload + sbatch) that must not interleave with other jobs.
    template <class T>
    QFuture<Result<T>> post(std::function<Result<T>(SshWorker &)> job)
    {
        auto promise = std::make_shared<QPromise<Result<T>>>();
        QFuture<Result<T>> future = promise->future();
        promise->start();
        QMetaObject::invokeMethod(
            m_worker,
            [worker = m_worker, job = std::move(job), promise] {
                if (auto st = worker->ensureConnected(); !st)
                    promise->addResult(Result<T>(st.error()));
                else
                    promise->addResult(job(*worker));
                promise->finish();
            },
            Qt::QueuedConnection);
        return future;
    }

signals:
    void stateChanged(corral::ConnectionState state, const QString &message);
    void transferProgress(const QString &path, qint64 done, qint64 total);

private:
    SshEndpoint m_endpoint;
    QThread m_thread;
    SshWorker *m_worker;  // owned; lives on m_thread, deleted there
};

}  // namespace corral
