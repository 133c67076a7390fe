#include "ChartKind.h"

#include <QCoreApplication>

namespace corral {

QList<Metric> chartMetrics(ChartKind kind)
{
    switch (kind) {
    case ChartKind::Loss: return {Metric::TrainLoss, Metric::ValLoss};
    case ChartKind::Perplexity: return {Metric::Perplexity};
    case ChartKind::TokensPerSecond: return {Metric::TokensPerSecond};
    case ChartKind::LearningRate: return {Metric::LearningRate};
    case ChartKind::GradNorm: return {Metric::GradNorm};
    }
    return {};
}

QString chartTitle(ChartKind kind)
{
    switch (kind) {
    case ChartKind::Loss: return QCoreApplication::translate("MetricChart", "Loss");
    case ChartKind::Perplexity: return QCoreApplication::translate("MetricChart", "Perplexity (exp of val loss)");
    case ChartKind::TokensPerSecond: return QCoreApplication::translate("MetricChart", "Tokens per second");
    case ChartKind::LearningRate: return QCoreApplication::translate("MetricChart", "Learning rate");
    case ChartKind::GradNorm: return QCoreApplication::translate("MetricChart", "Gradient norm (before clipping)");
    }
    return {};
}

QString metricLabel(Metric metric)
{
    switch (metric) {
    case Metric::TrainLoss: return QCoreApplication::translate("MetricChart", "train loss");
    case Metric::ValLoss: return QCoreApplication::translate("MetricChart", "val loss");
    case Metric::Perplexity: return QCoreApplication::translate("MetricChart", "perplexity");
    case Metric::TokensPerSecond: return QCoreApplication::translate("MetricChart", "tokens/s");
    case Metric::LearningRate: return QCoreApplication::translate("MetricChart", "learning rate");
    case Metric::GradNorm: return QCoreApplication::translate("MetricChart", "grad norm");
    }
    return {};
}

QString xAxisTitle(XAxis axis)
{
    switch (axis) {
    case XAxis::Step: return QCoreApplication::translate("MetricChart", "step");
    case XAxis::Tokens: return QCoreApplication::translate("MetricChart", "tokens seen");
    case XAxis::WallTime: return QCoreApplication::translate("MetricChart", "wall time (s)");
    }
    return {};
}

}  // namespace corral
