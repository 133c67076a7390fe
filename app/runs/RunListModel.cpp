#include "runs/RunListModel.h"

#include "runs/RunProgress.h"

#include <algorithm>
#include <cmath>

namespace corral {

QString runStateName(RunState state)
{
    switch (state) {
    case RunState::Draft: return QStringLiteral("DRAFT");
    case RunState::Finished: return QStringLiteral("COMPLETED");
    case RunState::Failed: return QStringLiteral("FAILED");
    case RunState::Stopped: return QStringLiteral("STOPPED");
    case RunState::Running: return QStringLiteral("RUNNING");
    case RunState::Submitting: return QStringLiteral("SUBMITTING");
    case RunState::Pending: return QStringLiteral("PENDING");
    case RunState::Cancelled: return QStringLiteral("CANCELLED");
    case RunState::Timeout: return QStringLiteral("TIMEOUT");
    case RunState::Unknown: return QStringLiteral("UNKNOWN");
    }
    return {};
}

bool isActiveRunState(RunState state)
{
    return state == RunState::Running || state == RunState::Submitting || state == RunState::Pending;
}

RunState runStateFromSlurm(SlurmJobState state)
{
    switch (state) {
    case SlurmJobState::Pending:
    case SlurmJobState::Requeued:
    case SlurmJobState::Preempted: return RunState::Pending;  // the job script requeues itself
    case SlurmJobState::Running:
    case SlurmJobState::Completing: return RunState::Running;
    case SlurmJobState::Completed: return RunState::Finished;
    case SlurmJobState::Failed:
    case SlurmJobState::NodeFail:
    case SlurmJobState::OutOfMemory: return RunState::Failed;
    case SlurmJobState::Cancelled: return RunState::Cancelled;
    case SlurmJobState::Timeout: return RunState::Timeout;
    case SlurmJobState::Unknown: return RunState::Unknown;
    }
    return RunState::Unknown;
}

int RunListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int RunListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RunListModel::durationText(const RunEntry &run, const QDateTime &now)
{
    if (!run.submitted.isValid() || run.state == RunState::Draft)
        return {};
    const QDateTime end = run.ended.isValid() ? run.ended : isActiveRunState(run.state) ? now : QDateTime();
    if (!end.isValid())
        return {};
    return formatDuration(static_cast<double>(run.submitted.secsTo(end)));
}

QVariant RunListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunEntry &run = m_runs.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name: return run.name;
        case Profile: return run.shownProfile();
        case State: return runStateName(run.state);
        case Progress: return run.maxSteps > 0 ? QStringLiteral("%1/%2").arg(run.step).arg(run.maxSteps) : QString();
        case BestValLoss: return std::isfinite(run.bestValLoss) ? QString::number(run.bestValLoss, 'f', 4) : QString();
        case Submitted: return run.submitted.isValid() ? run.submitted.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
        case Duration: return durationText(run, QDateTime::currentDateTimeUtc());
        default: return {};
        }
    }
    if (role == StateRole)
        return static_cast<int>(run.state);
    if (role == IdRole)
        return run.id;
    if (role == ProgressRole)
        return run.maxSteps > 0 ? std::clamp(static_cast<double>(run.step) / static_cast<double>(run.maxSteps), 0.0, 1.0)
                                : -1.0;
    if (role == Qt::ToolTipRole) {
        if (index.column() == State) {
            QStringList parts{runStateName(run.state)};
            if (!run.jobId.isEmpty())
                parts << QStringLiteral("job %1").arg(run.jobId);
            if (run.exitCode)
                parts << QStringLiteral("exit code %1").arg(*run.exitCode);
            if (!run.reason.isEmpty())
                parts << run.reason;
            return parts.join(QStringLiteral(" · "));
        }
        return run.runDir.isEmpty() ? run.id : run.runDir;
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Progress || index.column() == BestValLoss
                                          || index.column() == Duration))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Run");
    case Profile: return tr("Profile");
    case State: return tr("State");
    case Progress: return tr("Step");
    case BestValLoss: return tr("Best val loss");
    case Submitted: return tr("Submitted");
    case Duration: return tr("Duration");
    default: return {};
    }
}

int RunListModel::addRun(const RunEntry &entry)
{
    const int row = static_cast<int>(m_runs.size());
    beginInsertRows({}, row, row);
    m_runs.push_back(entry);
    endInsertRows();
    return row;
}

void RunListModel::updateRun(const RunEntry &entry)
{
    const int row = rowOf(entry.id);
    if (row < 0)
        return;
    m_runs[row] = entry;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

bool RunListModel::changeId(const QString &from, const QString &to)
{
    const int row = rowOf(from);
    if (row < 0 || (from != to && rowOf(to) >= 0))
        return false;
    m_runs[row].id = to;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    return true;
}

int RunListModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_runs.size(); ++i) {
        if (m_runs.at(i).id == id)
            return i;
    }
    return -1;
}

void RunListModel::refreshDurations()
{
    for (int row = 0; row < m_runs.size(); ++row) {
        if (isActiveRunState(m_runs.at(row).state))
            emit dataChanged(index(row, Duration), index(row, Duration), {Qt::DisplayRole});
    }
}

}  // namespace corral
