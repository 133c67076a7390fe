#pragma once
// The charts of the Curves tab and the words for them: which metrics a chart shows and how
// its title, metrics and x axes are named on screen.
#include "metrics/RunSeries.h"

#include <QList>
#include <QString>

namespace corral {

enum class ChartKind { Loss, Perplexity, TokensPerSecond, LearningRate, GradNorm };
QList<Metric> chartMetrics(ChartKind kind);  // Loss: train and val; the others one metric
QString chartTitle(ChartKind kind);
QString metricLabel(Metric metric);
QString xAxisTitle(XAxis axis);

}  // namespace corral
