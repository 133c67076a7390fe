#include "checkpoints/BestCheckpointsModel.h"

#include "checkpoints/CheckpointText.h"

#include <cmath>

namespace corral {

void BestCheckpointsModel::setRun(const QString &runId, const QString &runName, const CheckpointIndex &index)
{
    Row row;
    row.runId = runId;
    row.runName = runName;
    if (const CheckpointInfo *best = index.best())
        row.best = *best;
    row.chosenStep = index.chosenStep;
    row.checkpoints = int(index.checkpoints.size());
    row.problem = index.problems.join(QLatin1Char('\n'));
    const int at = rowOfRun(runId);
    if (at >= 0) {
        m_rows[at] = row;
        emit dataChanged(this->index(at, 0), this->index(at, ColumnCount - 1));
    } else {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
        m_rows.append(row);
        endInsertRows();
    }
    if (m_sortColumn >= 0)
        sort(m_sortColumn, m_sortOrder);
}

void BestCheckpointsModel::removeRun(const QString &runId)
{
    const int at = rowOfRun(runId);
    if (at < 0)
        return;
    beginRemoveRows({}, at, at);
    m_rows.removeAt(at);
    endRemoveRows();
}

int BestCheckpointsModel::rowOfRun(const QString &runId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).runId == runId)
            return i;
    }
    return -1;
}

int BestCheckpointsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int BestCheckpointsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BestCheckpointsModel::sortKey(const Row &row, int column)
{
    const bool hasBest = row.best.step >= 0;
    switch (column) {
    case Run: return row.runName;
    case BestStep: return hasBest ? QVariant(double(row.best.step)) : QVariant();
    case ValLoss: return row.best.valLoss;
    case Perplexity: return row.best.perplexity;
    case TrainLoss: return row.best.trainLoss;
    case Tokens: return row.best.tokens;
    case Chosen: return row.chosenStep >= 0 ? QVariant(double(row.chosenStep)) : QVariant();
    case Checkpoints: return double(row.checkpoints);
    default: return {};
    }
}

QVariant BestCheckpointsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const bool hasBest = row.best.step >= 0;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Run: return row.runName;
        case BestStep: return hasBest ? QString::number(row.best.step) : tr("none yet");
        case ValLoss: return formatLoss(row.best.valLoss);
        case Perplexity: return std::isfinite(row.best.perplexity) ? QString::number(row.best.perplexity, 'f', 3) : QString();
        case TrainLoss: return formatLoss(row.best.trainLoss);
        case Tokens: return formatCount(row.best.tokens);
        case Chosen: return row.chosenStep >= 0 ? QString::number(row.chosenStep) : QString();
        case Checkpoints: return QString::number(row.checkpoints);
        default: return {};
        }
    case Qt::ToolTipRole: return hasBest ? row.best.path + (row.problem.isEmpty() ? QString() : QLatin1Char('\n') + row.problem)
                                         : row.problem;
    case Qt::TextAlignmentRole:
        return index.column() == Run ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                     : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case SortRole: return sortKey(row, index.column());
    case RunIdRole: return row.runId;
    case StepRole: return row.best.step;
    case PathRole: return row.best.path;
    default: return {};
    }
}

QVariant BestCheckpointsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Run: return tr("Run");
    case BestStep: return tr("Best step");
    case ValLoss: return tr("Val loss");
    case Perplexity: return tr("Perplexity");
    case TrainLoss: return tr("Train loss");
    case Tokens: return tr("Tokens");
    case Chosen: return tr("Chosen");
    case Checkpoints: return tr("Checkpoints");
    default: return {};
    }
}

void BestCheckpointsModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    sortRows(m_rows, [column](const Row &row) { return sortKey(row, column); }, order);
}

}  // namespace corral
