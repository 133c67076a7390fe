#pragma once
// The Checkpoints tab. Top: the selected run's checkpoints (CheckpointTableModel: step,
// tokens, val loss, perplexity, train loss, time, size, best/chosen), sortable by any column,
// with the actions — compare, mark as chosen, download the adapter (cluster runs), resume a
// new run from it, export (merge) — and a status line with their progress. Bottom: the best
// checkpoint of every run in the list, for picking a model across runs.
//
// Reading folders, joining metrics, downloads and exports are corral_core's
// (app/checkpoints); this widget only shows them and wires the buttons.
#include "checkpoints/CheckpointLoader.h"
#include "checkpoints/CheckpointTableModel.h"
#include "checkpoints/BestCheckpointsModel.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

namespace corral {

class AdapterDownload;
class CheckpointCompareDialog;
class CheckpointExport;
class RunListModel;
class SeriesStore;

class CheckpointBrowser : public QWidget {
    Q_OBJECT
public:
    CheckpointBrowser(const RunListModel &runs, const SeriesStore &series, QString trainerPath,
                      QWidget *parent = nullptr);
    ~CheckpointBrowser() override;

    // The open connection of a cluster profile (for cluster runs); none by default.
    void setConnectionProvider(CheckpointLoader::ConnectionProvider provider);

    void setCurrentRun(const QString &runId);  // the run list's current run; empty for none
    const QString &currentRun() const { return m_current; }
    void refresh();  // reads the current run's folder again

    // The actions behind the buttons, callable without dialogs (tests, other widgets).
    QList<qint64> selectedSteps() const;
    void selectSteps(const QList<qint64> &steps);
    CheckpointCompareDialog *compareSelected();
    CheckpointCompareDialog *compareSelectedRuns();  // the best checkpoints of the runs selected below
    bool markSelectedChosen();
    bool resumeFromSelected();
    bool downloadSelected(const QString &localRunDir);
    bool exportSelected(const QString &outputDir, bool merge = true);

    QTableView *table() const { return m_table; }
    QTableView *bestTable() const { return m_bestTable; }
    CheckpointTableModel *model() { return &m_model; }
    BestCheckpointsModel *bestModel() { return &m_best; }
    QString statusText() const;
    const CheckpointIndex *indexOf(const QString &runId) const;

signals:
    // Start a new run from this checkpoint folder (of a local run, or a cluster path).
    void resumeRequested(const QString &runId, const QString &checkpointDir);
    void indexUpdated(const QString &runId);
    void actionFinished(bool ok, const QString &message);

private:
    CheckpointRun runOf(const QString &runId) const;
    void load(const QString &runId);
    void onLoaded(const QString &runId, const RunCheckpointFiles &files);
    void rebuild(const QString &runId);
    void onSeriesChanged(const QString &runId);
    void showIndex();
    void updateActions();
    void setStatus(const QString &text, bool busy = false, qint64 done = -1, qint64 total = -1);
    void finishAction(bool ok, const QString &message);
    const CheckpointInfo *singleSelected() const;
    QString localCopyOf(const CheckpointRun &run, const CheckpointInfo &info) const;
    void askDownload();
    void askExport();

    const RunListModel &m_runs;
    const SeriesStore &m_series;
    QString m_trainerPath;
    CheckpointLoader m_loader;
    CheckpointTableModel m_model;
    BestCheckpointsModel m_best;
    QHash<QString, RunCheckpointFiles> m_files;
    QHash<QString, CheckpointIndex> m_indexes;
    QHash<QString, int> m_checkpointEvents;  // per run: checkpoint events seen, to notice new folders
    QSet<QString> m_stale;                   // runs whose metrics changed since their index was joined
    QTimer m_rejoin;
    QString m_current;
    QPointer<AdapterDownload> m_download;
    CheckpointExport *m_export = nullptr;

    QLabel *m_title = nullptr;
    QLabel *m_problems = nullptr;
    QTableView *m_table = nullptr;
    QTableView *m_bestTable = nullptr;
    QPushButton *m_compare = nullptr;
    QPushButton *m_choose = nullptr;
    QPushButton *m_downloadButton = nullptr;
    QPushButton *m_resume = nullptr;
    QPushButton *m_exportButton = nullptr;
    QPushButton *m_compareRuns = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
};

}  // namespace corral
