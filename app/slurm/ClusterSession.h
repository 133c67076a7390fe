#pragma once
// Everything the app keeps open for one cluster profile: the SSH connection (its own worker
// thread), the SLURM client on it, the job monitor polling that cluster's active jobs in one
// round per interval, and, with a run store, the follower that records every state change.
// The multi-step operations the GUI starts (submit with uploads, resubmit, cancel) are chained
// here on futures, so nothing waits on the network on the caller's thread.
#include "config/Result.h"
#include "remote/RememberedSecrets.h"
#include "remote/SshWorker.h"
#include "slurm/ClusterProfile.h"
#include "slurm/RemoteRunPlan.h"
#include "slurm/SlurmJobState.h"

#include <QFuture>
#include <QObject>
#include <QPromise>

#include <memory>

namespace corral {

class AuthPrompter;
class JobMonitor;
class RemoteRunFollower;
class RunStore;
class SlurmClient;
class SshConnection;
struct StoredRun;

class ClusterSession : public QObject {
    Q_OBJECT
public:
    // `profile` already has its ~/.ssh/config defaults merged. `prompter`, `secrets`' store and
    // `store` (may be null: nothing remembered) must outlive the session.
    ClusterSession(ClusterProfile profile, AuthPrompter *prompter, RememberedSecrets secrets, RunStore *store,
                   int pollIntervalMs, QObject *parent = nullptr);
    ~ClusterSession() override;

    const ClusterProfile &profile() const { return m_profile; }
    SshConnection &connection() { return *m_ssh; }
    SlurmClient &slurm() { return *m_slurm; }
    JobMonitor &monitor() { return *m_monitor; }
    ConnectionState state() const { return m_state; }
    const QString &stateMessage() const { return m_stateMessage; }

    // Follows the jobs the store still lists as active on this profile (after an app restart).
    Status resumeActiveRuns();
    // Checks the plan's config (the trainer's rules here, its cluster paths over SFTP: a problem
    // fails the submit with every message, before anything is written), uploads the plan's files
    // (progress: uploadProgress), writes run.yaml and job.sbatch, runs sbatch; on success the job
    // is stored (with `name`) and followed. The job id comes back.
    // A connection that breaks after the check and before sbatch is waited out (retries after
    // 1 s, 2 s, 4 s …, six times; uploads continue where they stopped); sbatch itself is never
    // sent twice.
    QFuture<Result<QString>> submit(const RemoteRunPlan &plan, const QString &name);
    // sbatch RUN_DIR/job.sbatch again (resume from the newest checkpoint); stored and followed.
    QFuture<Result<QString>> resubmit(const QString &runDir, const QString &name, const QString &configYaml);
    QFuture<Status> cancel(const QString &jobId);
    // Tries again after the person refused a login or the host key (polling pauses meanwhile).
    void reconnect();
    void setRetryDelayMs(int ms) { m_retryDelayMs = ms; }  // the first pause of submit's retries

signals:
    void stateChanged(corral::ConnectionState state, const QString &message);
    void statusChanged(const corral::SlurmJobStatus &status);
    void uploadProgress(const QString &remotePath, qint64 done, qint64 total);
    void storeFailed(const QString &message);

private:
    void uploadAndQueue(const RemoteRunPlan &plan, const QString &name,
                        const std::shared_ptr<QPromise<Result<QString>>> &promise);
    void track(const QString &jobId, const QString &name, const QString &runDir, const QString &configYaml);
    void onState(ConnectionState state, const QString &message);

    ClusterProfile m_profile;
    RunStore *m_store;
    std::unique_ptr<SshConnection> m_ssh;
    std::unique_ptr<SlurmClient> m_slurm;
    std::unique_ptr<JobMonitor> m_monitor;
    std::unique_ptr<RemoteRunFollower> m_follower;
    ConnectionState m_state = ConnectionState::Disconnected;
    QString m_stateMessage;
    bool m_everConnected = false;
    int m_retryDelayMs = 1000;
};

}  // namespace corral
