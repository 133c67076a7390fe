// CheckpointBrowser's actions: compare, mark as chosen, resume from, download, export — and
// the dialogs the buttons ask before the last two. The view and its wiring are in
// CheckpointBrowser.cpp.
#include "CheckpointBrowser.h"

#include "CheckpointCompareDialog.h"
#include "checkpoints/AdapterDownload.h"
#include "checkpoints/CheckpointExport.h"
#include "checkpoints/CheckpointText.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QLabel>
#include <QTableView>

namespace corral {

CheckpointCompareDialog *CheckpointBrowser::compareSelected()
{
    const QList<qint64> steps = selectedSteps();
    const CheckpointIndex *index = indexOf(m_current);
    if (steps.size() < 2 || !index)
        return nullptr;
    QVector<ComparedCheckpoint> compared;
    for (const qint64 step : steps)
        compared.append({runOf(m_current).name, *index->find(step), index->runConfig});
    auto *dialog = new CheckpointCompareDialog(compared, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    return dialog;
}

CheckpointCompareDialog *CheckpointBrowser::compareSelectedRuns()
{
    QVector<ComparedCheckpoint> compared;
    QModelIndexList rows = m_bestTable->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    for (const QModelIndex &row : rows) {
        const BestCheckpointsModel::Row &r = m_best.rowAt(row.row());
        const CheckpointIndex *index = indexOf(r.runId);
        if (index && index->best())
            compared.append({r.runName, *index->best(), index->runConfig});
    }
    if (compared.size() < 2)
        return nullptr;
    auto *dialog = new CheckpointCompareDialog(compared, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    return dialog;
}

bool CheckpointBrowser::markSelectedChosen()
{
    const CheckpointInfo *one = singleSelected();
    if (!one)
        return false;
    m_loader.markChosen(runOf(m_current), one->step);
    return true;
}

bool CheckpointBrowser::resumeFromSelected()
{
    const CheckpointInfo *one = singleSelected();
    if (!one || !one->complete)
        return false;
    emit resumeRequested(m_current, one->path);
    return true;
}

bool CheckpointBrowser::downloadSelected(const QString &localRunDir)
{
    const CheckpointRun run = runOf(m_current);
    const CheckpointInfo *one = singleSelected();
    SshConnection *ssh = m_loader.connectionFor(run);
    if (!one || !run.isRemote() || (m_download && m_download->isRunning()))
        return false;
    if (!ssh) {
        finishAction(false, tr("no connection to the cluster profile '%1'").arg(run.profile));
        return false;
    }
    const RunCheckpointFiles &files = m_files[m_current];
    const auto download = AdapterDownload::adapterFiles(*one, localRunDir, run.runDir,
                                                        files.runConfig ? files.runConfig->size() : -1);
    delete m_download;
    m_download = new AdapterDownload(*ssh, this);
    const QString name = one->name;
    connect(m_download, &AdapterDownload::progress, this, [this, name](qint64 done, qint64 total) {
        setStatus(tr("downloading %1: %2 of %3").arg(name, formatBytes(done), formatBytes(total)), true, done, total);
    });
    connect(m_download, &AdapterDownload::finished, this, [this, localRunDir, name](bool ok, const QString &message) {
        finishAction(ok, ok ? tr("%1 is in %2 (%3)").arg(name, QDir(localRunDir).filePath(QStringLiteral("checkpoints/") + name), message)
                            : tr("download of %1 stopped: %2").arg(name, message));
    });
    m_status->setStyleSheet(QString());
    setStatus(tr("downloading %1…").arg(name), true);
    m_download->start(download);
    updateActions();
    return true;
}

bool CheckpointBrowser::exportSelected(const QString &outputDir, bool merge)
{
    const CheckpointRun run = runOf(m_current);
    const CheckpointInfo *one = singleSelected();
    if (!one)
        return false;
    const QString checkpoint = localCopyOf(run, *one);
    if (checkpoint.isEmpty()) {
        finishAction(false, tr("download the adapter first: the export runs on this machine"));
        return false;
    }
    if (!m_export) {
        m_export = new CheckpointExport(m_trainerPath, this);
        connect(m_export, &CheckpointExport::progress, this, [this](qint64 bytes, qint64 ms) {
            setStatus(tr("exporting: %1 written, %2 s").arg(formatBytes(bytes)).arg(ms / 1000), true);
        });
        connect(m_export, &CheckpointExport::finished, this, &CheckpointBrowser::finishAction);
    }
    QString error;
    if (!m_export->start(checkpoint, outputDir, merge, &error)) {
        finishAction(false, tr("not exported: %1").arg(error));
        return false;
    }
    m_status->setStyleSheet(QString());
    setStatus(tr("exporting %1 to %2…").arg(one->name, outputDir), true);
    updateActions();
    return true;
}

void CheckpointBrowser::askDownload()
{
    const CheckpointRun run = runOf(m_current);
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Download the adapter into (a run folder)"),
                                                          AdapterDownload::defaultLocalRunDir(run.profile, run.runDir));
    if (!dir.isEmpty())
        downloadSelected(dir);
}

void CheckpointBrowser::askExport()
{
    const CheckpointInfo *one = singleSelected();
    if (!one)
        return;
    const CheckpointRun run = runOf(m_current);
    const QString base = run.isRemote() ? AdapterDownload::defaultLocalRunDir(run.profile, run.runDir) : run.runDir;
    const QString parent = QFileDialog::getExistingDirectory(this, tr("Export the merged model into a new folder in"),
                                                             QFileInfo::exists(base) ? base : QDir::homePath());
    if (!parent.isEmpty())
        exportSelected(QDir(parent).filePath(QStringLiteral("%1-%2-merged").arg(QFileInfo(run.runDir).fileName(), one->name)));
}

}  // namespace corral
