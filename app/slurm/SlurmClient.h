#pragma once
// SLURM over one SSH connection: submit a run (RUN_DIR made, run.yaml and job.sbatch written by
// SFTP, `sbatch --parsable`), the states of many jobs in one round (squeue, then sacct, then
// scontrol for jobs squeue no longer lists), cancel, and the tail of a job's output. Each
// operation is one job on the connection's worker, so its steps never interleave with others.
#include "config/Result.h"
#include "slurm/SinfoParser.h"
#include "slurm/SlurmJobState.h"

#include <QFuture>
#include <QHash>
#include <QStringList>

namespace corral {

class SshConnection;
class SshWorker;

using JobStatuses = QHash<QString, SlurmJobStatus>;

struct SubmitRequest {
    QString runDir;      // absolute remote RUN_DIR; created with logs/
    QByteArray runYaml;  // RUN_DIR/run.yaml
    QString script;      // RUN_DIR/job.sbatch (SbatchScript::render)
    // A checkpoint folder on the cluster (of another run) to continue from: copied to
    // RUN_DIR/checkpoints/ before sbatch, where the job's --resume auto finds it. Empty: none.
    QString startFrom;
};

class SlurmClient {
public:
    explicit SlurmClient(SshConnection &ssh, int commandTimeoutMs = 30000);

    QFuture<Result<QString>> submit(SubmitRequest request);  // the job id
    // submit() without the sbatch: RUN_DIR/logs made, run.yaml and job.sbatch written (each
    // renamed into place). Safe to repeat after a dropped connection; resubmit() then queues it.
    QFuture<Status> prepare(SubmitRequest request);
    // Submits RUN_DIR/job.sbatch again as it is (a resume: the script passes --resume auto).
    QFuture<Result<QString>> resubmit(QString runDir);
    // The partitions, their nodes and GPUs (`sinfo`), for the profile dialog.
    QFuture<Result<ClusterInfo>> clusterInfo();
    // One status per asked id; ids no command knows come back as Unknown.
    QFuture<Result<JobStatuses>> poll(QStringList jobIds);
    QFuture<Status> cancel(QString jobId);
    // The last `bytes` of a remote file (a job's stdout/stderr); empty if it does not exist yet.
    QFuture<Result<QByteArray>> tail(QString remotePath, int bytes);

    // The worker-thread halves, usable from other posted jobs.
    static Status prepareOnWorker(SshWorker &worker, const SubmitRequest &request, int timeoutMs);
    static Result<JobStatuses> pollOnWorker(SshWorker &worker, const QStringList &jobIds, int timeoutMs);

private:
    SshConnection &m_ssh;
    int m_timeoutMs;
};

}  // namespace corral
