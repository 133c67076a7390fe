#pragma once
// One run's checkpoints as a table: step, tokens, val loss, perplexity, train loss at that
// step, time saved, size on disk, and a mark for the best and the chosen one. Sorts itself by
// any column, numerically (CheckpointText's rule). A thin adapter over a CheckpointIndex.
#include "checkpoints/CheckpointIndex.h"

#include "checkpoints/SortableTableModel.h"

namespace corral {

class CheckpointTableModel : public SortableTableModel {
    Q_OBJECT
public:
    enum Column { Step, Tokens, ValLoss, Perplexity, TrainLoss, Time, Size, Mark, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1,  // the number (or text) the column sorts by
        StepRole,                     // the checkpoint's step (qint64)
        PathRole,                     // its folder
        BestRole,
        ChosenRole,
        ProblemRole,  // what is wrong with it; empty when nothing
    };

    using SortableTableModel::SortableTableModel;

    void setIndex(const CheckpointIndex &checkpoints);
    const CheckpointIndex &checkpointIndex() const { return m_index; }
    const CheckpointInfo &checkpointAt(int row) const { return m_index.checkpoints.at(m_rows.at(row)); }
    int rowOfStep(qint64 step) const;  // -1 when absent

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    static QString markText(const CheckpointInfo &info);  // "best", "chosen", "best, chosen"

private:
    QVariant sortKey(const CheckpointInfo &info, int column) const;

    CheckpointIndex m_index;
    QVector<int> m_rows;  // display row → position in m_index.checkpoints
    int m_sortColumn = Step;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};

}  // namespace corral
