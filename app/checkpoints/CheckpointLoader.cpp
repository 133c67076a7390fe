#include "checkpoints/CheckpointLoader.h"

#include "checkpoints/ChosenCheckpoint.h"
#include "remote/SshConnection.h"
#include "remote/SshSession.h"

#include <QPromise>
#include <QThreadPool>

#include <memory>

namespace corral {

namespace {
// `fn` on the global thread pool; its value through a future (continuations pick the thread).
template <class T, class Fn>
QFuture<T> inPool(Fn fn)
{
    auto promise = std::make_shared<QPromise<T>>();
    QFuture<T> future = promise->future();
    promise->start();
    QThreadPool::globalInstance()->start([promise, fn = std::move(fn)]() mutable {
        promise->addResult(fn());
        promise->finish();
    });
    return future;
}
}  // namespace

CheckpointLoader::CheckpointLoader(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<corral::RunCheckpointFiles>();
}

SshConnection *CheckpointLoader::connectionFor(const CheckpointRun &run) const
{
    return run.isRemote() && m_connections ? m_connections(run.profile) : nullptr;
}

bool CheckpointLoader::deliverable(const QString &runId, quint64 ticket)
{
    quint64 &delivered = m_delivered[runId];
    if (ticket < delivered)
        return false;
    delivered = ticket;
    return true;
}

void CheckpointLoader::load(const CheckpointRun &run)
{
    const QString id = run.id, dir = run.runDir;
    const quint64 ticket = issue(id);
    if (!run.isRemote()) {
        inPool<RunCheckpointFiles>([dir] { return readLocalCheckpoints(dir); })
            .then(this, [this, id, ticket](const RunCheckpointFiles &files) {
                if (deliverable(id, ticket))
                    emit loaded(id, files);
            });
        return;
    }
    SshConnection *ssh = connectionFor(run);
    if (!ssh) {
        emit failed(id, tr("no connection to the cluster profile '%1'").arg(run.profile));
        return;
    }
    ssh->post<RunCheckpointFiles>([dir](SshWorker &worker) {
           auto files = readRemoteCheckpoints(worker.sftp(), dir);
           if (!files)
               worker.noteFailure(files.error());
           return files;
       })
        .then(this, [this, id, ticket](const Result<RunCheckpointFiles> &files) {
            if (!deliverable(id, ticket))
                return;
            if (files)
                emit loaded(id, files.value());
            else
                emit failed(id, QString::fromStdString(files.error().toString()));
        });
}

void CheckpointLoader::markChosen(const CheckpointRun &run, qint64 step)
{
    const QString id = run.id, dir = run.runDir;
    auto report = [this, id, step](const Status &st) {
        if (st)
            emit chosenSaved(id, step);
        else
            emit failed(id, tr("cannot record the chosen checkpoint: %1").arg(QString::fromStdString(st.error().toString())));
    };
    if (!run.isRemote()) {
        report(saveChosenLocal(dir, step));  // one small file: QSaveFile, no need for a thread
        return;
    }
    SshConnection *ssh = connectionFor(run);
    if (!ssh) {
        emit failed(id, tr("no connection to the cluster profile '%1'").arg(run.profile));
        return;
    }
    ssh->post<Unit>([dir, step](SshWorker &worker) -> Status {
           Status st = saveChosenRemote(worker.sftp(), dir, step);
           if (!st)
               worker.noteFailure(st.error());
           return st;
       })
        .then(this, report);
}

}  // namespace corral
