#pragma once
// Keeps the run store and a cluster's JobMonitor in step: on start it follows every run the
// store still has as active on that profile (so a restarted app picks up where it left off),
// and records each status change the monitor reports.
#include "runs/RunStore.h"
#include "slurm/JobMonitor.h"

#include <QObject>

namespace corral {

class RemoteRunFollower : public QObject {
    Q_OBJECT
public:
    RemoteRunFollower(RunStore &store, JobMonitor &monitor, QString profile, QObject *parent = nullptr);

    Status resumeActiveRuns();  // follow what the store lists as active on this profile
    Status track(const StoredRun &run);  // a just-submitted run: stored, then followed

signals:
    void storeFailed(const QString &message);

private:
    void onStatusChanged(const SlurmJobStatus &status);

    RunStore &m_store;
    JobMonitor &m_monitor;
    QString m_profile;
};

}  // namespace corral
