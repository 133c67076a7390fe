#pragma once
// The run list: a table over RunListModel with the state column coloured (a view concern, so
// corral_core stays free of QtGui) and the step column drawn as a progress bar.
#include "runs/RunListModel.h"

#include <QColor>
#include <QIdentityProxyModel>
#include <QTableView>

namespace corral {

// The colour of a state in the run list: blue running, green completed, red failed, …
QColor runStateColor(RunState state);

class RunStateColors : public QIdentityProxyModel {
    Q_OBJECT
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    QVariant data(const QModelIndex &index, int role) const override;
};

class RunTableView : public QTableView {
    Q_OBJECT
public:
    explicit RunTableView(RunListModel &runs, QWidget *parent = nullptr);

    QString currentRunId() const;
    QStringList selectedRunIds() const;  // in list order
    void selectRun(const QString &id);   // makes it current and the only one selected

private:
    RunListModel &m_runs;
};

}  // namespace corral
