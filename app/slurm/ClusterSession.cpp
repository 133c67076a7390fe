#include "slurm/ClusterSession.h"

#include "config/ConfigLoader.h"
#include "remote/ShellCommand.h"
#include "remote/SshConnection.h"
#include "runs/RemoteRunFollower.h"
#include "runs/RunStore.h"
#include "slurm/ClusterPaths.h"
#include "slurm/JobMonitor.h"
#include "slurm/SlurmClient.h"

#include <QFileInfo>
#include <QPromise>
#include <QSet>
#include <QTimer>

#include <functional>

namespace corral {

ClusterSession::ClusterSession(ClusterProfile profile, AuthPrompter *prompter, RememberedSecrets secrets,
                               RunStore *store, int pollIntervalMs, QObject *parent)
    : QObject(parent), m_profile(std::move(profile)), m_store(store)
{
    m_ssh = std::make_unique<SshConnection>(m_profile.ssh, prompter, std::move(secrets));
    m_slurm = std::make_unique<SlurmClient>(*m_ssh);
    m_monitor = std::make_unique<JobMonitor>(*m_slurm, pollIntervalMs);
    m_stateMessage = tr("not connected");
    connect(m_ssh.get(), &SshConnection::stateChanged, this, &ClusterSession::onState);
    connect(m_ssh.get(), &SshConnection::transferProgress, this, &ClusterSession::uploadProgress);
    connect(m_monitor.get(), &JobMonitor::statusChanged, this, &ClusterSession::statusChanged);
    if (m_store) {
        m_follower = std::make_unique<RemoteRunFollower>(*m_store, *m_monitor, m_profile.name);
        connect(m_follower.get(), &RemoteRunFollower::storeFailed, this, &ClusterSession::storeFailed);
    }
}

ClusterSession::~ClusterSession()
{
    // The follower and monitor refer to the client and the connection: they go first.
    m_follower.reset();
    m_monitor.reset();
    m_slurm.reset();
    m_ssh.reset();
}

void ClusterSession::onState(ConnectionState state, const QString &message)
{
    m_state = state;
    m_stateMessage = message;
    if (state == ConnectionState::Connected) {
        m_everConnected = true;
        m_monitor->setPaused(false);
    } else if (state == ConnectionState::Disconnected && !m_everConnected) {
        // A refused host key or login: asking again every poll interval would nag; wait for reconnect().
        m_monitor->setPaused(true);
    }
    emit stateChanged(state, message);
}

void ClusterSession::reconnect()
{
    m_monitor->setPaused(false);
    (void)m_ssh->connectToHost();
    m_monitor->pollNow();
}

Status ClusterSession::resumeActiveRuns()
{
    if (!m_follower)
        return okStatus();
    return m_follower->resumeActiveRuns();
}

void ClusterSession::track(const QString &jobId, const QString &name, const QString &runDir, const QString &configYaml)
{
    SlurmJobStatus pending;
    pending.jobId = jobId;
    pending.state = SlurmJobState::Pending;
    if (m_follower) {
        StoredRun run;
        run.name = name;
        run.profile = m_profile.name;
        run.jobId = jobId;
        run.runDir = runDir;
        run.configYaml = configYaml;
        run.submittedAt = QDateTime::currentDateTimeUtc();
        run.status = pending;
        if (auto st = m_follower->track(run); !st)
            emit storeFailed(QString::fromStdString(st.error().toString()));
        else
            return;
    }
    m_monitor->follow(jobId, pending);
}

namespace {
Error configError(const QString &what, const std::vector<ConfigProblem> &problems)
{
    QStringList lines;
    for (const ConfigProblem &problem : problems)
        lines << QString::fromStdString(problem.toString());
    return makeError(ErrorCode::Validation, QStringLiteral("%1:\n%2").arg(what, lines.join(QLatin1Char('\n'))).toStdString(),
                     "run.yaml");
}

constexpr int kMaxRetries = 6;  // with the pause doubling from 1 s: about a minute of outage

// Runs `attempt` again after a pause (1 s, 2 s, 4 s …) while it fails because the connection
// broke; `done` gets the first other answer. Only for steps that are safe to repeat.
template <class T>
void retryOnConnectionLoss(QObject *context, std::function<QFuture<Result<T>>()> attempt,
                           std::function<void(const Result<T> &)> done, int delayMs, int retry = 0)
{
    attempt().then(context, [=](const Result<T> &result) {
        if (!result && isConnectionLoss(result.error()) && retry < kMaxRetries) {
            QTimer::singleShot(delayMs << retry, context, [=] {
                retryOnConnectionLoss(context, attempt, done, delayMs, retry + 1);
            });
            return;
        }
        done(result);
    });
}
}  // namespace

QFuture<Result<QString>> ClusterSession::submit(const RemoteRunPlan &plan, const QString &name)
{
    auto promise = std::make_shared<QPromise<Result<QString>>>();
    promise->start();
    auto fail = [promise](const Error &error) {
        promise->addResult(Result<QString>(error));
        promise->finish();
    };
    // The gate before anything is written on the cluster: the trainer's rules, then the paths the
    // run will read there. What the editor showed may be stale (files move), and this is the
    // last point where a bad config costs nothing but a message.
    if (auto problems = validateConfig(plan.config, PathCheck::Skip); !problems.empty()) {
        fail(configError(tr("the config has problems"), problems));
        return promise->future();
    }
    QSet<QString> uploaded;
    for (const FileUpload &u : plan.uploads)
        uploaded.insert(u.remotePath);
    m_ssh
        ->post<std::vector<ConfigProblem>>([config = plan.config, uploaded, where = m_profile.name](SshWorker &worker) {
            auto checked = checkClusterPaths(worker.sftp(), config, where, [&uploaded](const std::string &entry) {
                return !uploaded.contains(QString::fromStdString(entry));
            });
            if (!checked)
                worker.noteFailure(checked.error());
            return checked;
        })
        .then(this, [this, promise, fail, plan, name](const Result<std::vector<ConfigProblem>> &checked) {
            if (!checked)
                return fail(checked.error());
            if (!checked.value().empty())
                return fail(configError(tr("paths the run reads are not on the cluster"), checked.value()));
            uploadAndQueue(plan, name, promise);
        });
    return promise->future();
}

void ClusterSession::uploadAndQueue(const RemoteRunPlan &plan, const QString &name,
                                    const std::shared_ptr<QPromise<Result<QString>>> &promise)
{
    auto fail = [promise](const Error &error) {
        promise->addResult(Result<QString>(error));
        promise->finish();
    };
    const QString runYaml = QString::fromUtf8(plan.runYaml());
    const SubmitRequest request{plan.runDir, plan.runYaml(), plan.script, plan.startFrom};
    const int delayMs = m_retryDelayMs;
    // Every step before sbatch can be repeated, so a dropped connection is waited out: folders
    // made with mkdir -p, uploads continued where they broke off, run.yaml and job.sbatch written
    // whole and renamed. sbatch itself is not repeated: had it reached the cluster, a second one
    // would queue the run twice.
    auto sbatch = [this, promise, fail, request, name, runYaml]() {
        m_slurm->resubmit(request.runDir).then(this, [this, promise, fail, request, name, runYaml](const Result<QString> &id) {
            if (!id)
                return fail(id.error());
            track(id.value(), name, request.runDir, runYaml);
            promise->addResult(id);
            promise->finish();
        });
    };
    auto prepare = [this, fail, sbatch, request, delayMs]() {
        retryOnConnectionLoss<Unit>(
            this, [this, request] { return m_slurm->prepare(request); },
            [fail, sbatch](const Status &st) {
                if (!st)
                    return fail(st.error());
                sbatch();
            },
            delayMs);
    };
    if (plan.uploads.isEmpty()) {
        prepare();
        return;
    }
    // Uploads one after another (each a job on the connection's worker), after making their folders.
    // The step function holds itself only weakly; the pending continuation keeps it alive.
    using Step = std::function<void(int)>;
    auto uploads = std::make_shared<QList<FileUpload>>(plan.uploads);
    auto step = std::make_shared<Step>();
    *step = [this, uploads, fail, prepare, delayMs, weakStep = std::weak_ptr<Step>(step)](int i) {
        if (i == uploads->size())
            return prepare();
        const FileUpload u = uploads->at(i);
        retryOnConnectionLoss<qint64>(
            this, [this, u] { return m_ssh->upload(u.localPath, u.remotePath); },
            [self = weakStep.lock(), fail, i](const Result<qint64> &sent) {
                if (!sent)
                    return fail(sent.error());
                (*self)(i + 1);
            },
            delayMs);
    };
    QStringList folders;
    for (const FileUpload &u : plan.uploads) {
        const QString folder = u.remotePath.section(QLatin1Char('/'), 0, -2);
        if (!folders.contains(folder))
            folders << folder;
    }
    const ShellCommand mkdir(QStringLiteral("mkdir"), QStringList{QStringLiteral("-p"), QStringLiteral("--")} + folders);
    retryOnConnectionLoss<Unit>(
        this,
        [this, mkdir] {
            return m_ssh->post<Unit>([mkdir](SshWorker &worker) -> Status {
                auto made = worker.run(CommandRequest{mkdir, {}, 30000});
                if (!made)
                    return made.error();
                if (!made.value().succeeded())
                    return makeError(ErrorCode::Runtime, QStringLiteral("mkdir failed: %1")
                                                             .arg(QString::fromUtf8(made.value().err.trimmed()))
                                                             .toStdString());
                return okStatus();
            });
        },
        [step, fail](const Status &made) {
            if (!made)
                return fail(made.error());
            (*step)(0);
        },
        delayMs);
}

QFuture<Result<QString>> ClusterSession::resubmit(const QString &runDir, const QString &name, const QString &configYaml)
{
    return m_slurm->resubmit(runDir).then(this, [this, runDir, name, configYaml](const Result<QString> &id) {
        if (id)
            track(id.value(), name, runDir, configYaml);
        return id;
    });
}

QFuture<Status> ClusterSession::cancel(const QString &jobId)
{
    return m_slurm->cancel(jobId).then(this, [this](const Status &st) {
        if (st)
            m_monitor->pollNow();  // show CANCELLED without waiting for the next interval
        return st;
    });
}

}  // namespace corral
