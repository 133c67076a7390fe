#pragma once
// The run list the user sees: a thin table model over RunEntry values.
#include <QAbstractTableModel>
#include <QDateTime>
#include <QString>
#include <QVector>

#include <limits>

namespace corral {

enum class RunState { Draft, Running, Finished, Failed, Stopped };
QString runStateName(RunState state);

struct RunEntry {
    QString id;  // the run folder, unique
    QString name;
    QString profile = QStringLiteral("local");
    RunState state = RunState::Draft;
    qint64 step = 0;
    qint64 maxSteps = 0;
    double bestValLoss = std::numeric_limits<double>::quiet_NaN();
    QDateTime started;
};

class RunListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Profile, State, Progress, BestValLoss, Started, ColumnCount };
    static constexpr int StateRole = Qt::UserRole + 1;  // RunState as int; the view picks colours

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    int addRun(const RunEntry &entry);  // returns its row
    void updateRun(const RunEntry &entry);  // by id; ignored when unknown
    int rowOf(const QString &id) const;  // -1 when unknown
    const RunEntry &runAt(int row) const { return m_runs.at(row); }

private:
    QVector<RunEntry> m_runs;
};

}  // namespace corral
