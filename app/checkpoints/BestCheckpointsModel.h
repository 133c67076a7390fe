#pragma once
// Model selection across runs: one row per run with its best checkpoint (step, val loss,
// perplexity, train loss, tokens) and the checkpoint chosen in it, if any. Sortable by any
// column like CheckpointTableModel, so "lowest val loss of all runs" is one click.
#include "checkpoints/CheckpointIndex.h"

#include "checkpoints/SortableTableModel.h"

namespace corral {

class BestCheckpointsModel : public SortableTableModel {
    Q_OBJECT
public:
    enum Column { Run, BestStep, ValLoss, Perplexity, TrainLoss, Tokens, Chosen, Checkpoints, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1, RunIdRole, StepRole, PathRole };

    struct Row {
        QString runId;
        QString runName;
        CheckpointInfo best;  // step -1 when the run has no best checkpoint (yet)
        qint64 chosenStep = -1;
        int checkpoints = 0;
        QString problem;
    };

    using SortableTableModel::SortableTableModel;

    void setRun(const QString &runId, const QString &runName, const CheckpointIndex &index);
    void removeRun(const QString &runId);
    int rowOfRun(const QString &runId) const;
    const Row &rowAt(int row) const { return m_rows.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

private:
    static QVariant sortKey(const Row &row, int column);

    QVector<Row> m_rows;
    int m_sortColumn = -1;  // -1: the order runs were added in
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};

}  // namespace corral
