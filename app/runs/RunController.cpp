#include "runs/RunController.h"

#include "config/ConfigLoader.h"
#include "metrics/JsonlTailer.h"
#include "runs/ClusterRuns.h"
#include "runs/FollowedRun.h"
#include "runs/LocalRun.h"
#include "runs/LocalRunIndex.h"
#include "runs/Paths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace corral {

QString localFileTail(const QString &path, qint64 bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    file.seek(std::max<qint64>(0, file.size() - bytes));
    return QString::fromUtf8(file.readAll()).trimmed();
}

RunController::RunController(RunServices services, QObject *parent)
    : QObject(parent), m_services(std::move(services))
{
    m_cluster = std::make_unique<ClusterRuns>(m_runs, m_series, m_services);
    connect(m_cluster.get(), &ClusterRuns::runChanged, this, &RunController::runChanged);
    connect(m_cluster.get(), &ClusterRuns::runFailed, this, &RunController::runFailed);
    connect(m_cluster.get(), &ClusterRuns::message, this, &RunController::message);
}

RunController::~RunController()
{
    // Local runs end with the app (LocalRun stops its trainer); cluster jobs go on and are
    // followed again next start.
    qDeleteAll(m_active);
    m_active.clear();
}

std::optional<RunEntry> RunController::run(const QString &id) const
{
    const int row = m_runs.rowOf(id);
    if (row < 0)
        return std::nullopt;
    return m_runs.runAt(row);
}

void RunController::update(const RunEntry &entry)
{
    m_runs.updateRun(entry);
    emit runChanged(entry.id);
}

void RunController::restoreRuns()
{
    const QList<RunEntry> local = scanLocalRuns(runsRoot());
    for (const RunEntry &entry : local)
        if (m_runs.rowOf(entry.id) < 0)
            m_runs.addRun(entry);
    m_cluster->restore();
}

QString RunController::addDraft(const RunConfig &config, const QString &name)
{
    RunEntry entry;
    entry.id = newRunDirectory(name);
    entry.runDir = entry.id;
    entry.name = name;
    entry.maxSteps = config.train.max_steps;
    m_configs.insert(entry.id, config);
    m_runs.addRun(entry);
    return entry.id;
}

QString RunController::duplicate(const QString &id)
{
    const auto source = run(id);
    const auto cfg = config(id);
    if (!source || !cfg)
        return {};
    const QString copy = addDraft(*cfg, source->name.endsWith(QLatin1StringView("-copy")) ? source->name
                                                                                          : source->name + QStringLiteral("-copy"));
    // Its paths are where the source's were.
    setDraftProfile(copy, source->isRemote() ? source->profile : draftProfile(id));
    return copy;
}

QString RunController::draftFromCheckpoint(const QString &id, const QString &checkpointDir, QString *error)
{
    const auto source = run(id);
    const auto cfg = source ? config(id) : std::nullopt;
    if (!source || source->state == RunState::Draft) {
        *error = tr("only a run that has checkpoints can be continued");
        return {};
    }
    if (!cfg) {
        *error = tr("the run has no config");
        return {};
    }
    const QString name = checkpointDir.section(QLatin1Char('/'), -1, -1, QString::SectionSkipEmpty);
    const QString draft = addDraft(*cfg, source->name + QStringLiteral("-from-") + name);
    m_resumeFrom.insert(draft, {source->profile, checkpointDir});
    if (source->isRemote()) {
        setDraftProfile(draft, source->profile);
        emit message(tr("Submit %1 to %2 to continue from %3 there").arg(run(draft)->name, source->profile, checkpointDir));
    } else {
        emit message(tr("Start %1 to continue from %2").arg(run(draft)->name, checkpointDir));
    }
    return draft;
}

std::optional<RunController::StartingPoint> RunController::startingPoint(const QString &id) const
{
    if (auto it = m_resumeFrom.constFind(id); it != m_resumeFrom.constEnd())
        return *it;
    return std::nullopt;
}

QString RunController::startingPointProblem(const QString &id, const QString &profile) const
{
    const auto from = startingPoint(id);
    if (!from || from->profile == profile)
        return {};
    return tr("it continues from %1 on %2: submit it to %2").arg(from->checkpoint, from->profile);
}

std::optional<RunConfig> RunController::config(const QString &id)
{
    if (auto it = m_configs.constFind(id); it != m_configs.constEnd())
        return *it;
    const auto entry = run(id);
    if (!entry)
        return std::nullopt;
    if (entry->isRemote()) {
        if (auto cfg = m_cluster->config(id)) {
            m_configs.insert(id, *cfg);
            return cfg;
        }
        return std::nullopt;
    }
    // What the trainer ran (resolved), else what was asked for.
    for (const char *name : {"config.yaml", "run.yaml"}) {
        const QString path = QDir(entry->runDir).filePath(QLatin1StringView(name));
        if (!QFileInfo::exists(path))
            continue;
        const ConfigReport report = loadConfigFile(path.toStdString());
        m_configs.insert(id, report.config);  // shown even when its data files are gone since
        return report.config;
    }
    return std::nullopt;
}

QString RunController::draftProfile(const QString &id) const
{
    const auto entry = run(id);
    return entry && entry->state == RunState::Draft ? entry->meantFor : QString();
}

void RunController::setDraftProfile(const QString &id, const QString &profile)
{
    auto entry = run(id);
    if (!entry || entry->state != RunState::Draft || entry->meantFor == profile)
        return;
    entry->meantFor = profile;  // the run list's Profile column shows it
    m_runs.updateRun(*entry);
}

void RunController::setDraftConfig(const QString &id, const RunConfig &config)
{
    const auto entry = run(id);
    if (!entry || entry->state != RunState::Draft)
        return;
    m_configs[id] = config;
    RunEntry e = *entry;
    e.maxSteps = config.train.max_steps;
    m_runs.updateRun(e);
}

QString RunController::openRunFolder(const QString &dir, QString *error)
{
    const QString id = QDir(dir).absolutePath();
    if (m_runs.rowOf(id) >= 0) {
        ensureFollowed(id);
        return id;
    }
    const QDir runDir(id);
    if (!runDir.exists(QStringLiteral("metrics.jsonl")) && !runDir.exists(QStringLiteral("events.jsonl"))) {
        *error = tr("Not a run folder (no metrics.jsonl or events.jsonl): %1").arg(id);
        return {};
    }
    RunEntry entry;
    entry.id = id;
    entry.runDir = id;
    entry.name = QFileInfo(id).fileName();
    entry.state = RunState::Running;
    entry.submitted = QFileInfo(runDir.filePath(QStringLiteral("config.yaml"))).lastModified().toUTC();
    if (const auto cfg = config(id))
        entry.maxSteps = cfg->train.max_steps;
    m_runs.addRun(entry);
    followFolder(id, /*trustFileState=*/true);
    return id;
}

void RunController::ensureFollowed(const QString &id)
{
    const auto entry = run(id);
    if (!entry || entry->state == RunState::Draft || m_active.contains(id) || m_followed.contains(id))
        return;
    if (entry->isRemote())
        return m_cluster->ensureFollowed(id);
    if (QFileInfo::exists(QDir(entry->runDir).filePath(QStringLiteral("metrics.jsonl"))))
        followFolder(id, /*trustFileState=*/false);
}

// trustFileState: the folder's events decide the state (an opened folder); otherwise only an
// end event changes what the index said (a run of an earlier session is not "running" again).
void RunController::followFolder(const QString &id, bool trustFileState)
{
    auto *followed = new FollowedRun(id, this);
    m_followed.insert(id, followed);
    connect(followed, &FollowedRun::metricsArrived, this,
            [this, id](const QVector<MetricRecord> &records, bool restarted) { m_series.appendMetrics(id, records, restarted); });
    connect(followed, &FollowedRun::eventsArrived, this, [this, id](const QVector<QJsonObject> &events, bool restarted) {
        m_series.appendEvents(id, events, restarted);
    });
    connect(followed, &FollowedRun::problemsFound, this, [this, id](const QStringList &problems) { reportProblems(id, problems); });
    connect(followed, &FollowedRun::progressChanged, this, [this, id, followed, trustFileState]() {
        const auto current = run(id);
        if (!current || m_active.contains(id))
            return;
        RunEntry e = *current;
        e.step = followed->progress().step;
        e.maxSteps = std::max(e.maxSteps, followed->progress().maxSteps);
        e.bestValLoss = followed->progress().bestValLoss;
        if (trustFileState || followed->state() != RunState::Running)
            e.state = followed->state();
        update(e);
    });
    followed->start();
}

bool RunController::canCancel(const QString &id) const
{
    const auto entry = run(id);
    if (!entry)
        return false;
    if (entry->isRemote())
        return !entry->jobId.isEmpty() && (entry->state == RunState::Pending || entry->state == RunState::Running);
    return m_active.contains(id);
}

bool RunController::canResume(const QString &id) const
{
    const auto entry = run(id);
    if (!entry || m_active.contains(id))
        return false;
    switch (entry->state) {
    case RunState::Stopped:
    case RunState::Failed:
    case RunState::Cancelled:
    case RunState::Timeout:
    case RunState::Unknown: return entry->isRemote() || !m_services.trainerPath.isEmpty();
    default: return false;
    }
}

bool RunController::startLocal(const QString &id, QString *error)
{
    const auto entry = run(id);
    if (!entry || entry->state != RunState::Draft) {
        *error = tr("only a draft can be started");
        return false;
    }
    if (const QString why = startingPointProblem(id, QStringLiteral("local")); !why.isEmpty()) {
        *error = why;
        return false;
    }
    return launch(id, /*resume=*/false, error);
}

bool RunController::resume(const QString &id, QString *error)
{
    if (!canResume(id)) {
        *error = tr("only a stopped, failed, cancelled or timed-out run can be resumed");
        return false;
    }
    if (run(id)->isRemote())
        return m_cluster->resume(id, error);
    return launch(id, /*resume=*/true, error);
}

void RunController::cancel(const QString &id)
{
    const auto entry = run(id);
    if (!entry || !canCancel(id))
        return;
    if (entry->isRemote())
        return m_cluster->cancel(id);
    m_active.value(id)->stop();
    emit message(tr("Stopping %1 at the next step, with a checkpoint…").arg(entry->name));
}

bool RunController::launch(const QString &id, bool resume, QString *error)
{
    const auto cfg = config(id);
    if (!cfg) {
        *error = tr("the run has no config");
        return false;
    }
    // The run's own watcher reads its files again from the start: drop what was shown, and
    // stop following a folder that was only opened.
    if (FollowedRun *followed = m_followed.take(id))
        followed->deleteLater();
    m_series.resetRun(id);
    auto *local = new LocalRun(*cfg, id, m_services.trainerPath, this);
    local->setResumeFrom(resume ? QString() : m_resumeFrom.value(id).checkpoint);
    connect(local, &LocalRun::metricsArrived, this,
            [this, id](const QVector<MetricRecord> &records, bool restarted) { m_series.appendMetrics(id, records, restarted); });
    connect(local, &LocalRun::eventsArrived, this, [this, id](const QVector<QJsonObject> &events, bool restarted) {
        m_series.appendEvents(id, events, restarted);
    });
    connect(local, &LocalRun::problemsFound, this, [this, id](const QStringList &problems) { reportProblems(id, problems); });
    connect(local, &LocalRun::progressChanged, this, [this, id, local]() {
        if (auto entry = run(id)) {
            entry->step = local->progress().step;
            entry->bestValLoss = local->progress().bestValLoss;
            update(*entry);
        }
    });
    connect(local, &LocalRun::finished, this, [this, id](bool ok, const QString &text) { onLocalFinished(id, ok, text); });
    if (!local->start(error, resume)) {
        delete local;
        return false;
    }
    m_active.insert(id, local);
    m_resumeFrom.remove(id);  // later resumes continue from the run's own checkpoints
    RunEntry entry = *run(id);
    entry.state = RunState::Running;
    entry.reason.clear();
    entry.exitCode.reset();
    entry.ended = QDateTime();
    if (!resume)
        entry.submitted = QDateTime::currentDateTimeUtc();
    update(entry);
    emit message(tr("Started %1 in %2").arg(entry.name, id));
    return true;
}

void RunController::reportProblems(const QString &id, const QStringList &problems)
{
    const auto entry = run(id);
    emit message(tr("%1: %2").arg(entry ? entry->name : id, summarizeProblems(problems)));
}

void RunController::onLocalFinished(const QString &id, bool ok, const QString &text)
{
    bool stopped = false;
    if (LocalRun *local = m_active.take(id)) {
        stopped = local->wasStopped();
        local->deleteLater();
    }
    const auto current = run(id);
    if (!current)
        return;
    RunEntry entry = *current;
    entry.state = stopped ? RunState::Stopped : ok ? RunState::Finished : RunState::Failed;
    entry.ended = QDateTime::currentDateTimeUtc();
    entry.reason = ok ? QString() : text;
    if (stopped)
        entry.reason = text;
    update(entry);
    if (entry.state == RunState::Failed) {
        emit runFailed(id, text, localFileTail(QDir(entry.runDir).filePath(QStringLiteral("logs/trainer.err")), 4000));
        emit message(tr("Run failed: %1").arg(text));
    } else {
        emit message(stopped ? tr("Run stopped with a checkpoint: %1").arg(entry.name) : tr("Run finished: %1").arg(entry.name));
    }
}

QList<LogSource> RunController::logSources(const QString &id)
{
    const auto entry = run(id);
    if (!entry || entry->state == RunState::Draft)
        return {};
    if (entry->isRemote())
        return m_cluster->logSources(*entry);
    const bool live = m_active.contains(id) || isActiveRunState(entry->state);
    const QDir logs(QDir(entry->runDir).filePath(QStringLiteral("logs")));
    return {LogSource{QStringLiteral("stdout"), logs.filePath(QStringLiteral("trainer.out")), localChunkReader(), live},
            LogSource{QStringLiteral("stderr"), logs.filePath(QStringLiteral("trainer.err")), localChunkReader(), live}};
}

}  // namespace corral
