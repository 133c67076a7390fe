#pragma once
// The run summary of the Curves tab: one row per shown run, with the figures runs are
// compared by (RunSummary), in the run's curve colour.
#include "MetricChart.h"

#include <QTableWidget>

namespace corral {

class RunColors;
class SeriesStore;

class RunSummaryTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column { Run, BestValLoss, FinalTrainLoss, Tokens, MeanTokensPerSecond, WallTime, GpuHours, EarlyStop,
                  Ending, ColumnCount };

    explicit RunSummaryTable(QWidget *parent = nullptr);
    void showRuns(const QList<ChartRun> &runs, const SeriesStore &store, RunColors &colors);
};

}  // namespace corral
