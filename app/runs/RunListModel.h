#pragma once
// The run list the user sees: a thin table model over RunEntry values, local and cluster runs
// alike. States use SLURM's vocabulary (COMPLETED, CANCELLED, TIMEOUT…) for both, so a run
// reads the same wherever it ran; colours are the view's business (ui/RunStateColors).
#include "slurm/SlurmJobState.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QString>
#include <QVector>

#include <limits>
#include <optional>

namespace corral {

enum class RunState {
    Draft,       // not submitted; its config can be edited
    Running,
    Finished,    // shown as COMPLETED
    Failed,
    Stopped,     // stopped on request with a checkpoint (local), resumable
    Submitting,  // uploading and calling sbatch
    Pending,     // queued by SLURM (also after a requeue)
    Cancelled,
    Timeout,
    Unknown,     // SLURM no longer knows the job
};
QString runStateName(RunState state);  // "COMPLETED", "RUNNING", …
// Still going: a poller or a process is expected to report more.
bool isActiveRunState(RunState state);
// How a SLURM state shows in the run list (COMPLETING is running, NODE_FAIL a failure, …).
RunState runStateFromSlurm(SlurmJobState state);

struct RunEntry {
    QString id;  // unique: the local run folder, or "profile:remote RUN_DIR" for cluster runs
    QString name;
    QString profile = QStringLiteral("local");
    QString meantFor;  // a draft: the profile it is meant for, shown as its Profile; empty: not chosen
    RunState state = RunState::Draft;
    qint64 step = 0;
    qint64 maxSteps = 0;
    double bestValLoss = std::numeric_limits<double>::quiet_NaN();
    QDateTime submitted;  // when it was started or handed to sbatch
    QDateTime ended;      // when it reached a final state; invalid while going
    QString runDir;       // where its files are: local folder, or RUN_DIR on the cluster
    QString jobId;        // SLURM job id (cluster runs)
    QString reason;       // why it is pending or why it ended ("NonZeroExitCode", a failure message)
    std::optional<int> exitCode;

    bool isRemote() const { return profile != QLatin1StringView("local"); }
    // Where it runs, or for a draft where it is meant to.
    const QString &shownProfile() const
    {
        return state == RunState::Draft && !meantFor.isEmpty() ? meantFor : profile;
    }
};

class RunListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Profile, State, Progress, BestValLoss, Submitted, Duration, ColumnCount };
    static constexpr int StateRole = Qt::UserRole + 1;     // RunState as int; the view picks colours
    static constexpr int ProgressRole = Qt::UserRole + 2;  // fraction done 0..1, or -1 when unknown
    static constexpr int IdRole = Qt::UserRole + 3;

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    int addRun(const RunEntry &entry);  // returns its row
    void updateRun(const RunEntry &entry);  // by id; ignored when unknown
    // Gives a run a new id (a draft becomes a cluster run on submit); false if `to` is taken.
    bool changeId(const QString &from, const QString &to);
    int rowOf(const QString &id) const;  // -1 when unknown
    const RunEntry &runAt(int row) const { return m_runs.at(row); }
    // Re-announces the Duration of runs still going (the view calls it once a second).
    void refreshDurations();

    // The duration shown: submitted → ended, or → `now` while the run is going.
    static QString durationText(const RunEntry &run, const QDateTime &now);

private:
    QVector<RunEntry> m_runs;
};

}  // namespace corral
