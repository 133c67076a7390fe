#include "runs/RemoteRunFollower.h"

#include "metrics/RemoteRunTailer.h"
#include "runs/Paths.h"

namespace corral {

RemoteRunFollower::RemoteRunFollower(RunStore &store, JobMonitor &monitor, QString profile, QObject *parent)
    : QObject(parent), m_store(store), m_monitor(monitor), m_profile(std::move(profile))
{
    connect(&m_monitor, &JobMonitor::statusChanged, this, &RemoteRunFollower::onStatusChanged);
}

Status RemoteRunFollower::resumeActiveRuns()
{
    auto active = m_store.activeRuns(m_profile);
    if (!active)
        return active.error();
    for (const StoredRun &run : active.value()) {
        m_monitor.follow(run.jobId, run.status);
        tail(run);
    }
    return okStatus();
}

Status RemoteRunFollower::track(const StoredRun &run)
{
    auto id = m_store.addRun(run);
    if (!id)
        return id.error();
    m_monitor.follow(run.jobId, run.status);
    tail(run);
    return okStatus();
}

void RemoteRunFollower::tail(const StoredRun &run)
{
    if (!m_tailer)
        return;
    m_runDirs.insert(run.jobId, run.runDir);
    m_tailer->follow(remoteRunId(m_profile, run.runDir), run.runDir);
}

void RemoteRunFollower::onStatusChanged(const SlurmJobStatus &status)
{
    if (auto recorded = m_store.recordStatus(m_profile, status); !recorded)
        emit storeFailed(QString::fromStdString(recorded.error().toString()));
    if (m_tailer && isFinalState(status.state) && m_runDirs.contains(status.jobId))
        m_tailer->unfollowAfterNextRound(remoteRunId(m_profile, m_runDirs.take(status.jobId)));
}

}  // namespace corral
