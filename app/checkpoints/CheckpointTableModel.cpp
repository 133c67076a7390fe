#include "checkpoints/CheckpointTableModel.h"

#include "checkpoints/CheckpointText.h"

#include <cmath>

namespace corral {

QString CheckpointTableModel::markText(const CheckpointInfo &info)
{
    QStringList marks;
    if (info.best)
        marks << tr("best");
    if (info.chosen)
        marks << tr("chosen");
    return marks.join(QStringLiteral(", "));
}

void CheckpointTableModel::setIndex(const CheckpointIndex &checkpoints)
{
    beginResetModel();
    m_index = checkpoints;
    m_rows.resize(m_index.checkpoints.size());
    for (int i = 0; i < m_rows.size(); ++i)
        m_rows[i] = i;
    const std::vector<int> order = sortedRows(
        int(m_rows.size()), [&](int row) { return sortKey(m_index.checkpoints.at(row), m_sortColumn); }, m_sortOrder);
    for (size_t i = 0; i < order.size(); ++i)
        m_rows[int(i)] = order[i];
    endResetModel();
}

int CheckpointTableModel::rowOfStep(qint64 step) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (checkpointAt(row).step == step)
            return row;
    }
    return -1;
}

int CheckpointTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CheckpointTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CheckpointTableModel::sortKey(const CheckpointInfo &info, int column) const
{
    switch (column) {
    case Step: return double(info.step);
    case Tokens: return info.tokens;
    case ValLoss: return info.valLoss;
    case Perplexity: return info.perplexity;
    case TrainLoss: return info.trainLoss;
    case Time: return info.time;
    case Size: return double(info.sizeBytes);
    case Mark: return double((info.chosen ? 2 : 0) + (info.best ? 1 : 0));
    default: return {};
    }
}

QVariant CheckpointTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CheckpointInfo &info = checkpointAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Step: return QString::number(info.step);
        case Tokens: return formatCount(info.tokens);
        case ValLoss:
            if (!std::isfinite(info.valLoss))
                return QString();
            // A val loss from an earlier evaluation (saves between evals) is marked as such.
            return info.valLossAtStep ? formatLoss(info.valLoss) : formatLoss(info.valLoss) + QStringLiteral(" *");
        case Perplexity: return std::isfinite(info.perplexity) ? QString::number(info.perplexity, 'f', 3) : QString();
        case TrainLoss: return formatLoss(info.trainLoss);
        case Time: return formatUnixTime(info.time);
        case Size: return formatBytes(info.sizeBytes);
        case Mark: return markText(info);
        default: return {};
        }
    case Qt::ToolTipRole: {
        QStringList lines{info.path};
        if (index.column() == ValLoss && std::isfinite(info.valLoss) && !info.valLossAtStep)
            lines << tr("* no evaluation at this step: the last one before it (trainer_state.json)");
        if (info.best && !m_index.bestReason.isEmpty())
            lines << tr("best: %1").arg(m_index.bestReason);
        if (!info.problem.isEmpty())
            lines << info.problem;
        return lines.join(QLatin1Char('\n'));
    }
    case Qt::TextAlignmentRole:
        return index.column() == Mark ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                      : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case SortRole: return sortKey(info, index.column());
    case StepRole: return info.step;
    case PathRole: return info.path;
    case BestRole: return info.best;
    case ChosenRole: return info.chosen;
    case ProblemRole: return info.problem;
    default: return {};
    }
}

QVariant CheckpointTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Step: return tr("Step");
    case Tokens: return tr("Tokens");
    case ValLoss: return tr("Val loss");
    case Perplexity: return tr("Perplexity");
    case TrainLoss: return tr("Train loss");
    case Time: return tr("Saved");
    case Size: return tr("Size");
    case Mark: return tr("Mark");
    default: return {};
    }
}

void CheckpointTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    // Ties in step order (the index's order), as a fresh table shows them.
    sortRows(m_rows, [this, column](int position) { return sortKey(m_index.checkpoints.at(position), column); }, order,
             [](int position) { return position; });
}

}  // namespace corral
