#pragma once
// What a run has done so far, folded from its metric records; and the one-line summary
// the headless mode prints ("step 12/60  loss 3.214  val 3.300  6,150 tok/s  ETA 0:34").
#include "metrics/MetricRecord.h"

#include <QString>

namespace corral {

struct RunProgress {
    qint64 step = 0;
    qint64 maxSteps = 0;
    double loss = MetricRecord::kMissing;
    double valLoss = MetricRecord::kMissing;
    double bestValLoss = MetricRecord::kMissing;
    double tokensPerSecond = MetricRecord::kMissing;
    double elapsedSeconds = MetricRecord::kMissing;

    void add(const MetricRecord &record);
    // Remaining seconds from the mean pace so far; NaN before the first step.
    double etaSeconds() const;
    QString line() const;
};

QString formatDuration(double seconds);  // "0:34", "1:02:03"; "--:--" when unknown

}  // namespace corral
