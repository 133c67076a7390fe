#pragma once
// Two or more checkpoints side by side, from one run or several: their figures, then every
// key of their adapter_config.json, of their runs' config.yaml and of their trainer_state.json,
// each row marked when the values differ, so "what is different about the better one" reads
// at a glance (or alone, with onlyDifferences).
#include "checkpoints/CheckpointIndex.h"

#include <QAbstractTableModel>

namespace corral {

struct ComparedCheckpoint {
    QString runName;
    CheckpointInfo info;
    QMap<QString, QString> runConfig;  // CheckpointIndex::runConfig of its run
};

struct ComparisonRow {
    QString section;  // "checkpoint", "adapter_config.json", "config.yaml", "trainer_state.json"
    QString field;    // "val loss", "r", "lora.rank", "sampler.offset"
    QStringList values;  // one per checkpoint; empty where a checkpoint lacks the key
    bool differs = false;
};

QVector<ComparisonRow> compareCheckpoints(const QVector<ComparedCheckpoint> &checkpoints);

class CheckpointComparisonModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Section, Field, FirstValue };
    static constexpr int DiffersRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;

    void setCheckpoints(const QVector<ComparedCheckpoint> &checkpoints);
    void setOnlyDifferences(bool only);
    bool onlyDifferences() const { return m_onlyDifferences; }
    // The row of `field` in `section` as shown now; -1 when hidden or absent.
    int rowOf(const QString &section, const QString &field) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();

    QVector<ComparedCheckpoint> m_checkpoints;
    QVector<ComparisonRow> m_all;
    QVector<ComparisonRow> m_shown;
    bool m_onlyDifferences = false;
};

}  // namespace corral
