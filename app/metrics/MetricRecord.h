#pragma once
// One record of RUN_DIR/metrics.jsonl as the app uses it. Fields a record lacks are NaN;
// unknown keys are ignored (docs/formats.md).
#include <QJsonObject>
#include <QMetaType>
#include <QVector>

#include <limits>
#include <optional>

namespace corral {

struct MetricRecord {
    enum class Kind { Train, Val, Other };
    static constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

    Kind kind = Kind::Other;
    qint64 step = -1;
    double epoch = kMissing;
    double tokens = kMissing;
    double loss = kMissing;
    double lr = kMissing;
    double gradNorm = kMissing;
    double tokensPerSecond = kMissing;
    double perplexity = kMissing;
    double time = kMissing;  // unix seconds
    double elapsedSeconds = kMissing;

    // nullopt when the object is not a metric record (no "kind" or no integer "step").
    static std::optional<MetricRecord> fromJson(const QJsonObject &object);
    // The rule for "step", shared by every parser: a whole number from 0 to 2^53 (the
    // integers a double holds exactly; larger ones would not convert to qint64 safely).
    static bool stepFromNumber(double value, qint64 *step);
};

}  // namespace corral

Q_DECLARE_METATYPE(corral::MetricRecord)
