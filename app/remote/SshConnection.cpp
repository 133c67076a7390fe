#include "remote/SshConnection.h"

namespace corral {

SshConnection::SshConnection(SshEndpoint endpoint, AuthPrompter *prompter, int keepaliveSeconds, QObject *parent)
    : SshConnection(std::move(endpoint), prompter, RememberedSecrets(), keepaliveSeconds, parent)
{
}

SshConnection::SshConnection(SshEndpoint endpoint, AuthPrompter *prompter, RememberedSecrets secrets,
                             int keepaliveSeconds, QObject *parent)
    : QObject(parent),
      m_endpoint(endpoint),
      m_worker(new SshWorker(std::move(endpoint), prompter, std::move(secrets), keepaliveSeconds))
{
    qRegisterMetaType<corral::ConnectionState>();
    m_thread.setObjectName(QStringLiteral("ssh %1").arg(m_endpoint.display()));
    m_worker->moveToThread(&m_thread);
    connect(m_worker, &SshWorker::stateChanged, this, &SshConnection::stateChanged);
    connect(m_worker, &SshWorker::transferProgress, this, &SshConnection::transferProgress);
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, [worker = m_worker] { worker->startTimers(); }, Qt::QueuedConnection);
}

SshConnection::~SshConnection()
{
    // Queued after every job already posted; the session is closed and freed on its own thread.
    QMetaObject::invokeMethod(m_worker, [worker = m_worker] {
        worker->shutdown();
        delete worker;
    }, Qt::QueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QFuture<Status> SshConnection::connectToHost()
{
    return post<Unit>([](SshWorker &) -> Status { return okStatus(); });
}

QFuture<Result<CommandResult>> SshConnection::run(CommandRequest request)
{
    return post<CommandResult>([request = std::move(request)](SshWorker &worker) { return worker.run(request); });
}

QFuture<Status> SshConnection::writeFile(QString remotePath, QByteArray bytes, int mode)
{
    return post<Unit>([=](SshWorker &worker) -> Status {
        Status st = worker.sftp().writeFile(remotePath, bytes, mode);
        if (!st)
            worker.noteFailure(st.error());
        return st;
    });
}

QFuture<Result<qint64>> SshConnection::upload(QString localPath, QString remotePath)
{
    return post<qint64>([=](SshWorker &worker) {
        auto result = worker.sftp().upload(localPath, remotePath, [&](qint64 done, qint64 total) {
            worker.reportProgress(remotePath, done, total);
        });
        if (!result)
            worker.noteFailure(result.error());
        return result;
    });
}

QFuture<Result<qint64>> SshConnection::download(QString remotePath, QString localPath, bool resume)
{
    return post<qint64>([=](SshWorker &worker) {
        auto result = worker.sftp().download(remotePath, localPath, resume, [&](qint64 done, qint64 total) {
            worker.reportProgress(remotePath, done, total);
        });
        if (!result)
            worker.noteFailure(result.error());
        return result;
    });
}

QFuture<Result<RemoteChunk>> SshConnection::readFrom(QString remotePath, qint64 offset, qint64 maxBytes)
{
    return post<RemoteChunk>([=](SshWorker &worker) {
        auto result = worker.sftp().readFrom(remotePath, offset, maxBytes);
        if (!result)
            worker.noteFailure(result.error());
        return result;
    });
}

}  // namespace corral
