#pragma once
// The runs the app shows and what can be done to them, without a widget in sight: the run list
// model, each run's config, the series its curves are drawn from, local runs (QProcess) and
// folders followed from disk, and — through ClusterRuns — runs on SLURM clusters. MainWindow
// turns toolbar actions into calls here and shows what the signals say; tests drive it directly.
#include "config/RunConfig.h"
#include "metrics/MetricRecord.h"
#include "metrics/SeriesStore.h"
#include "runs/FileTail.h"
#include "runs/RunListModel.h"

#include <QHash>
#include <QObject>

#include <memory>
#include <optional>

namespace corral {

class AuthPrompter;
class ClusterRuns;
class FollowedRun;
class LocalRun;
class ProfileStore;
class RunStore;
class SecretStore;

// What the app is built from; MainWindow and tests fill it. Every pointer may be null.
struct RunServices {
    QString trainerPath;               // corral-train for the local profile; empty: none found
    ProfileStore *profiles = nullptr;  // cluster profiles; null: only `local`
    RunStore *store = nullptr;         // cluster runs remembered across restarts
    AuthPrompter *prompter = nullptr;  // host key and login questions (the UI's dialogs)
    SecretStore *secrets = nullptr;    // secrets the person asked to remember (system keychain)
    int pollIntervalMs = 5000;         // SLURM state rounds
    int fileIntervalMs = 1000;         // log and metric file reads of cluster runs
};

// One stream of a run's output for the Logs tab.
struct LogSource {
    QString label;  // "stdout", "stderr"
    QString path;   // a local path, or a path on the cluster
    ChunkReader reader;
    bool live = false;  // its writer may still append: keep following
};

class RunController : public QObject {
    Q_OBJECT
public:
    explicit RunController(RunServices services, QObject *parent = nullptr);
    ~RunController() override;

    RunListModel &model() { return m_runs; }
    SeriesStore &series() { return m_series; }
    const SeriesStore &series() const { return m_series; }
    ClusterRuns &cluster() { return *m_cluster; }
    const RunServices &services() const { return m_services; }
    std::optional<RunEntry> run(const QString &id) const;

    // Lists the local run folders of earlier sessions and the cluster runs in the run store.
    void restoreRuns();
    QString addDraft(const RunConfig &config, const QString &name);  // returns its id
    QString duplicate(const QString &id);  // a new draft with the same config
    // A new draft with the config of run `id` whose first start continues from `checkpointDir`
    // (its step, adapter, optimizer and data position) in a folder of its own; empty with `error`
    // when it cannot. A local run's draft starts here (corral-train --resume CHECKPOINT); a
    // cluster run's is meant for its cluster, where Submit copies the checkpoint folder into the
    // new RUN_DIR before sbatch (RemoteRunPlan::startFrom).
    QString draftFromCheckpoint(const QString &id, const QString &checkpointDir, QString *error);
    struct StartingPoint {
        QString profile;     // where the checkpoint is: "local" or a cluster profile
        QString checkpoint;  // its folder there
    };
    // The checkpoint a draft's first start continues from, if it has one.
    std::optional<StartingPoint> startingPoint(const QString &id) const;
    // Why draft `id` cannot go to `profile`: a checkpoint is continued where it is, never carried
    // between machines. Empty when it can (Start and the Submit dialog both ask).
    QString startingPointProblem(const QString &id, const QString &profile) const;
    // Follows an existing run folder (metrics.jsonl/events.jsonl); empty id and `error` if it holds no run.
    QString openRunFolder(const QString &dir, QString *error);
    // The run's config: the draft's, the one it ran with (read when first asked), or nullopt.
    std::optional<RunConfig> config(const QString &id);
    void setDraftConfig(const QString &id, const RunConfig &config);
    // The profile a draft is meant for (where its paths are browsed and checked, the profile the
    // Submit dialog offers first, the run list's Profile column shows); empty until set. A
    // duplicate of a cluster run is meant for its cluster.
    QString draftProfile(const QString &id) const;
    void setDraftProfile(const QString &id, const QString &profile);
    // Starts reading the files of a listed run the app does not follow yet (curves on selection).
    void ensureFollowed(const QString &id);

    bool canCancel(const QString &id) const;
    bool canResume(const QString &id) const;
    // Starts a draft on the local profile; false with the reason when it cannot.
    bool startLocal(const QString &id, QString *error);
    // Continues from the newest checkpoint: a local run restarts with --resume auto, a cluster run
    // is submitted again (its job script passes --resume auto).
    bool resume(const QString &id, QString *error);
    // Local: stop at the next step boundary with a checkpoint. Cluster: scancel.
    void cancel(const QString &id);
    QList<LogSource> logSources(const QString &id);

signals:
    void runChanged(const QString &id);
    // A run ended in failure: what SLURM or the trainer said, and the end of its stderr.
    void runFailed(const QString &id, const QString &summary, const QString &stderrTail);
    void message(const QString &text);

private:
    void followFolder(const QString &id, bool trustFileState);
    void onLocalFinished(const QString &id, bool ok, const QString &message);
    // Malformed lines in a run's files: said on the status line, the run goes on.
    void reportProblems(const QString &id, const QStringList &problems);
    bool launch(const QString &id, bool resume, QString *error);
    void update(const RunEntry &entry);

    RunServices m_services;
    RunListModel m_runs;
    SeriesStore m_series;
    QHash<QString, RunConfig> m_configs;
    QHash<QString, StartingPoint> m_resumeFrom;  // draft id → the checkpoint its first start continues from
    QHash<QString, LocalRun *> m_active;
    QHash<QString, FollowedRun *> m_followed;
    std::unique_ptr<ClusterRuns> m_cluster;
};

// The last `bytes` of a local file as text ("" if it cannot be read): a failed run's stderr tail.
QString localFileTail(const QString &path, qint64 bytes);

}  // namespace corral
