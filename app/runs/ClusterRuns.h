#pragma once
// The cluster half of RunController: one ClusterSession per profile in use, opened on first
// need; submitting a draft (the run list entry becomes "profile:RUN_DIR"), cancel and resume;
// SLURM states from each session's JobMonitor into the run list; the run's metrics and events
// read over SFTP for its curves and progress (one RemoteRunTailer per profile: one round for all
// of a cluster's runs); and, when a job fails, the end of its stderr
// fetched at once so the reason is on screen without a click.
#include "config/RunConfig.h"
#include "remote/SshWorker.h"
#include "runs/Paths.h"
#include "runs/RunController.h"
#include "runs/RunProgress.h"
#include "slurm/RemoteRunPlan.h"
#include "slurm/SlurmJobState.h"

#include <QHash>
#include <QSet>
#include <QObject>

namespace corral {

class ClusterSession;
class RemoteRunTailer;

class ClusterRuns : public QObject {
    Q_OBJECT
public:
    ClusterRuns(RunListModel &runs, SeriesStore &series, const RunServices &services, QObject *parent = nullptr);
    ~ClusterRuns() override;

    // The open session of `profile`, opened now if needed; null with `error` for an unknown profile.
    ClusterSession *session(const QString &profile, QString *error = nullptr);
    QList<ClusterSession *> sessions() const { return m_sessions.values(); }

    // The runs of the run store: listed, and the active ones followed again.
    void restore();
    // Submits draft `id` as planned (the script may have been edited); the entry gets the id
    // "profile:RUN_DIR", which is returned, and goes SUBMITTING → PENDING → ….
    QString submit(const QString &id, const QString &profile, const RemoteRunPlan &plan);
    void cancel(const QString &id);
    bool resume(const QString &id, QString *error);
    std::optional<RunConfig> config(const QString &id) const;
    QList<LogSource> logSources(const RunEntry &run);
    void ensureFollowed(const QString &id);

    static QString runId(const QString &profile, const QString &runDir) { return remoteRunId(profile, runDir); }

signals:
    void connectionChanged(const QString &profile, corral::ConnectionState state, const QString &message);
    // Upload bytes of one file (`what`), then "sbatch"; the dialog adds them up.
    void submitProgress(const QString &id, const QString &what, qint64 done, qint64 total);
    void submitFinished(const QString &id, bool ok, const QString &message);
    void runChanged(const QString &id);
    void runFailed(const QString &id, const QString &summary, const QString &stderrTail);
    void message(const QString &text);

private:
    void onStatus(const QString &profile, const SlurmJobStatus &status);
    void followFiles(const QString &id);
    void reportFailure(const RunEntry &entry);
    void update(const RunEntry &entry);
    std::optional<RunEntry> entry(const QString &id) const;

    RunListModel &m_runs;
    SeriesStore &m_series;
    const RunServices &m_services;
    QHash<QString, ClusterSession *> m_sessions;   // by profile name; children of this
    QHash<QString, QString> m_runOfJob;            // "profile\njob id" → run id
    QHash<QString, QString> m_configYaml;          // run id → the run.yaml it was submitted with
    QHash<QString, QString> m_submittingOn;        // profile → run id being uploaded
    QHash<QString, QString> m_failureMessage;      // run id → the trainer's "failed" event message
    RemoteRunTailer *tailerFor(const QString &profile);
    void onMetrics(const QString &id, const QVector<MetricRecord> &records, bool restarted);
    void onEvents(const QString &id, const QVector<QJsonObject> &events, bool restarted);

    QHash<QString, RemoteRunTailer *> m_tailers;  // by profile; read through the sessions' connections
    QHash<QString, RunProgress> m_progress;        // run id → folded from its records
    QSet<QString> m_tailed;                        // runs whose files are followed, or were read to the end
    QSet<QString> m_unanswered;                    // profiles whose last poll round failed
};

}  // namespace corral
