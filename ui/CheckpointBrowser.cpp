#include "CheckpointBrowser.h"

#include "CheckpointCompareDialog.h"
#include "checkpoints/AdapterDownload.h"
#include "checkpoints/CheckpointExport.h"
#include "metrics/SeriesStore.h"
#include "runs/RunListModel.h"

#include <QDir>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace corral {

namespace {
QTableView *makeTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table->setSortingEnabled(true);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->setWordWrap(false);
    return table;
}

int checkpointEvents(const RunSeries *series)
{
    int n = 0;
    if (series) {
        for (const RunEvent &e : series->events())
            n += e.kind == RunEvent::Kind::Checkpoint || e.kind == RunEvent::Kind::Finished ? 1 : 0;
    }
    return n;
}
}  // namespace

CheckpointBrowser::CheckpointBrowser(const RunListModel &runs, const SeriesStore &series, QString trainerPath,
                                     QWidget *parent)
    : QWidget(parent), m_runs(runs), m_series(series), m_trainerPath(std::move(trainerPath))
{
    m_title = new QLabel(this);
    m_problems = new QLabel(this);
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("color: #b35900"));
    m_problems->hide();
    m_table = makeTable(&m_model, this);
    m_table->sortByColumn(CheckpointTableModel::Step, Qt::AscendingOrder);

    m_compare = new QPushButton(tr("Compare…"), this);
    m_compare->setToolTip(tr("Two or more selected checkpoints side by side: figures, adapter and config differences"));
    m_choose = new QPushButton(tr("Mark as chosen"), this);
    m_choose->setToolTip(tr("Record this checkpoint as the run's chosen one (RUN_DIR/checkpoints/chosen)"));
    m_downloadButton = new QPushButton(tr("Download adapter…"), this);
    m_downloadButton->setToolTip(tr("Copy the adapter of a cluster run's checkpoint here (resumable)"));
    m_resume = new QPushButton(tr("Resume from here"), this);
    m_resume->setToolTip(tr("Start a new run that continues from this checkpoint"));
    m_exportButton = new QPushButton(tr("Export merged…"), this);
    m_exportButton->setToolTip(tr("corral-train export --merge: a Hugging Face model with the adapter folded in"));
    auto *refreshButton = new QPushButton(tr("Refresh"), this);

    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(220);
    m_progress->hide();
    m_status = new QLabel(this);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *actions = new QHBoxLayout;
    for (QPushButton *b : {m_compare, m_choose, m_downloadButton, m_resume, m_exportButton})
        actions->addWidget(b);
    actions->addStretch();
    actions->addWidget(refreshButton);
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_progress);
    statusRow->addWidget(m_status, 1);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_title);
    topLayout->addWidget(m_problems);
    topLayout->addWidget(m_table);
    topLayout->addLayout(actions);
    topLayout->addLayout(statusRow);

    auto *bottom = new QGroupBox(tr("Best checkpoint of each run"), this);
    m_bestTable = makeTable(&m_best, bottom);
    m_bestTable->sortByColumn(BestCheckpointsModel::ValLoss, Qt::AscendingOrder);  // the best model first
    m_compareRuns = new QPushButton(tr("Compare runs…"), bottom);
    m_compareRuns->setToolTip(tr("The best checkpoints of the selected runs side by side"));
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->addWidget(m_bestTable);
    auto *bottomActions = new QHBoxLayout;
    bottomActions->addStretch();
    bottomActions->addWidget(m_compareRuns);
    bottomLayout->addLayout(bottomActions);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(top);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_compare, &QPushButton::clicked, this, [this] {
        if (auto *dialog = compareSelected())
            dialog->show();
    });
    connect(m_compareRuns, &QPushButton::clicked, this, [this] {
        if (auto *dialog = compareSelectedRuns())
            dialog->show();
    });
    connect(m_choose, &QPushButton::clicked, this, &CheckpointBrowser::markSelectedChosen);
    connect(m_resume, &QPushButton::clicked, this, &CheckpointBrowser::resumeFromSelected);
    connect(m_downloadButton, &QPushButton::clicked, this, &CheckpointBrowser::askDownload);
    connect(m_exportButton, &QPushButton::clicked, this, &CheckpointBrowser::askExport);
    connect(refreshButton, &QPushButton::clicked, this, &CheckpointBrowser::refresh);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &CheckpointBrowser::updateActions);
    connect(m_bestTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &CheckpointBrowser::updateActions);

    connect(&m_loader, &CheckpointLoader::loaded, this, &CheckpointBrowser::onLoaded);
    connect(&m_loader, &CheckpointLoader::failed, this, [this](const QString &runId, const QString &message) {
        if (runId == m_current)
            setStatus(message);
    });
    connect(&m_loader, &CheckpointLoader::chosenSaved, this, [this](const QString &runId, qint64 step) {
        finishAction(true, tr("step %1 is the chosen checkpoint of %2").arg(step).arg(runOf(runId).name));
        load(runId);
    });
    // Metrics arrive continuously: joins are redone at most every half second, and a new
    // checkpoint event means a new folder to read.
    m_rejoin.setSingleShot(true);
    m_rejoin.setInterval(500);
    connect(&m_rejoin, &QTimer::timeout, this, [this] {
        const QSet<QString> stale = std::exchange(m_stale, {});
        for (const QString &id : stale)
            rebuild(id);
    });
    connect(&m_series, &SeriesStore::runChanged, this, &CheckpointBrowser::onSeriesChanged);
    connect(&m_runs, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) {
        for (int row = first; row <= last; ++row)
            load(m_runs.runAt(row).id);
    });
    for (int row = 0; row < m_runs.rowCount(); ++row)
        load(m_runs.runAt(row).id);
    setCurrentRun(QString());
}

CheckpointBrowser::~CheckpointBrowser() = default;

void CheckpointBrowser::setConnectionProvider(CheckpointLoader::ConnectionProvider provider)
{
    m_loader.setConnectionProvider(std::move(provider));
}

CheckpointRun CheckpointBrowser::runOf(const QString &runId) const
{
    const int row = m_runs.rowOf(runId);
    if (row < 0)
        return {};
    const RunEntry &entry = m_runs.runAt(row);
    return {entry.id, entry.name, entry.runDir.isEmpty() ? entry.id : entry.runDir, entry.profile};
}

const CheckpointIndex *CheckpointBrowser::indexOf(const QString &runId) const
{
    const auto it = m_indexes.constFind(runId);
    return it == m_indexes.constEnd() ? nullptr : &it.value();
}

void CheckpointBrowser::load(const QString &runId)
{
    const CheckpointRun run = runOf(runId);
    if (run.id.isEmpty() || m_runs.runAt(m_runs.rowOf(runId)).state == RunState::Draft)
        return;  // a draft has no folder yet
    m_checkpointEvents[runId] = checkpointEvents(m_series.run(runId));
    m_loader.load(run);
}

void CheckpointBrowser::onLoaded(const QString &runId, const RunCheckpointFiles &files)
{
    if (m_runs.rowOf(runId) < 0)
        return;  // removed meanwhile
    m_files.insert(runId, files);
    rebuild(runId);
}

void CheckpointBrowser::rebuild(const QString &runId)
{
    const auto files = m_files.constFind(runId);
    if (files == m_files.constEnd())
        return;
    CheckpointIndex index = buildCheckpointIndex(files.value(), m_series.run(runId));
    if (const auto known = m_indexes.constFind(runId); known != m_indexes.constEnd() && sameFigures(*known, index))
        return;  // new records, same figures: leave the table (and the person's scroll position) alone
    m_best.setRun(runId, runOf(runId).name, index);
    m_indexes.insert(runId, std::move(index));
    if (runId == m_current)
        showIndex();
    emit indexUpdated(runId);
}

void CheckpointBrowser::onSeriesChanged(const QString &runId)
{
    // A checkpoint was saved (or the run finished) since the folder was read: read it again.
    // This also brings in a run that had no folder when it was added (a draft since started).
    if (checkpointEvents(m_series.run(runId)) > m_checkpointEvents.value(runId, 0)) {
        load(runId);
        return;
    }
    if (!m_files.contains(runId))
        return;
    m_stale.insert(runId);
    if (!m_rejoin.isActive())
        m_rejoin.start();
}

void CheckpointBrowser::setCurrentRun(const QString &runId)
{
    m_current = runId;
    m_model.setIndex({});
    if (runId.isEmpty() || m_runs.rowOf(runId) < 0) {
        m_title->setText(tr("Select a run to see its checkpoints."));
        m_problems->hide();
        updateActions();
        return;
    }
    const CheckpointRun run = runOf(runId);
    m_title->setText(tr("Checkpoints of <b>%1</b> <span style='color:#6a737d'>%2%3</span>")
                         .arg(run.name.toHtmlEscaped(), run.isRemote() ? run.profile + QLatin1Char(':') : QString(),
                              run.runDir.toHtmlEscaped()));
    if (m_indexes.contains(runId))
        showIndex();
    load(runId);
    updateActions();
}

void CheckpointBrowser::refresh()
{
    if (!m_current.isEmpty())
        load(m_current);
}

void CheckpointBrowser::showIndex()
{
    const QList<qint64> selected = selectedSteps();
    const CheckpointIndex &index = m_indexes[m_current];
    m_model.setIndex(index);
    selectSteps(selected);
    if (index.problems.isEmpty()) {
        m_problems->hide();
    } else {
        QStringList shown = index.problems.mid(0, 3);
        if (index.problems.size() > 3)
            shown << tr("… and %n more (see the tooltips)", nullptr, int(index.problems.size() - 3));
        m_problems->setText(shown.join(QLatin1Char('\n')));
        m_problems->setToolTip(index.problems.join(QLatin1Char('\n')));
        m_problems->show();
    }
    if (index.checkpoints.isEmpty() && m_status->text().isEmpty())
        setStatus(tr("No checkpoints yet."));
    updateActions();
}

QList<qint64> CheckpointBrowser::selectedSteps() const
{
    QList<qint64> steps;
    for (const QModelIndex &row : m_table->selectionModel()->selectedRows())
        steps << m_model.checkpointAt(row.row()).step;
    std::sort(steps.begin(), steps.end());
    return steps;
}

void CheckpointBrowser::selectSteps(const QList<qint64> &steps)
{
    QItemSelection selection;
    for (const qint64 step : steps) {
        const int row = m_model.rowOfStep(step);
        if (row >= 0)
            selection.select(m_model.index(row, 0), m_model.index(row, CheckpointTableModel::ColumnCount - 1));
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

const CheckpointInfo *CheckpointBrowser::singleSelected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.size() == 1 ? &m_model.checkpointAt(rows.first().row()) : nullptr;
}

QString CheckpointBrowser::localCopyOf(const CheckpointRun &run, const CheckpointInfo &info) const
{
    if (!run.isRemote())
        return info.path;
    const QString copy = QDir(AdapterDownload::defaultLocalRunDir(run.profile, run.runDir))
                             .filePath(QStringLiteral("checkpoints/") + info.name);
    return QFileInfo::exists(QDir(copy).filePath(QStringLiteral("adapter_model.safetensors"))) ? copy : QString();
}

void CheckpointBrowser::updateActions()
{
    const CheckpointRun run = runOf(m_current);
    const CheckpointInfo *one = singleSelected();
    const bool busy = (m_download && m_download->isRunning()) || (m_export && m_export->isRunning());
    m_compare->setEnabled(m_table->selectionModel()->selectedRows().size() >= 2);
    m_choose->setEnabled(one && !one->chosen);
    m_downloadButton->setEnabled(one && run.isRemote() && !busy);
    m_downloadButton->setVisible(run.isRemote());
    // A new run continues where the checkpoint is: here, or on the run's cluster.
    m_resume->setEnabled(one && one->complete);
    m_resume->setToolTip(run.isRemote() ? tr("A new run on %1 that continues from this checkpoint (Submit copies it into "
                                             "the new run's folder there)")
                                                .arg(run.profile)
                                        : tr("Start a new run that continues from this checkpoint"));
    m_exportButton->setEnabled(one && !busy && !localCopyOf(run, *one).isEmpty());
    m_exportButton->setToolTip(one && run.isRemote() && localCopyOf(run, *one).isEmpty()
                                   ? tr("Download the adapter first: the merge runs on this machine")
                                   : tr("corral-train export --merge: a Hugging Face model with the adapter folded in"));
    m_compareRuns->setEnabled(m_bestTable->selectionModel()->selectedRows().size() >= 2);
}

QString CheckpointBrowser::statusText() const
{
    return m_status->text();
}

void CheckpointBrowser::setStatus(const QString &text, bool busy, qint64 done, qint64 total)
{
    m_status->setText(text);
    m_progress->setVisible(busy);
    if (busy) {
        if (total > 0) {
            m_progress->setRange(0, 1000);
            m_progress->setValue(int(1000.0 * double(done) / double(total)));
        } else {
            m_progress->setRange(0, 0);  // busy, amount unknown
        }
    }
}

void CheckpointBrowser::finishAction(bool ok, const QString &message)
{
    setStatus(message);
    m_status->setStyleSheet(ok ? QString() : QStringLiteral("color: #cf222e"));
    updateActions();
    emit actionFinished(ok, message);
}

}  // namespace corral
