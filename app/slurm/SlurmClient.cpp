#include "slurm/SlurmClient.h"

#include "remote/ShellCommand.h"
#include "remote/SshConnection.h"
#include "slurm/SlurmStateParser.h"

#include <optional>

namespace corral {

namespace {
Error commandError(const SshWorker &worker, const QString &what, const CommandResult &result)
{
    const QString detail = result.timedOut ? QStringLiteral("timed out")
                                           : QStringLiteral("exit %1: %2").arg(result.exitCode).arg(
                                                 QString::fromUtf8(result.err.trimmed()).left(500));
    return makeError(ErrorCode::Runtime, QStringLiteral("%1 failed (%2)").arg(what, detail).toStdString(),
                     worker.endpoint().display().toStdString());
}

Result<CommandResult> runChecked(SshWorker &worker, const QStringList &argv, int timeoutMs)
{
    auto result = worker.run(CommandRequest{ShellCommand(argv.first(), argv.mid(1)), {}, timeoutMs});
    if (!result)
        return result.error();
    if (!result.value().succeeded())
        return commandError(worker, argv.first(), result.value());
    return result;
}

// Copies the checkpoint folder `from` into RUN_DIR/checkpoints/ under its own name, on the
// cluster. Safe to repeat after a dropped connection: the copy is made under a temporary name
// (which the trainer also clears away) and renamed; a folder already in place is kept.
Status copyStartingCheckpoint(SshWorker &worker, const QString &from, const QString &runDir, int timeoutMs)
{
    const QString name = from.section(QLatin1Char('/'), -1, -1, QString::SectionSkipEmpty);
    if (name.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("no checkpoint folder in '%1'").arg(from).toStdString());
    const QString folder = runDir + QStringLiteral("/checkpoints");
    const QString target = folder + QLatin1Char('/') + name;
    if (worker.sftp().stat(target))
        return okStatus();
    const QString part = folder + QStringLiteral("/.tmp-copy-") + name;
    for (const QStringList &argv : {QStringList{QStringLiteral("rm"), QStringLiteral("-rf"), QStringLiteral("--"), part},
                                    QStringList{QStringLiteral("mkdir"), QStringLiteral("-p"), QStringLiteral("--"), folder},
                                    QStringList{QStringLiteral("cp"), QStringLiteral("-a"), QStringLiteral("--"), from, part},
                                    QStringList{QStringLiteral("mv"), QStringLiteral("-T"), QStringLiteral("--"), part, target}}) {
        if (auto done = runChecked(worker, argv, timeoutMs); !done)
            return done.error();
    }
    return okStatus();
}

QStringList missingFrom(const QStringList &ids, const JobStatuses &known)
{
    QStringList missing;
    for (const QString &id : ids)
        if (!known.contains(id))
            missing << id;
    return missing;
}
}  // namespace

SlurmClient::SlurmClient(SshConnection &ssh, int commandTimeoutMs) : m_ssh(ssh), m_timeoutMs(commandTimeoutMs) {}

Status SlurmClient::prepareOnWorker(SshWorker &worker, const SubmitRequest &request, int timeoutMs)
{
    const QString logs = request.runDir + QStringLiteral("/logs");
    if (auto made = runChecked(worker, {QStringLiteral("mkdir"), QStringLiteral("-p"), QStringLiteral("--"), logs},
                               timeoutMs); !made)
        return made.error();
    // Each written whole and renamed into place: a dropped connection never leaves half a script.
    const QString runYaml = request.runDir + QStringLiteral("/run.yaml");
    const QString script = request.runDir + QStringLiteral("/job.sbatch");
    if (auto st = worker.sftp().replaceFile(runYaml, request.runYaml); !st) {
        worker.noteFailure(st.error());
        return st.error();
    }
    if (auto st = worker.sftp().replaceFile(script, request.script.toUtf8(), 0755); !st) {
        worker.noteFailure(st.error());
        return st.error();
    }
    if (!request.startFrom.isEmpty())
        return copyStartingCheckpoint(worker, request.startFrom, request.runDir, timeoutMs);
    return okStatus();
}

QFuture<Status> SlurmClient::prepare(SubmitRequest request)
{
    const int timeoutMs = m_timeoutMs;
    return m_ssh.post<Unit>([request = std::move(request), timeoutMs](SshWorker &worker) {
        return prepareOnWorker(worker, request, timeoutMs);
    });
}

QFuture<Result<QString>> SlurmClient::submit(SubmitRequest request)
{
    const int timeoutMs = m_timeoutMs;
    return m_ssh.post<QString>([request = std::move(request), timeoutMs](SshWorker &worker) -> Result<QString> {
        if (auto st = prepareOnWorker(worker, request, timeoutMs); !st)
            return st.error();
        const QString script = request.runDir + QStringLiteral("/job.sbatch");
        auto submitted = runChecked(worker, {QStringLiteral("sbatch"), QStringLiteral("--parsable"), script}, timeoutMs);
        if (!submitted)
            return submitted.error();
        return parseSbatchJobId(QString::fromUtf8(submitted.value().out));
    });
}

QFuture<Result<QString>> SlurmClient::resubmit(QString runDir)
{
    const int timeoutMs = m_timeoutMs;
    return m_ssh.post<QString>([runDir = std::move(runDir), timeoutMs](SshWorker &worker) -> Result<QString> {
        const QString script = runDir + QStringLiteral("/job.sbatch");
        auto submitted = runChecked(worker, {QStringLiteral("sbatch"), QStringLiteral("--parsable"), script}, timeoutMs);
        if (!submitted)
            return submitted.error();
        return parseSbatchJobId(QString::fromUtf8(submitted.value().out));
    });
}

QFuture<Result<ClusterInfo>> SlurmClient::clusterInfo()
{
    const int timeoutMs = m_timeoutMs;
    return m_ssh.post<ClusterInfo>([timeoutMs](SshWorker &worker) -> Result<ClusterInfo> {
        auto listed = runChecked(worker, sinfoCommand(), timeoutMs);
        if (!listed)
            return listed.error();
        ClusterInfo info = parseSinfo(QString::fromUtf8(listed.value().out));
        if (info.partitions.isEmpty())
            return makeError(ErrorCode::Parse,
                             QStringLiteral("sinfo listed no partitions: %1")
                                 .arg(QString::fromUtf8(listed.value().out.left(300)))
                                 .toStdString(),
                             worker.endpoint().display().toStdString());
        return info;
    });
}

Result<JobStatuses> SlurmClient::pollOnWorker(SshWorker &worker, const QStringList &jobIds, int timeoutMs)
{
    JobStatuses statuses;
    if (jobIds.isEmpty())
        return statuses;
    // 1. One squeue for every job: it lists those that have not ended.
    auto squeue = worker.run(CommandRequest{
        ShellCommand(QStringLiteral("squeue"), {QStringLiteral("-h"), QStringLiteral("-o"), QStringLiteral("%i|%T|%r"),
                                                QStringLiteral("-j"), jobIds.join(QLatin1Char(','))}),
        {}, timeoutMs});
    if (!squeue)
        return squeue.error();
    // squeue exits 1 with "Invalid job id" when none of the ids is still in the controller.
    if (!squeue.value().succeeded()
        && (!squeue.value().err.contains("Invalid job id") || isControllerUnreachable(QString::fromUtf8(squeue.value().err))))
        return commandError(worker, QStringLiteral("squeue"), squeue.value());
    statuses = parseSqueue(QString::fromUtf8(squeue.value().out));

    // 2. Ended jobs: sacct where accounting exists ("accounting storage is disabled" otherwise).
    QStringList ended = missingFrom(jobIds, statuses);
    if (!ended.isEmpty()) {
        auto sacct = worker.run(CommandRequest{
            ShellCommand(QStringLiteral("sacct"), {QStringLiteral("-n"), QStringLiteral("-P"), QStringLiteral("-X"),
                                                   QStringLiteral("-o"), QStringLiteral("JobID,State,ExitCode,Reason"),
                                                   QStringLiteral("-j"), ended.join(QLatin1Char(','))}),
            {}, timeoutMs});
        if (!sacct)
            return sacct.error();
        if (sacct.value().succeeded()) {
            const JobStatuses found = parseSacct(QString::fromUtf8(sacct.value().out));
            for (const QString &id : ended)
                if (found.contains(id))
                    statuses.insert(id, found.value(id));
        }
        ended = missingFrom(jobIds, statuses);
    }

    // 3. Still unknown: scontrol, which keeps ended jobs for MinJobAge seconds. One remote
    //    command for all of them, each record behind a marker naming the id asked for.
    if (!ended.isEmpty()) {
        std::optional<ShellCommand> chain;
        for (const QString &id : ended) {
            const ShellCommand one =
                ShellCommand(QStringLiteral("echo"), {scontrolRecordMarker() + id})
                    .then(ShellCommand(QStringLiteral("scontrol"), {QStringLiteral("show"), QStringLiteral("job"), id}));
            chain = chain ? chain->then(one) : one;
        }
        auto scontrol = worker.run(CommandRequest{chain->then(ShellCommand(QStringLiteral("true"))), {}, timeoutMs});
        if (!scontrol)
            return scontrol.error();
        // A controller that went away after squeue answered knows nothing now: that is not "no
        // such job", so the round fails and every job keeps its last known state.
        if (scontrol.value().timedOut || isControllerUnreachable(QString::fromUtf8(scontrol.value().err)))
            return commandError(worker, QStringLiteral("scontrol"), scontrol.value());
        const JobStatuses found = parseScontrolShowJob(QString::fromUtf8(scontrol.value().out));
        for (const QString &id : ended) {
            SlurmJobStatus status = found.value(id);
            if (!found.contains(id)) {
                status.jobId = id;
                status.reason = QStringLiteral("not known to squeue, sacct or scontrol");
            }
            statuses.insert(id, status);
        }
    }
    return statuses;
}

QFuture<Result<JobStatuses>> SlurmClient::poll(QStringList jobIds)
{
    const int timeoutMs = m_timeoutMs;
    return m_ssh.post<JobStatuses>([jobIds = std::move(jobIds), timeoutMs](SshWorker &worker) {
        return pollOnWorker(worker, jobIds, timeoutMs);
    });
}

QFuture<Status> SlurmClient::cancel(QString jobId)
{
    const int timeoutMs = m_timeoutMs;
    return m_ssh.post<Unit>([jobId = std::move(jobId), timeoutMs](SshWorker &worker) -> Status {
        if (auto r = runChecked(worker, {QStringLiteral("scancel"), jobId}, timeoutMs); !r)
            return r.error();
        return okStatus();
    });
}

QFuture<Result<QByteArray>> SlurmClient::tail(QString remotePath, int bytes)
{
    const int timeoutMs = m_timeoutMs;
    return m_ssh.post<QByteArray>([remotePath = std::move(remotePath), bytes, timeoutMs](SshWorker &worker)
                                      -> Result<QByteArray> {
        // `tail -c` reads only the end; a missing file (job not started yet) is an empty tail.
        const ShellCommand command =
            ShellCommand(QStringLiteral("test"), {QStringLiteral("!"), QStringLiteral("-e"), remotePath})
                .orElse(ShellCommand(QStringLiteral("tail"),
                                     {QStringLiteral("-c"), QString::number(bytes), QStringLiteral("--"), remotePath}));
        auto r = worker.run(CommandRequest{command, {}, timeoutMs});
        if (!r)
            return r.error();
        if (!r.value().succeeded())
            return commandError(worker, QStringLiteral("tail"), r.value());
        return r.value().out;
    });
}

}  // namespace corral
