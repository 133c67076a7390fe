#pragma once
// The few numbers a run is compared by, from its series and events: best validation loss
// and where, final train loss, tokens seen, mean throughput, wall time, GPU-hours, and how
// it ended (early stop with its reason, preemption, failure).
#include "metrics/RunSeries.h"

#include <QString>

namespace corral {

struct RunSummary {
    double bestValLoss = MetricRecord::kMissing;
    qint64 bestValStep = -1;
    double finalTrainLoss = MetricRecord::kMissing;
    qint64 finalStep = -1;
    double tokens = MetricRecord::kMissing;
    // Tokens over training seconds (elapsed_s, summed over resumed segments).
    double meanTokensPerSecond = MetricRecord::kMissing;
    double trainingSeconds = MetricRecord::kMissing;
    // First record to last, queue time between a preemption and the requeue included.
    double wallSeconds = MetricRecord::kMissing;
    // GPUs from the started/resumed events' "gpus" (docs/formats.md); 0 when the run recorded
    // none (a CPU run, or a trainer that does not say), and then gpuHours is NaN ("n/a").
    int gpus = 0;
    double gpuHours = MetricRecord::kMissing;
    QString earlyStop;  // the early_stop event's description, empty when the run did not stop early
    QString ending;     // the last lifecycle event: finished, preempted, failed… ("running" before)

    static RunSummary of(const RunSeries &run);
};

}  // namespace corral
