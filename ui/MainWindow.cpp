#include "MainWindow.h"

#include "CheckpointBrowser.h"
#include "ConfigEditor.h"
#include "ConnectionStatusBar.h"
#include "CurvesPanel.h"
#include "DialogAuthPrompter.h"
#include "LogsPanel.h"
#include "RemotePathBrowser.h"  // ~MainWindow deletes the editor's cluster browser
#include "RunTableView.h"
#include "SubmitDialog.h"
#include "config/ConfigLoader.h"
#include "runs/ClusterRuns.h"
#include "runs/Paths.h"
#include "slurm/ClusterProfile.h"
#include "slurm/ClusterSession.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

namespace corral {

namespace {
RunServices localOnly(QString trainerPath)
{
    RunServices services;
    services.trainerPath = std::move(trainerPath);
    return services;
}
}  // namespace

MainWindow::MainWindow(QString trainerPath, QWidget *parent) : MainWindow(localOnly(std::move(trainerPath)), parent) {}

MainWindow::MainWindow(RunServices services, QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Corral"));
    m_prompter = new DialogAuthPrompter(this, this);
    services.prompter = m_prompter;
    m_controller = std::make_unique<RunController>(std::move(services));
    build();
    buildActions();
    m_controller->restoreRuns();
    restoreSettings();
    updateActions();
}

MainWindow::~MainWindow()
{
    // The panels read the controller's series and connections: they go first.
    delete takeCentralWidget();
    m_controller.reset();
}

void MainWindow::build()
{
    RunController &c = *m_controller;
    m_table = new RunTableView(c.model(), this);
    m_form = new ConfigEditor(this);
    m_curves = new CurvesPanel(c.series(), this);
    m_logs = new LogsPanel(this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("detailTabs"));
    m_tabs->addTab(m_form, tr("Config"));
    m_tabs->addTab(m_curves, tr("Curves"));
    m_tabs->addTab(m_logs, tr("Logs"));
    m_checkpoints = new CheckpointBrowser(c.model(), c.series(), c.services().trainerPath, this);
    m_checkpoints->setConnectionProvider([this](const QString &profile) -> SshConnection * {
        ClusterSession *session = m_controller->cluster().session(profile);
        return session ? &session->connection() : nullptr;
    });
    m_tabs->addTab(m_checkpoints, tr("Checkpoints"));
    connect(this, &MainWindow::currentRunChanged, m_checkpoints, &CheckpointBrowser::setCurrentRun);
    connect(m_checkpoints, &CheckpointBrowser::actionFinished, this,
            [this](bool, const QString &text) { statusBar()->showMessage(text, 10000); });
    connect(m_checkpoints, &CheckpointBrowser::resumeRequested, this, [this](const QString &id, const QString &dir) {
        QString error;
        const QString draft = m_controller->draftFromCheckpoint(id, dir, &error);
        if (draft.isEmpty())
            statusBar()->showMessage(tr("No new run from %1: %2").arg(dir, error));
        else
            selectRun(draft);
    });
    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("notice"));
    m_notice->setWordWrap(true);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notice->hide();

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_notice);
    detailLayout->addWidget(m_tabs, 1);
    m_splitter = new QSplitter(this);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(detail);
    m_splitter->setStretchFactor(1, 2);
    setCentralWidget(m_splitter);

    m_connections = new ConnectionStatusBar(this);
    statusBar()->addPermanentWidget(m_connections);
    m_connections->setLocal(!c.services().trainerPath.isEmpty(), c.services().trainerPath);
    syncProfiles();

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        showRun(current.isValid() ? m_controller->model().runAt(current.row()).id : QString());
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::updateCurves);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        refreshLogs();
        updateCurves();
    });
    connect(m_form, &ConfigEditor::configChanged, this, [this] {
        m_controller->setDraftConfig(selectedRunId(), m_form->config());
        setConfigValidity(m_form->isValid(), m_form->problems());
    });
    connect(m_form, &ConfigEditor::validityChanged, this, [this] { setConfigValidity(m_form->isValid(), m_form->problems()); });
    connect(m_form, &ConfigEditor::profileChosen, this, [this](const QString &profile) {
        m_controller->setDraftProfile(selectedRunId(), profile);
        useProfile(profile);
    });
    connect(&c, &RunController::runChanged, this, [this](const QString &id) {
        if (id == selectedRunId())
            refreshDetail();
        updateActions();
    });
    connect(&c, &RunController::runFailed, this, [this](const QString &id, const QString &summary, const QString &tail) {
        m_failures.insert(id, {summary, tail});
        if (id == selectedRunId())
            refreshDetail();
    });
    connect(&c, &RunController::message, this, [this](const QString &text) { statusBar()->showMessage(text, 10000); });
    connect(&c.cluster(), &ClusterRuns::connectionChanged, m_connections, &ConnectionStatusBar::setState);
    connect(m_connections, &ConnectionStatusBar::reconnectRequested, this, [this](const QString &profile) {
        if (ClusterSession *session = m_controller->cluster().session(profile))
            session->reconnect();
    });
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, &c.model(), &RunListModel::refreshDurations);
    m_clock.start();
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (!m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray()))
        m_splitter->setSizes({470, 730});
    m_table->horizontalHeader()->restoreState(settings.value(QStringLiteral("runs/header")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1200, 720);
    m_tabs->setCurrentIndex(settings.value(QStringLiteral("window/tab"), 0).toInt());
    const QString last = settings.value(QStringLiteral("runs/current")).toString();
    if (m_controller->model().rowOf(last) >= 0)
        selectRun(last);
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
    settings.setValue(QStringLiteral("runs/header"), m_table->horizontalHeader()->saveState());
    const QString current = selectedRunId();
    const auto run = m_controller->run(current);
    // A draft does not outlive the session; remember the run it came from instead of nothing.
    if (run && run->state != RunState::Draft)
        settings.setValue(QStringLiteral("runs/current"), current);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

QString MainWindow::addDraft(const RunConfig &config, const QString &name)
{
    const QString id = m_controller->addDraft(config, name);
    selectRun(id);
    return id;
}

QString MainWindow::selectedRunId() const
{
    return m_table->currentRunId();
}

void MainWindow::selectRun(const QString &id)
{
    m_table->selectRun(id);
    showRun(id);  // also when it was current already
}

void MainWindow::showRun(const QString &id)
{
    const bool changed = id != m_shownId;
    m_shownId = id;
    const auto run = m_controller->run(id);
    const auto config = run ? m_controller->config(id) : std::nullopt;
    if (changed || (run && run->state == RunState::Draft)) {
        // A draft is meant for a profile (the last one submitted to, until the person picks
        // another); a run that went out is on its own.
        QString profile = run ? run->profile : QStringLiteral("local");
        if (run && run->state == RunState::Draft) {
            profile = m_controller->draftProfile(id);
            if (profile.isEmpty()) {
                profile = lastSubmitProfile();
                m_controller->setDraftProfile(id, profile);
            }
        }
        useProfile(profile);
        m_form->setConfig(config.value_or(RunConfig{}));
        m_form->setEditable(run && run->state == RunState::Draft);
        m_configValid = m_form->isValid();
        m_configProblems = m_form->problems();
    }
    refreshDetail();
    updateActions();
    if (changed)
        emit currentRunChanged(id);
}

void MainWindow::setConfigValidity(bool valid, const QString &problems)
{
    m_configValid = valid;
    m_configProblems = valid ? QString() : problems;
    refreshDetail();
    updateActions();
}

QString MainWindow::noticeText() const
{
    return m_notice->isHidden() ? QString() : m_notice->text();
}

void MainWindow::refreshDetail()
{
    const QString id = selectedRunId();
    const auto run = m_controller->run(id);
    QString text;
    QString color;
    if (run && run->state == RunState::Draft && !m_configValid) {
        text = tr("The config has problems; Submit stays disabled until they are fixed:\n%1").arg(m_configProblems);
        color = QStringLiteral("#9a6700");
    } else if (run && (run->state == RunState::Failed || run->state == RunState::Timeout)) {
        const auto failure = m_failures.value(id, {runStateName(run->state) + QStringLiteral(": ") + run->reason, QString()});
        QStringList tail = failure.second.split(QLatin1Char('\n'));
        if (tail.size() > 12)
            tail = tail.mid(tail.size() - 12);
        text = failure.first;
        if (!failure.second.isEmpty())
            text += tr("\n— end of stderr —\n%1").arg(tail.join(QLatin1Char('\n')));
        color = QStringLiteral("#cf222e");
    }
    m_notice->setText(text);
    m_notice->setStyleSheet(QStringLiteral("QLabel { color: %1; border: 1px solid %1; border-radius: 3px; padding: 4px; }").arg(color));
    m_notice->setVisible(!text.isEmpty());
    refreshLogs();
}

void MainWindow::refreshLogs()
{
    // Read only while the Logs tab is shown: listing a cluster run must not open a connection.
    if (m_tabs->currentWidget() == m_logs)
        m_logs->setSources(m_controller->logSources(selectedRunId()));
}

void MainWindow::updateCurves()
{
    QList<ChartRun> runs;
    const bool curvesShown = m_tabs->currentWidget() == m_curves;
    for (const QString &id : m_table->selectedRunIds()) {
        if (curvesShown)
            m_controller->ensureFollowed(id);
        runs.append({id, m_controller->run(id)->name});
    }
    m_curves->setRuns(runs);
}

void MainWindow::showCurvesOf(const QStringList &ids)
{
    QItemSelection selection;
    QAbstractItemModel *model = m_table->model();
    for (const QString &id : ids) {
        const int row = m_controller->model().rowOf(id);
        if (row >= 0)
            selection.select(model->index(row, 0), model->index(row, RunListModel::ColumnCount - 1));
    }
    m_tabs->setCurrentWidget(m_curves);
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!ids.isEmpty() && m_controller->model().rowOf(ids.first()) >= 0)
        m_table->selectionModel()->setCurrentIndex(model->index(m_controller->model().rowOf(ids.first()), 0),
                                                   QItemSelectionModel::NoUpdate);
}

void MainWindow::updateActions()
{
    const QString id = selectedRunId();
    const auto run = m_controller->run(id);
    const bool draft = run && run->state == RunState::Draft;
    QAction *submit = m_actions.value(QStringLiteral("submit"));
    submit->setEnabled(draft && m_configValid);
    submit->setToolTip(draft && !m_configValid ? tr("The config has problems:\n%1").arg(m_configProblems)
                                               : tr("Review and submit the selected draft (Ctrl+Return)"));
    m_actions.value(QStringLiteral("cancel"))->setEnabled(m_controller->canCancel(id));
    m_actions.value(QStringLiteral("resume"))->setEnabled(m_controller->canResume(id));
    m_actions.value(QStringLiteral("duplicate"))->setEnabled(run && m_controller->config(id).has_value());
    m_actions.value(QStringLiteral("reveal"))->setEnabled(run && run->state != RunState::Draft);
}

bool MainWindow::startSelected()
{
    QString error;
    if (!m_configValid) {
        statusBar()->showMessage(tr("Not started: %1").arg(m_configProblems));
        return false;
    }
    if (!m_controller->startLocal(selectedRunId(), &error)) {
        statusBar()->showMessage(tr("Not started: %1").arg(error));
        return false;
    }
    m_tabs->setCurrentWidget(m_curves);
    return true;
}

SubmitDialog *MainWindow::submitSelected()
{
    const QString id = selectedRunId();
    if (!m_actions.value(QStringLiteral("submit"))->isEnabled())
        return nullptr;
    const QString meant = m_controller->draftProfile(id);
    auto *dialog = new SubmitDialog(*m_controller, id, meant.isEmpty() ? lastSubmitProfile() : meant, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SubmitDialog::submitted, this, [this](const QString &runId, const QString &profile) {
        QSettings().setValue(QStringLiteral("submit/profile"), profile);
        selectRun(runId);
        m_tabs->setCurrentWidget(profile == QLatin1StringView("local") ? static_cast<QWidget *>(m_curves) : m_logs);
    });
    dialog->open();
    return dialog;
}

QMessageBox *MainWindow::cancelSelected()
{
    const QString id = selectedRunId();
    const auto run = m_controller->run(id);
    if (!run || !m_controller->canCancel(id))
        return nullptr;
    auto *box = new QMessageBox(QMessageBox::Question, tr("Cancel run"),
                                run->isRemote() ? tr("Cancel %1 (job %2 on %3)? Its checkpoints stay; Resume continues from the newest.")
                                                      .arg(run->name, run->jobId, run->profile)
                                                : tr("Stop %1? It saves a checkpoint at the next step; Resume continues from it.").arg(run->name),
                                QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(QStringLiteral("cancelQuestion"));
    box->setDefaultButton(QMessageBox::No);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, id, box] {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            m_controller->cancel(id);
    });
    box->open();
    return box;
}

void MainWindow::stopSelected()
{
    m_controller->cancel(selectedRunId());
}

bool MainWindow::resumeSelected()
{
    QString error;
    if (!m_controller->resume(selectedRunId(), &error)) {
        statusBar()->showMessage(tr("Not resumed: %1").arg(error));
        return false;
    }
    m_failures.remove(selectedRunId());
    refreshDetail();
    return true;
}

QString MainWindow::duplicateSelected()
{
    const QString id = m_controller->duplicate(selectedRunId());
    if (!id.isEmpty()) {
        selectRun(id);
        m_tabs->setCurrentWidget(m_form);
    }
    return id;
}

QString MainWindow::openRunFolder(const QString &dir)
{
    QString error;
    const QString id = m_controller->openRunFolder(dir, &error);
    if (id.isEmpty())
        statusBar()->showMessage(error);
    return id;
}

}  // namespace corral
