#include "RunSummaryTable.h"

#include "RunColors.h"
#include "metrics/RunSummary.h"
#include "metrics/SeriesStore.h"
#include "runs/RunProgress.h"

#include <QHeaderView>
#include <QLocale>

#include <cmath>

namespace corral {

namespace {
QString number(double v, int decimals)
{
    return std::isfinite(v) ? QLocale().toString(v, 'f', decimals) : QStringLiteral("–");
}
}  // namespace

RunSummaryTable::RunSummaryTable(QWidget *parent) : QTableWidget(parent)
{
    setColumnCount(ColumnCount);
    setHorizontalHeaderLabels({tr("Run"), tr("Best val loss"), tr("Final train loss"), tr("Tokens"), tr("Mean tok/s"),
                               tr("Wall time"), tr("GPU-hours"), tr("Early stop"), tr("Ended")});
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    verticalHeader()->hide();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::NoSelection);
    setWordWrap(false);
}

void RunSummaryTable::showRuns(const QList<ChartRun> &runs, const SeriesStore &store, RunColors &colors)
{
    setRowCount(int(runs.size()));
    for (int row = 0; row < runs.size(); ++row) {
        const ChartRun &run = runs[row];
        const RunSeries *series = store.run(run.id);
        const RunSummary s = series ? RunSummary::of(*series) : RunSummary{};
        auto set = [&](int column, const QString &text) {
            auto *item = new QTableWidgetItem(text);
            item->setToolTip(text);
            if (column != Run && column != EarlyStop && column != Ending)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            setItem(row, column, item);
        };
        set(Run, run.name);
        item(row, Run)->setForeground(colors.colorFor(run.id));
        item(row, Run)->setToolTip(run.id);
        set(BestValLoss, s.bestValStep >= 0 ? tr("%1 @ step %2").arg(number(s.bestValLoss, 4)).arg(s.bestValStep)
                                            : QStringLiteral("–"));
        set(FinalTrainLoss, s.finalStep >= 0 ? tr("%1 @ step %2").arg(number(s.finalTrainLoss, 4)).arg(s.finalStep)
                                             : QStringLiteral("–"));
        set(Tokens, number(s.tokens, 0));
        set(MeanTokensPerSecond, number(s.meanTokensPerSecond, 0));
        set(WallTime, std::isfinite(s.wallSeconds) ? formatDuration(s.wallSeconds) : QStringLiteral("–"));
        set(GpuHours, s.gpus > 0 ? tr("%1 (%2 GPUs)").arg(number(s.gpuHours, 2)).arg(s.gpus)
                                 : tr("n/a (no GPUs recorded)"));
        set(EarlyStop, s.earlyStop.isEmpty() ? QStringLiteral("–") : s.earlyStop);
        set(Ending, s.ending.isEmpty() ? QStringLiteral("–") : s.ending);
    }
}

}  // namespace corral
