#pragma once
// The main window only builds the layout and wires signals: the run list on the left; on the
// right a notice line (config problems, why a run failed) over the tabs Config, Curves, Logs and
// Checkpoints of the current run (the curves overlay every selected run); toolbar and menus for New run,
// Duplicate, Submit, Cancel, Resume, Open run folder, Profiles; the connection state of each
// profile in the status bar. What runs do is RunController's business (corral_core).
#include "config/RunConfig.h"
#include "runs/RunController.h"

#include <QHash>
#include <QMainWindow>
#include <QTimer>

class QAction;
class QLabel;
class QMessageBox;
class QSplitter;
class QTabWidget;

namespace corral {

class CheckpointBrowser;
class ConfigEditor;
class ConnectionStatusBar;
class CurvesPanel;
class DialogAuthPrompter;
class LogsPanel;
class ProfilesDialog;
class RemotePathBrowser;
class RunTableView;
class SubmitDialog;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // The local profile only (no cluster profiles, no run store).
    explicit MainWindow(QString trainerPath, QWidget *parent = nullptr);
    // Everything in `services`; its prompter is this window's dialogs whatever it says.
    explicit MainWindow(RunServices services, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Adds a draft run with this config and selects it; returns its id.
    QString addDraft(const RunConfig &config, const QString &name);
    // Starts the selected draft on the local profile at once (`corral run`); false, with the
    // reason in the status bar, when it cannot.
    bool startSelected();
    // Continues the selected stopped, failed, cancelled or timed-out run from its newest checkpoint.
    bool resumeSelected();
    // Stops (local, with a checkpoint) or cancels (cluster) the selected run without asking.
    void stopSelected();
    // Adds an existing run folder to the list and follows its files live; returns its id,
    // or an empty string (with the reason in the status bar) when it holds no run.
    QString openRunFolder(const QString &dir);
    // Selects these runs in the list (their curves overlay) and shows the Curves tab.
    void showCurvesOf(const QStringList &ids);

    // What the toolbar does, without clicks: the Submit review dialog (shown window-modal, not
    // blocking; null when the selection cannot be submitted), the Cancel question (the cancel
    // happens on Yes), Duplicate, and the profiles dialog.
    SubmitDialog *submitSelected();
    QMessageBox *cancelSelected();
    QString duplicateSelected();
    ProfilesDialog *showProfiles();

    // The config editor's verdict on the current draft: Submit is enabled only while it is valid,
    // and `problems` is shown above the tabs. ConfigEditor drives it; another editor can too.
    void setConfigValidity(bool valid, const QString &problems);
    bool isConfigValid() const { return m_configValid; }
    QString noticeText() const;  // the line above the tabs ("" when hidden)

    QString selectedRunId() const;
    void selectRun(const QString &id);
    QAction *action(const QString &name) const;  // by object name: "submit", "cancel", …

    RunController &controller() { return *m_controller; }
    CurvesPanel *curves() const { return m_curves; }
    LogsPanel *logs() const { return m_logs; }
    CheckpointBrowser *checkpoints() const { return m_checkpoints; }
    RunTableView *runTable() const { return m_table; }
    QTabWidget *detailTabs() const { return m_tabs; }
    ConnectionStatusBar *connections() const { return m_connections; }
    DialogAuthPrompter *prompter() const { return m_prompter; }
    RunListModel *runModel() { return &m_controller->model(); }
    const SeriesStore &series() const { return m_controller->series(); }

signals:
    void currentRunChanged(const QString &id);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void build();
    void buildActions();
    void restoreSettings();
    void saveSettings() const;
    void showRun(const QString &id);
    void refreshDetail();
    void refreshLogs();
    void updateCurves();
    void updateActions();
    void newRunFromPreset();
    void openRunFolderDialog();
    void revealRunFolder();
    void showShortcuts();
    void syncProfiles();  // the status bar and the config editor list every cluster profile
    void useProfile(const QString &name);  // the config editor's estimate, path browser and checks
    QString lastSubmitProfile() const;
    QAction *addAction(const char *name, const QString &text, const QKeySequence &key, const QString &tip);

    DialogAuthPrompter *m_prompter = nullptr;
    std::unique_ptr<RunController> m_controller;
    QHash<QString, QPair<QString, QString>> m_failures;  // run id → (summary, stderr tail)
    QString m_shownId;
    bool m_configValid = true;
    QString m_configProblems;
    QTimer m_clock;  // the Duration column of running runs
    RunTableView *m_table = nullptr;
    QSplitter *m_splitter = nullptr;
    QLabel *m_notice = nullptr;
    QTabWidget *m_tabs = nullptr;
    ConfigEditor *m_form = nullptr;
    CurvesPanel *m_curves = nullptr;
    LogsPanel *m_logs = nullptr;
    CheckpointBrowser *m_checkpoints = nullptr;
    ConnectionStatusBar *m_connections = nullptr;
    std::unique_ptr<RemotePathBrowser> m_clusterBrowser;  // the editor's, while a cluster profile is shown
    QHash<QString, QAction *> m_actions;
};

}  // namespace corral
