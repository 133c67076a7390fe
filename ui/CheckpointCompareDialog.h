#pragma once
// Checkpoints side by side: a row per figure and per key of adapter_config.json, config.yaml
// and trainer_state.json, one column per checkpoint; rows whose values differ are tinted, and
// "Only differences" hides the rest. Non-modal, so it can stay open beside the browser.
#include "checkpoints/CheckpointComparison.h"

#include <QDialog>

class QCheckBox;
class QTableView;

namespace corral {

class CheckpointCompareDialog : public QDialog {
    Q_OBJECT
public:
    explicit CheckpointCompareDialog(const QVector<ComparedCheckpoint> &checkpoints, QWidget *parent = nullptr);

    CheckpointComparisonModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QCheckBox *onlyDifferences() const { return m_only; }

private:
    CheckpointComparisonModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QCheckBox *m_only = nullptr;
};

}  // namespace corral
