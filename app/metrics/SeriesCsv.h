#pragma once
// The data behind a chart as CSV, at full resolution (every stored point, not what was
// drawn), in long form so runs with different steps and metrics share one table:
//   run,run_dir,metric,step,tokens,wall_time_s,value
// One row per stored point, runs and metrics in the order given, points in file order.
// Numbers are written in the shortest form that reads back to the same double; a missing
// value (a record without it, a run without times) is an empty field. Text fields are
// quoted as RFC 4180 says when they hold a comma, quote or line break.
#include "metrics/RunSeries.h"

#include <QIODevice>
#include <QList>
#include <QString>

namespace corral {

struct CsvRun {
    QString name;
    QString dir;  // the run id
    const RunSeries *series = nullptr;
};

// False when the device refuses a write.
bool writeSeriesCsv(QIODevice &out, const QList<CsvRun> &runs, const QList<Metric> &metrics);
QByteArray csvField(const QString &text);

}  // namespace corral
