#include "MainWindow.h"

#include "CheckpointBrowser.h"
#include "ConfigEditor.h"
#include "CurvesPanel.h"
#include "config/ConfigLoader.h"
#include "runs/FollowedRun.h"
#include "runs/LocalRun.h"
#include "runs/Paths.h"
#include "slurm/ClusterProfile.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QIdentityProxyModel>
#include <QKeySequence>
#include <QLabel>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>

namespace corral {

namespace {
// Colours the state column; colours are a view concern, so corral_core stays free of QtGui.
class RunStateColors : public QIdentityProxyModel {
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role == Qt::ForegroundRole && index.column() == RunListModel::State) {
            switch (static_cast<RunState>(QIdentityProxyModel::data(index, RunListModel::StateRole).toInt())) {
            case RunState::Running: return QBrush(QColor(0x1f, 0x6f, 0xd1));
            case RunState::Finished: return QBrush(QColor(0x1a, 0x7f, 0x37));
            case RunState::Failed: return QBrush(QColor(0xcf, 0x22, 0x2e));
            default: break;
            }
        }
        return QIdentityProxyModel::data(index, role);
    }
};
}  // namespace

MainWindow::MainWindow(QString trainerPath, QWidget *parent) : QMainWindow(parent), m_trainerPath(std::move(trainerPath))
{
    setWindowTitle(tr("Corral"));
    m_table = new QTableView(this);
    auto *colors = new RunStateColors(this);
    colors->setSourceModel(&m_runs);
    m_table->setModel(colors);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Several runs can be selected: their curves overlay; the config shows the current one.
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();

    m_form = new ConfigEditor(this);
    m_form->setProfile(ClusterProfile::local());  // runs start on the local profile
    m_curves = new CurvesPanel(m_series, this);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_form, tr("Config"));
    m_tabs->addTab(m_curves, tr("Curves"));
    m_checkpoints = new CheckpointBrowser(m_runs, m_series, m_trainerPath, this);
    m_tabs->addTab(m_checkpoints, tr("Checkpoints"));
    connect(m_checkpoints, &CheckpointBrowser::resumeRequested, this, &MainWindow::draftFromCheckpoint);

    auto *splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(m_table);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(1, 2);
    setCentralWidget(splitter);

    auto *toolbar = addToolBar(tr("Runs"));
    toolbar->setObjectName(QStringLiteral("runsToolbar"));
    m_newAction = toolbar->addAction(tr("New run…"), this, &MainWindow::newRunFromPreset);
    m_newAction->setShortcut(QKeySequence::New);
    m_openAction = toolbar->addAction(tr("Open run…"), this, &MainWindow::openRunFolderDialog);
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setToolTip(tr("Follow an existing run folder (metrics.jsonl, events.jsonl)"));
    m_startAction = toolbar->addAction(tr("Start"), this, [this]() { startSelected(); });
    m_startAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_stopAction = toolbar->addAction(tr("Stop"), this, &MainWindow::stopSelected);
    m_stopAction->setToolTip(tr("Stop at the next step, saving a checkpoint"));
    m_resumeAction = toolbar->addAction(tr("Resume"), this, [this]() { resumeSelected(); });
    m_resumeAction->setToolTip(tr("Continue from the newest checkpoint"));

    m_connection = new QLabel(this);
    statusBar()->addPermanentWidget(m_connection);
    m_connection->setText(m_trainerPath.isEmpty() ? tr("local: corral-train not found") : tr("local: ready"));

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    showRun(m_runs.runAt(current.row()).id);
                m_checkpoints->setCurrentRun(current.isValid() ? m_runs.runAt(current.row()).id : QString());
                updateActions();
            });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::updateCurves);
    connect(m_form, &ConfigEditor::configChanged, this, [this]() {
        const QString id = selectedId();
        if (!id.isEmpty() && m_runs.runAt(m_runs.rowOf(id)).state == RunState::Draft)
            m_configs[id] = m_form->config();
        updateActions();
    });

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry"))) {
        resize(1200, 700);
        splitter->setSizes({430, 770});
    }
    updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    if (auto *splitter = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        settings.setValue(QStringLiteral("window/splitter"), splitter->saveState());
    QMainWindow::closeEvent(event);
}

QString MainWindow::addDraft(const RunConfig &config, const QString &name)
{
    RunEntry entry;
    entry.id = newRunDirectory(name);
    entry.name = name;
    entry.maxSteps = config.train.max_steps;
    m_configs.insert(entry.id, config);
    const int row = m_runs.addRun(entry);
    m_table->selectRow(row);
    showRun(entry.id);
    return entry.id;
}

QString MainWindow::selectedId() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    return current.isValid() ? m_runs.runAt(current.row()).id : QString();
}

QStringList MainWindow::selectedIds() const
{
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());  // list order, not click order: a stable legend
    QStringList ids;
    for (const int row : rows)
        ids << m_runs.runAt(row).id;
    return ids;
}

void MainWindow::updateCurves()
{
    QList<ChartRun> runs;
    for (const QString &id : selectedIds())
        runs.append({id, m_runs.runAt(m_runs.rowOf(id)).name});
    m_curves->setRuns(runs);
}

void MainWindow::showCurvesOf(const QStringList &ids)
{
    QItemSelection selection;
    for (const QString &id : ids) {
        const int row = m_runs.rowOf(id);
        if (row >= 0)
            selection.select(m_table->model()->index(row, 0),
                             m_table->model()->index(row, RunListModel::ColumnCount - 1));
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!ids.isEmpty() && m_runs.rowOf(ids.first()) >= 0)
        m_table->selectionModel()->setCurrentIndex(m_table->model()->index(m_runs.rowOf(ids.first()), 0),
                                                   QItemSelectionModel::NoUpdate);
    m_tabs->setCurrentWidget(m_curves);
}

QString MainWindow::openRunFolder(const QString &dir)
{
    const QString id = QDir(dir).absolutePath();
    if (m_runs.rowOf(id) >= 0)
        return id;
    const QDir runDir(id);
    if (!runDir.exists(QStringLiteral("metrics.jsonl")) && !runDir.exists(QStringLiteral("events.jsonl"))) {
        statusBar()->showMessage(tr("Not a run folder (no metrics.jsonl or events.jsonl): %1").arg(id));
        return {};
    }
    RunEntry entry;
    entry.id = id;
    entry.name = QFileInfo(id).fileName();
    entry.state = RunState::Running;
    entry.started = QFileInfo(runDir.filePath(QStringLiteral("config.yaml"))).lastModified();
    const ConfigReport report = loadConfigFile(runDir.filePath(QStringLiteral("config.yaml")).toStdString());
    if (report.ok()) {
        m_configs.insert(id, report.config);
        entry.maxSteps = report.config.train.max_steps;
    }
    m_runs.addRun(entry);

    auto *followed = new FollowedRun(id, this);
    m_followed.insert(id, followed);
    connect(followed, &FollowedRun::metricsArrived, this,
            [this, id](const QVector<MetricRecord> &records, bool restarted) { onMetrics(id, records, restarted); });
    connect(followed, &FollowedRun::eventsArrived, this,
            [this, id](const QVector<QJsonObject> &events) { m_series.appendEvents(id, events); });
    connect(followed, &FollowedRun::progressChanged, this, [this, id, followed]() {
        const int row = m_runs.rowOf(id);
        if (row < 0 || m_active.contains(id))
            return;
        RunEntry e = m_runs.runAt(row);
        e.step = followed->progress().step;
        e.maxSteps = std::max(e.maxSteps, followed->progress().maxSteps);
        e.bestValLoss = followed->progress().bestValLoss;
        e.state = followed->state();
        m_runs.updateRun(e);
        updateActions();
    });
    followed->start();
    return id;
}

void MainWindow::openRunFolderDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open run folder"), runsRoot());
    if (dir.isEmpty())
        return;
    const QString id = openRunFolder(dir);
    if (!id.isEmpty())
        showCurvesOf({id});
}

void MainWindow::showRun(const QString &id)
{
    const int row = m_runs.rowOf(id);
    if (row < 0)
        return;
    m_form->setConfig(m_configs.value(id));
    m_form->setEditable(m_runs.runAt(row).state == RunState::Draft);
}

void MainWindow::updateActions()
{
    const QString id = selectedId();
    const int row = m_runs.rowOf(id);
    const bool draft = row >= 0 && m_runs.runAt(row).state == RunState::Draft;
    m_startAction->setEnabled(draft && m_form->isValid() && !m_trainerPath.isEmpty());
    m_startAction->setToolTip(draft && !m_form->isValid() ? m_form->problems() : tr("Start the run on the local profile"));
    m_stopAction->setEnabled(m_active.contains(id));
    const RunState state = row >= 0 ? m_runs.runAt(row).state : RunState::Draft;
    m_resumeAction->setEnabled(!m_active.contains(id) && (state == RunState::Stopped || state == RunState::Failed));
}

bool MainWindow::startSelected()
{
    const QString id = selectedId();
    const int row = m_runs.rowOf(id);
    if (row < 0 || m_runs.runAt(row).state != RunState::Draft)
        return false;
    if (!m_form->isValid()) {
        statusBar()->showMessage(tr("Not started: %1").arg(m_form->problems()));
        return false;
    }
    return launch(id, /*resume=*/false);
}

bool MainWindow::resumeSelected()
{
    const QString id = selectedId();
    const int row = m_runs.rowOf(id);
    if (row < 0 || m_active.contains(id)
        || (m_runs.runAt(row).state != RunState::Stopped && m_runs.runAt(row).state != RunState::Failed))
        return false;
    return launch(id, /*resume=*/true);
}

void MainWindow::stopSelected()
{
    if (LocalRun *run = m_active.value(selectedId())) {
        run->stop();
        statusBar()->showMessage(tr("Stopping at the next step…"));
    }
}

bool MainWindow::launch(const QString &id, bool resume)
{
    const int row = m_runs.rowOf(id);
    // The run's own watcher reads its files again from the start: drop what was shown, and
    // stop following a folder that was only opened.
    if (FollowedRun *followed = m_followed.take(id))
        followed->deleteLater();
    m_series.resetRun(id);
    auto *run = new LocalRun(m_configs.value(id), id, m_trainerPath, this);
    run->setResumeFrom(m_resumeFrom.take(id));
    connect(run, &LocalRun::metricsArrived, this,
            [this, id](const QVector<MetricRecord> &records, bool restarted) { onMetrics(id, records, restarted); });
    connect(run, &LocalRun::eventsArrived, this,
            [this, id](const QVector<QJsonObject> &events) { m_series.appendEvents(id, events); });
    connect(run, &LocalRun::progressChanged, this, [this, id, run]() {
        RunEntry entry = m_runs.runAt(m_runs.rowOf(id));
        entry.step = run->progress().step;
        entry.bestValLoss = run->progress().bestValLoss;
        m_runs.updateRun(entry);
    });
    connect(run, &LocalRun::finished, this, [this, id](bool ok, const QString &message) { onFinished(id, ok, message); });
    QString error;
    if (!run->start(&error, resume)) {
        delete run;
        statusBar()->showMessage(tr("Not started: %1").arg(error));
        return false;
    }
    m_active.insert(id, run);
    RunEntry entry = m_runs.runAt(row);
    entry.state = RunState::Running;
    if (!resume)
        entry.started = QDateTime::currentDateTime();
    m_runs.updateRun(entry);
    m_form->setEditable(false);
    m_tabs->setCurrentWidget(m_curves);
    statusBar()->showMessage(tr("Started %1 in %2").arg(entry.name, id), 5000);
    updateActions();
    return true;
}

void MainWindow::onMetrics(const QString &id, const QVector<MetricRecord> &records, bool restarted)
{
    m_series.appendMetrics(id, records, restarted);  // the curves panel hears of it and redraws, coalesced
}

void MainWindow::onFinished(const QString &id, bool ok, const QString &message)
{
    bool stopped = false;
    if (LocalRun *run = m_active.take(id)) {
        stopped = run->wasStopped();
        run->deleteLater();
    }
    const int row = m_runs.rowOf(id);
    if (row >= 0) {
        RunEntry entry = m_runs.runAt(row);
        entry.state = stopped ? RunState::Stopped : ok ? RunState::Finished : RunState::Failed;
        m_runs.updateRun(entry);
    }
    statusBar()->showMessage(stopped ? tr("Run stopped with a checkpoint: %1").arg(id)
                             : ok    ? tr("Run finished: %1").arg(id)
                                     : tr("Run failed: %1").arg(message));
    updateActions();
}

QString MainWindow::draftFromCheckpoint(const QString &sourceId, const QString &checkpointDir)
{
    const int row = m_runs.rowOf(sourceId);
    if (row < 0 || m_runs.runAt(row).profile != QLatin1StringView("local") || !m_configs.contains(sourceId)) {
        statusBar()->showMessage(tr("Cannot start a run here from %1: not a local run with a readable config").arg(checkpointDir));
        return {};
    }
    const QString id = addDraft(m_configs.value(sourceId), m_runs.runAt(row).name + QStringLiteral("-from-")
                                                               + QFileInfo(checkpointDir).fileName());
    m_resumeFrom.insert(id, checkpointDir);
    m_tabs->setCurrentWidget(m_form);
    statusBar()->showMessage(tr("Start runs this config from %1").arg(checkpointDir));
    return id;
}

void MainWindow::newRunFromPreset()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("New run from config"),
                                                      QDir(resourcesDir()).filePath(QStringLiteral("presets")),
                                                      tr("Run configs (*.yaml *.yml *.json)"));
    if (file.isEmpty())
        return;
    const ConfigReport report = loadConfigFile(file.toStdString());
    if (!report.ok()) {
        QMessageBox::warning(this, tr("Config has problems"), QString::fromStdString(report.summary()));
        return;
    }
    addDraft(report.config, QFileInfo(file).completeBaseName());
}

}  // namespace corral
