#pragma once
// The main window only builds the layout and wires signals: the run list on the left,
// the current run's config and the selected runs' curves (overlaid) on the right,
// New/Open/Start/Stop/Resume in the toolbar.
#include "config/RunConfig.h"
#include "metrics/MetricRecord.h"
#include "metrics/SeriesStore.h"
#include "runs/RunListModel.h"

#include <QHash>
#include <QMainWindow>

class QAction;
class QLabel;
class QTableView;
class QTabWidget;

namespace corral {

class CheckpointBrowser;
class ConfigEditor;
class CurvesPanel;
class FollowedRun;
class LocalRun;

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
    // Adds an existing run folder to the list and follows its files live; returns its id,
    // or an empty string (with the reason in the status bar) when it holds no run.
    QString openRunFolder(const QString &dir);
    // Selects these runs in the list (their curves overlay) and shows the Curves tab.
    void showCurvesOf(const QStringList &ids);

    // A new draft with the config of `sourceId` that, when started, continues from this checkpoint
    // (the Checkpoints tab's "Resume from here"); returns its id, empty when it cannot.
    QString draftFromCheckpoint(const QString &sourceId, const QString &checkpointDir);

    CurvesPanel *curves() const { return m_curves; }
    CheckpointBrowser *checkpoints() const { return m_checkpoints; }
    RunListModel *runModel() { return &m_runs; }
    const SeriesStore &series() const { return m_series; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QString selectedId() const;
    QStringList selectedIds() const;
    void showRun(const QString &id);
    void updateCurves();
    void openRunFolderDialog();
    void updateActions();
    void onMetrics(const QString &id, const QVector<MetricRecord> &records, bool restarted);
    void onFinished(const QString &id, bool ok, const QString &message);
    void newRunFromPreset();
    bool launch(const QString &id, bool resume);

    QString m_trainerPath;
    RunListModel m_runs;
    QHash<QString, RunConfig> m_configs;
    SeriesStore m_series;
    QHash<QString, LocalRun *> m_active;
    QHash<QString, FollowedRun *> m_followed;
    QTableView *m_table = nullptr;
    QTabWidget *m_tabs = nullptr;
    ConfigEditor *m_form = nullptr;
    CurvesPanel *m_curves = nullptr;
    CheckpointBrowser *m_checkpoints = nullptr;
    QHash<QString, QString> m_resumeFrom;  // draft id → checkpoint its first start continues from
    QLabel *m_connection = nullptr;
    QAction *m_newAction = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_startAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_resumeAction = nullptr;
};

}  // namespace corral
