#pragma once
// Everything one run's curves are drawn from, stored once and compactly: one row per train
// record and one per val record, as parallel columns (ChunkedColumn). The three x variants
// (step, tokens seen, wall time) are shared by every metric of a row, so a train row of
// 7 doubles carries 4 metric points: 14 bytes a point. Events (checkpoints, evals, early
// stop, preemption, resume) are kept as a short list for markers and the run summary.
#include "metrics/ChunkedColumn.h"
#include "metrics/MetricRecord.h"

#include <QJsonObject>
#include <QString>
#include <QVector>

#include <algorithm>

namespace corral {

enum class Metric { TrainLoss, ValLoss, Perplexity, TokensPerSecond, LearningRate, GradNorm };
inline constexpr int kMetricCount = 6;
enum class XAxis { Step, Tokens, WallTime };

QString metricKey(Metric metric);  // "train_loss", "val_loss", "perplexity", "tokens_per_s", "lr", "grad_norm"
QString xAxisKey(XAxis axis);      // "step", "tokens", "wall_time_s"
// One point per optimizer step (train records), as opposed to one per evaluation.
bool isPerStep(Metric metric);

// A metric against an x variant. x is sorted (non-decreasing); subtract xOrigin for the axis
// (wall time counts from the run's first record). y is NaN where a record lacked the value.
struct SeriesRef {
    const ChunkedColumn *x = nullptr;
    const ChunkedColumn *y = nullptr;
    double xOrigin = 0;
    qsizetype size() const { return x && y ? std::min(x->size(), y->size()) : 0; }
};

struct RunEvent {
    enum class Kind { Started, Resumed, Eval, Checkpoint, EarlyStop, Preempted, SkippedStep, Finished, Failed, Other };
    Kind kind = Kind::Other;
    qint64 step = -1;  // -1 when the event has none (failed)
    double time = MetricRecord::kMissing;
    QString description;  // one line for a tooltip: "checkpoint at step 40 (step-00000040)"
    QJsonObject raw;      // the event as written, for what the summary reads
};

class RunSeries {
public:
    void append(const MetricRecord &record);
    void appendEvent(const QJsonObject &event);
    // metrics.jsonl was rewritten (a resume rewound it): drop the points, keep the events.
    void clearMetrics();
    // events.jsonl was rewritten: its events so far are void.
    void clearEvents() { m_events.clear(); }
    // Everything, for a watcher that reads both files again from the start.
    void clear();

    SeriesRef series(Metric metric, XAxis axis) const;
    const QVector<RunEvent> &events() const { return m_events; }
    // An event's position on an axis (origin subtracted); NaN when it cannot be placed.
    double eventX(const RunEvent &event, XAxis axis) const;
    // Tokens seen after `step`: the last train row at or before it; 0 before the first.
    double tokensAtStep(qint64 step) const;

    qsizetype trainCount() const { return m_train.step.size(); }
    qsizetype valCount() const { return m_val.step.size(); }
    qsizetype pointCount() const;  // stored (x, value) points over all metrics
    qsizetype bytesHeld() const;   // heap bytes of the columns
    // Bumped whenever stored points are dropped, so caches built on them know to rebuild.
    quint64 generation() const { return m_generation; }

    double wallOrigin() const { return m_wallOrigin; }  // unix time of the first record; NaN before
    double lastWall() const;                            // unix time of the last record
    double lastElapsedSeconds() const { return m_lastElapsed; }
    double lastTokens() const { return m_lastTokens; }

private:
    struct Rows {
        ChunkedColumn step, tokens, wall;
    };
    void appendX(Rows &rows, double step, double tokens, double time);

    Rows m_train, m_val;
    ChunkedColumn m_loss, m_lr, m_gradNorm, m_tokensPerSecond;  // train rows
    ChunkedColumn m_valLoss, m_perplexity;                      // val rows
    QVector<RunEvent> m_events;
    double m_wallOrigin = MetricRecord::kMissing;
    double m_lastTokens = 0;
    double m_lastElapsed = MetricRecord::kMissing;
    quint64 m_generation = 0;
};

}  // namespace corral
