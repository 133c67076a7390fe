#include "runs/RunListModel.h"

#include <cmath>

namespace corral {

QString runStateName(RunState state)
{
    switch (state) {
    case RunState::Draft: return QStringLiteral("draft");
    case RunState::Running: return QStringLiteral("running");
    case RunState::Finished: return QStringLiteral("finished");
    case RunState::Failed: return QStringLiteral("failed");
    case RunState::Stopped: return QStringLiteral("stopped");
    }
    return {};
}

int RunListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int RunListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunEntry &run = m_runs.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name: return run.name;
        case Profile: return run.profile;
        case State: return runStateName(run.state);
        case Progress: return run.maxSteps > 0 ? QStringLiteral("%1/%2").arg(run.step).arg(run.maxSteps) : QString();
        case BestValLoss: return std::isfinite(run.bestValLoss) ? QString::number(run.bestValLoss, 'f', 4) : QString();
        case Started: return run.started.isValid() ? run.started.toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
        default: return {};
        }
    }
    if (role == StateRole)
        return static_cast<int>(run.state);
    if (role == Qt::ToolTipRole)
        return run.id;
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
    case Started: return tr("Started");
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

int RunListModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_runs.size(); ++i) {
        if (m_runs.at(i).id == id)
            return i;
    }
    return -1;
}

}  // namespace corral
