#pragma once
// Keeps the run store and a cluster's JobMonitor in step: on start it follows every run the
// store still has as active on that profile (so a restarted app picks up where it left off),
// and records each status change the monitor reports. With a RemoteRunTailer it also tails
// the metrics and events of those runs (run id: remoteRunId(profile, RUN_DIR)), until a final
// state, after which one more round reads their last lines.
#include "runs/RunStore.h"
#include "slurm/JobMonitor.h"

#include <QHash>
#include <QObject>

namespace corral {

class RemoteRunTailer;

class RemoteRunFollower : public QObject {
    Q_OBJECT
public:
    RemoteRunFollower(RunStore &store, JobMonitor &monitor, QString profile, QObject *parent = nullptr);

    // Tail the runs this follows (set before resumeActiveRuns/track). Not owned.
    void setTailer(RemoteRunTailer *tailer) { m_tailer = tailer; }

    Status resumeActiveRuns();  // follow what the store lists as active on this profile
    Status track(const StoredRun &run);  // a just-submitted run: stored, then followed

signals:
    void storeFailed(const QString &message);

private:
    void onStatusChanged(const SlurmJobStatus &status);
    void tail(const StoredRun &run);

    RunStore &m_store;
    JobMonitor &m_monitor;
    QString m_profile;
    RemoteRunTailer *m_tailer = nullptr;
    QHash<QString, QString> m_runDirs;  // job id → RUN_DIR of the runs being tailed
};

}  // namespace corral
