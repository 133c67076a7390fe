#pragma once
// Follows the active jobs of one cluster: every interval, ONE poll round for all of them
// (SlurmClient::poll), and a signal for each job whose status changed. A failed round (the
// connection dropped, squeue timed out) changes nothing: the last known states stay, and the
// next interval tries again — so a reconnect neither loses nor repeats a transition.
#include "slurm/SlurmClient.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

namespace corral {

class JobMonitor : public QObject {
    Q_OBJECT
public:
    JobMonitor(SlurmClient &client, int intervalMs, QObject *parent = nullptr);

    // Starts following `jobId`; `lastKnown` (from the run store after a restart) suppresses a
    // repeated signal for a state already recorded.
    void follow(const QString &jobId, const SlurmJobStatus &lastKnown = {});
    QStringList activeJobs() const { return m_active.keys(); }
    SlurmJobStatus status(const QString &jobId) const { return m_active.value(jobId, m_ended.value(jobId)); }
    void pollNow();  // one round now (if none is running)
    // Paused: no rounds at all (a login the person refused is not asked again every interval).
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }

signals:
    void statusChanged(const corral::SlurmJobStatus &status);
    void pollFailed(const QString &message);
    void pollFinished(qint64 elapsedMs, int jobs);

private:
    void onPolled(const Result<JobStatuses> &result, qint64 elapsedMs, int jobs);

    SlurmClient &m_client;
    QTimer m_timer;
    QHash<QString, SlurmJobStatus> m_active;
    QHash<QString, SlurmJobStatus> m_ended;
    bool m_inFlight = false;
    bool m_paused = false;
};

}  // namespace corral
