#pragma once
// The main window only builds the layout and wires signals: the run list on the left,
// the selected run's config and live curves on the right, Start/Stop in the toolbar.
#include "config/RunConfig.h"
#include "metrics/MetricRecord.h"
#include "runs/RunListModel.h"

#include <QHash>
#include <QMainWindow>

class QAction;
class QLabel;
class QTableView;
class QTabWidget;

namespace corral {

class ConfigForm;
class LocalRun;
class LossChart;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QString trainerPath, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Adds a draft run with this config and selects it; returns its id.
    QString addDraft(const RunConfig &config, const QString &name);
    // Starts the selected draft run; false (with the reason in the status bar) when it cannot.
    bool startSelected();
    // Continues the selected stopped or failed run from its newest checkpoint.
    bool resumeSelected();
    // Asks the selected running run to stop at its next step boundary, with a checkpoint.
    void stopSelected();

    LossChart *lossChart() const { return m_chart; }
    RunListModel *runModel() { return &m_runs; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QString selectedId() const;
    void showRun(const QString &id);
    void updateActions();
    void onMetrics(const QString &id, const QVector<MetricRecord> &records, bool restarted);
    void onFinished(const QString &id, bool ok, const QString &message);
    void newRunFromPreset();
    bool launch(const QString &id, bool resume);

    QString m_trainerPath;
    RunListModel m_runs;
    QHash<QString, RunConfig> m_configs;
    QHash<QString, QVector<MetricRecord>> m_history;
    QHash<QString, LocalRun *> m_active;
    QTableView *m_table = nullptr;
    QTabWidget *m_tabs = nullptr;
    ConfigForm *m_form = nullptr;
    LossChart *m_chart = nullptr;
    QLabel *m_connection = nullptr;
    QAction *m_newAction = nullptr;
    QAction *m_startAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_resumeAction = nullptr;
};

}  // namespace corral
