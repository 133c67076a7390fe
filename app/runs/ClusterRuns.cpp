#include "runs/ClusterRuns.h"

#include "config/ConfigLoader.h"
#include "profiles/ProfileStore.h"
#include "remote/RememberedSecrets.h"
#include "remote/SshConnection.h"
#include "metrics/JsonlTailer.h"
#include "metrics/RemoteRunTailer.h"
#include "runs/RunStore.h"
#include "slurm/ClusterSession.h"
#include "slurm/JobMonitor.h"
#include "slurm/SlurmClient.h"

#include <QSet>

namespace corral {

namespace {
QString jobKey(const QString &profile, const QString &jobId) { return profile + QLatin1Char('\n') + jobId; }

bool isFailure(SlurmJobState state)
{
    return state == SlurmJobState::Failed || state == SlurmJobState::Timeout || state == SlurmJobState::NodeFail
           || state == SlurmJobState::OutOfMemory;
}

QString stateSummary(const RunEntry &run, SlurmJobState state)
{
    QStringList parts{slurmJobStateName(state)};
    if (!run.reason.isEmpty())
        parts << run.reason;
    if (run.exitCode)
        parts << QStringLiteral("exit code %1").arg(*run.exitCode);
    return parts.join(QStringLiteral(", "));
}
}  // namespace

ClusterRuns::ClusterRuns(RunListModel &runs, SeriesStore &series, const RunServices &services, QObject *parent)
    : QObject(parent), m_runs(runs), m_series(series), m_services(services)
{
}

ClusterRuns::~ClusterRuns()
{
    qDeleteAll(m_tailers);  // they read through the sessions' connections
    m_tailers.clear();
    qDeleteAll(m_sessions);
    m_sessions.clear();
}

std::optional<RunEntry> ClusterRuns::entry(const QString &id) const
{
    const int row = m_runs.rowOf(id);
    return row < 0 ? std::nullopt : std::optional<RunEntry>(m_runs.runAt(row));
}

void ClusterRuns::update(const RunEntry &entry)
{
    m_runs.updateRun(entry);
    emit runChanged(entry.id);
}

ClusterSession *ClusterRuns::session(const QString &profileName, QString *error)
{
    if (ClusterSession *open = m_sessions.value(profileName))
        return open;
    const std::optional<ClusterProfile> profile =
        m_services.profiles ? m_services.profiles->profile(profileName) : std::nullopt;
    if (!profile || profile->isLocal()) {
        if (error)
            *error = tr("no cluster profile named '%1'").arg(profileName);
        return nullptr;
    }
    RememberedSecrets secrets = m_services.secrets ? RememberedSecrets(m_services.secrets, profileName) : RememberedSecrets();
    auto *session = new ClusterSession(withSshConfigDefaults(*profile), m_services.prompter, std::move(secrets),
                                       m_services.store, m_services.pollIntervalMs, this);
    m_sessions.insert(profileName, session);
    connect(session, &ClusterSession::stateChanged, this,
            [this, profileName](ConnectionState state, const QString &text) { emit connectionChanged(profileName, state, text); });
    connect(session, &ClusterSession::statusChanged, this,
            [this, profileName](const SlurmJobStatus &status) { onStatus(profileName, status); });
    connect(session, &ClusterSession::storeFailed, this,
            [this](const QString &text) { emit message(tr("The run store could not record a change: %1").arg(text)); });
    connect(session, &ClusterSession::uploadProgress, this,
            [this, profileName](const QString &path, qint64 done, qint64 total) {
                if (const QString id = m_submittingOn.value(profileName); !id.isEmpty())
                    emit submitProgress(id, path, done, total);
            });
    // A round that fails (SSH down, slurmctld restarting) changes no run: said once, and once
    // more when SLURM answers again.
    connect(&session->monitor(), &JobMonitor::pollFailed, this, [this, profileName](const QString &why) {
        if (!m_unanswered.contains(profileName)) {
            m_unanswered.insert(profileName);
            emit message(tr("%1: SLURM did not answer (%2); runs keep their last known state until it does")
                             .arg(profileName, why));
        }
    });
    connect(&session->monitor(), &JobMonitor::pollFinished, this, [this, profileName] {
        if (m_unanswered.remove(profileName))
            emit message(tr("%1: SLURM answers again").arg(profileName));
    });
    emit connectionChanged(profileName, ConnectionState::Disconnected, session->stateMessage());
    return session;
}

void ClusterRuns::restore()
{
    if (!m_services.store)
        return;
    const auto stored = m_services.store->runs();
    if (!stored) {
        emit message(tr("Cannot read the run store: %1").arg(QString::fromStdString(stored.error().toString())));
        return;
    }
    QSet<QString> activeProfiles;
    for (const StoredRun &run : stored.value()) {  // in id order: a resubmitted run's latest job comes last
        const QString id = runId(run.profile, run.runDir);
        m_runOfJob.insert(jobKey(run.profile, run.jobId), id);
        m_configYaml.insert(id, run.configYaml);
        RunEntry e;
        if (const auto known = entry(id))
            e = *known;
        e.id = id;
        e.name = run.name;
        e.profile = run.profile;
        e.runDir = run.runDir;
        e.jobId = run.jobId;
        e.state = runStateFromSlurm(run.status.state);
        e.reason = run.status.reason;
        e.exitCode = run.status.exitCode;
        if (!e.submitted.isValid())
            e.submitted = run.submittedAt;
        e.ended = QDateTime();
        if (isFinalState(run.status.state)) {
            if (const auto history = m_services.store->history(run.id); history && !history.value().isEmpty())
                e.ended = history.value().last().at;
        } else {
            activeProfiles.insert(run.profile);
        }
        if (const auto cfg = config(id))
            e.maxSteps = cfg->train.max_steps;
        if (m_runs.rowOf(id) < 0)
            m_runs.addRun(e);
        else
            m_runs.updateRun(e);
    }
    for (const QString &profile : std::as_const(activeProfiles)) {
        QString error;
        ClusterSession *s = session(profile, &error);
        if (!s) {
            emit message(tr("Runs on '%1' are not followed: %2").arg(profile, error));
            continue;
        }
        if (auto st = s->resumeActiveRuns(); !st)
            emit message(QString::fromStdString(st.error().toString()));
        s->monitor().pollNow();
    }
}

QString ClusterRuns::submit(const QString &draftId, const QString &profile, const RemoteRunPlan &plan)
{
    QString error;
    ClusterSession *s = session(profile, &error);
    const auto draft = entry(draftId);
    const QString id = runId(profile, plan.runDir);
    if (!s || !draft || !m_runs.changeId(draftId, id)) {
        emit submitFinished(draftId, false, s ? tr("a run with the folder %1 is already listed").arg(plan.runDir) : error);
        return {};
    }
    RunEntry e = *draft;
    e.id = id;
    e.profile = profile;
    e.runDir = plan.runDir;
    e.state = RunState::Submitting;
    e.submitted = QDateTime::currentDateTimeUtc();
    e.maxSteps = plan.config.train.max_steps;
    update(e);
    const QString yaml = QString::fromUtf8(plan.runYaml());
    m_configYaml.insert(id, yaml);
    m_submittingOn.insert(profile, id);
    s->submit(plan, e.name).then(this, [this, id, draftId, before = *draft, profile](const Result<QString> &job) {
        m_submittingOn.remove(profile);
        auto current = entry(id);
        if (!current)
            return;
        if (!job) {
            // Nothing was queued: the run is a draft again, to be fixed and submitted anew.
            m_configYaml.remove(id);
            RunEntry again = before;
            again.reason = QString::fromStdString(job.error().toString());
            if (m_runs.changeId(id, draftId))
                update(again);
            emit submitFinished(draftId, false, again.reason);
            emit message(tr("Not submitted: %1").arg(again.reason));
            return;
        }
        m_runOfJob.insert(jobKey(profile, job.value()), id);
        current->jobId = job.value();
        if (current->state == RunState::Submitting)
            current->state = RunState::Pending;
        update(*current);
        followFiles(id);
        emit submitFinished(id, true, tr("Submitted as job %1").arg(job.value()));
    });
    return id;
}

void ClusterRuns::onStatus(const QString &profile, const SlurmJobStatus &status)
{
    const QString id = m_runOfJob.value(jobKey(profile, status.jobId));
    auto e = entry(id);
    if (!e || e->jobId != status.jobId)
        return;  // an earlier job of a resubmitted run
    const RunState before = e->state;
    e->state = runStateFromSlurm(status.state);
    e->reason = status.reason;
    e->exitCode = status.exitCode;
    if (isFinalState(status.state) && !e->ended.isValid())
        e->ended = QDateTime::currentDateTimeUtc();
    update(*e);
    if (e->state == RunState::Running)
        followFiles(id);
    if (isFinalState(status.state)) {
        if (RemoteRunTailer *tailer = m_tailers.value(profile))
            tailer->unfollowAfterNextRound(id);  // what the trainer wrote last, then no more reads
        if (isFailure(status.state) && before != e->state)
            reportFailure(*e);
    }
    if (before != e->state)
        emit message(tr("%1: %2").arg(e->name, stateSummary(*e, status.state)));
}

void ClusterRuns::reportFailure(const RunEntry &run)
{
    ClusterSession *s = session(run.profile);
    if (!s)
        return;
    const QString err = run.runDir + QStringLiteral("/logs/slurm-%1.err").arg(run.jobId);
    s->slurm().tail(err, 4000).then(this, [this, id = run.id](const Result<QByteArray> &tail) {
        const auto current = entry(id);
        if (!current)
            return;
        QString summary = runStateName(current->state);
        if (!current->reason.isEmpty())
            summary += QStringLiteral(" (%1)").arg(current->reason);
        if (current->exitCode)
            summary += tr(", exit code %1").arg(*current->exitCode);
        if (const QString failed = m_failureMessage.value(id); !failed.isEmpty())
            summary += QStringLiteral(": ") + failed;
        emit runFailed(id, summary, tail ? QString::fromUtf8(tail.value()).trimmed()
                                         : tr("(stderr unreadable: %1)").arg(QString::fromStdString(tail.error().toString())));
    });
}

RemoteRunTailer *ClusterRuns::tailerFor(const QString &profile)
{
    if (RemoteRunTailer *tailer = m_tailers.value(profile))
        return tailer;
    ClusterSession *s = session(profile);
    if (!s)
        return nullptr;
    auto *tailer = new RemoteRunTailer(s->connection(), m_services.fileIntervalMs);
    m_tailers.insert(profile, tailer);
    connect(tailer, &RemoteRunTailer::metricsArrived, this, &ClusterRuns::onMetrics);
    connect(tailer, &RemoteRunTailer::eventsArrived, this, &ClusterRuns::onEvents);
    connect(tailer, &RemoteRunTailer::problemsFound, this, [this](const QString &id, const QStringList &problems) {
        const auto e = entry(id);
        emit message(tr("%1: %2").arg(e ? e->name : id, summarizeProblems(problems)));
    });
    return tailer;
}

void ClusterRuns::followFiles(const QString &id)
{
    const auto e = entry(id);
    RemoteRunTailer *tailer = e ? tailerFor(e->profile) : nullptr;
    if (!tailer)
        return;
    const bool active = isActiveRunState(e->state);
    if (tailer->isFollowing(id)) {
        if (active)
            tailer->follow(id, e->runDir);  // back from a final state (requeued): keep following
        return;
    }
    if (m_tailed.contains(id)) {
        if (!active)
            return;  // read to its end already
        // Going again after its files were read to the end: the tail starts over, so do the curves.
        m_series.resetRun(id);
        m_progress.remove(id);
    }
    m_tailed.insert(id);
    tailer->follow(id, e->runDir);
    if (!active)
        tailer->unfollowAfterNextRound(id);  // an ended run: read once
}

void ClusterRuns::onMetrics(const QString &id, const QVector<MetricRecord> &records, bool restarted)
{
    RunProgress &progress = m_progress[id];
    if (restarted)
        progress = RunProgress{0, progress.maxSteps};
    for (const MetricRecord &record : records)
        progress.add(record);
    m_series.appendMetrics(id, records, restarted);
    if (auto current = entry(id)) {
        current->step = progress.step;
        current->bestValLoss = progress.bestValLoss;
        current->maxSteps = std::max(current->maxSteps, progress.maxSteps);
        update(*current);
    }
}

void ClusterRuns::onEvents(const QString &id, const QVector<QJsonObject> &events, bool restarted)
{
    RunProgress &progress = m_progress[id];
    if (restarted)
        m_failureMessage.remove(id);
    for (const QJsonObject &event : events) {
        const QString kind = event.value(QLatin1StringView("kind")).toString();
        if (kind == QLatin1StringView("failed"))
            m_failureMessage.insert(id, event.value(QLatin1StringView("message")).toString());
        else if (kind == QLatin1StringView("started") || kind == QLatin1StringView("resumed"))
            progress.maxSteps = event.value(QLatin1StringView("max_steps")).toInteger(progress.maxSteps);
    }
    m_series.appendEvents(id, events, restarted);
    if (auto current = entry(id); current && progress.maxSteps > current->maxSteps) {
        current->maxSteps = progress.maxSteps;
        update(*current);
    }
}

void ClusterRuns::ensureFollowed(const QString &id)
{
    followFiles(id);
}

void ClusterRuns::cancel(const QString &id)
{
    const auto e = entry(id);
    ClusterSession *s = e ? session(e->profile) : nullptr;
    if (!s || e->jobId.isEmpty())
        return;
    emit message(tr("Cancelling job %1 (%2)…").arg(e->jobId, e->name));
    s->cancel(e->jobId).then(this, [this, name = e->name](const Status &st) {
        if (!st)
            emit message(tr("Cancel of %1 failed: %2").arg(name, QString::fromStdString(st.error().toString())));
    });
}

bool ClusterRuns::resume(const QString &id, QString *error)
{
    auto e = entry(id);
    ClusterSession *s = e ? session(e->profile, error) : nullptr;
    if (!s)
        return false;
    e->state = RunState::Submitting;
    e->reason.clear();
    e->exitCode.reset();
    e->ended = QDateTime();
    update(*e);
    m_failureMessage.remove(id);
    // Read again from the start: the resume trims metrics past the checkpoint.
    if (RemoteRunTailer *tailer = m_tailers.value(e->profile))
        tailer->unfollow(id);
    m_tailed.remove(id);
    m_progress.remove(id);
    s->resubmit(e->runDir, e->name, m_configYaml.value(id)).then(this, [this, id, profile = e->profile](const Result<QString> &job) {
        auto current = entry(id);
        if (!current)
            return;
        if (!job) {
            current->state = RunState::Failed;
            current->reason = QString::fromStdString(job.error().toString());
            update(*current);
            emit runFailed(id, tr("Not resubmitted: %1").arg(current->reason), QString());
            return;
        }
        m_runOfJob.insert(jobKey(profile, job.value()), id);
        current->jobId = job.value();
        current->state = RunState::Pending;
        update(*current);
        m_series.resetRun(id);
        followFiles(id);
        emit message(tr("%1 resubmitted as job %2 (--resume auto)").arg(current->name, job.value()));
    });
    return true;
}

std::optional<RunConfig> ClusterRuns::config(const QString &id) const
{
    const QString yaml = m_configYaml.value(id);
    if (yaml.isEmpty())
        return std::nullopt;
    // Its data paths are on the cluster: problems about them here are expected and ignored.
    return loadConfigText(yaml.toStdString(), "run.yaml", "/").config;
}

QList<LogSource> ClusterRuns::logSources(const RunEntry &run)
{
    ClusterSession *s = session(run.profile);
    if (!s || run.jobId.isEmpty())
        return {};
    const bool live = isActiveRunState(run.state);
    const QString logs = run.runDir + QStringLiteral("/logs/slurm-") + run.jobId;
    const ChunkReader reader = remoteChunkReader(&s->connection());
    return {LogSource{QStringLiteral("stdout"), logs + QStringLiteral(".out"), reader, live},
            LogSource{QStringLiteral("stderr"), logs + QStringLiteral(".err"), reader, live}};
}

}  // namespace corral
