#include "slurm/JobMonitor.h"

namespace corral {

JobMonitor::JobMonitor(SlurmClient &client, int intervalMs, QObject *parent)
    : QObject(parent), m_client(client), m_timer(this)
{
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &JobMonitor::pollNow);
}

void JobMonitor::follow(const QString &jobId, const SlurmJobStatus &lastKnown)
{
    SlurmJobStatus status = lastKnown;
    status.jobId = jobId;
    m_active.insert(jobId, status);
    m_ended.remove(jobId);
    if (!m_timer.isActive())
        m_timer.start();
}

void JobMonitor::setPaused(bool paused)
{
    m_paused = paused;
}

void JobMonitor::pollNow()
{
    if (m_inFlight || m_paused || m_active.isEmpty())
        return;
    m_inFlight = true;
    const QStringList ids = m_active.keys();
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    m_client.poll(ids).then(this, [this, clock, count = static_cast<int>(ids.size())](const Result<JobStatuses> &r) {
        onPolled(r, clock->elapsed(), count);
    });
}

void JobMonitor::onPolled(const Result<JobStatuses> &result, qint64 elapsedMs, int jobs)
{
    m_inFlight = false;
    if (!result) {
        emit pollFailed(QString::fromStdString(result.error().toString()));
        return;
    }
    for (const SlurmJobStatus &fresh : result.value()) {
        auto it = m_active.find(fresh.jobId);
        if (it == m_active.end())
            continue;
        // PREEMPTED/REQUEUED seen only after the job left squeue will not come back by itself.
        const bool over = isFinalState(fresh.state)
                          || (fresh.source != QLatin1StringView("squeue") && fresh.state != SlurmJobState::Unknown
                              && (fresh.state == SlurmJobState::Preempted || fresh.state == SlurmJobState::Requeued));
        if (fresh != *it) {
            *it = fresh;
            emit statusChanged(fresh);
        }
        if (over) {
            m_ended.insert(fresh.jobId, fresh);
            m_active.erase(it);
        }
    }
    if (m_active.isEmpty())
        m_timer.stop();
    emit pollFinished(elapsedMs, jobs);
}

}  // namespace corral
