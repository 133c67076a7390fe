#include "metrics/MetricRecord.h"

#include <QJsonValue>

#include <cmath>

namespace corral {

namespace {
double number(const QJsonObject &o, QLatin1StringView key)
{
    const QJsonValue v = o.value(key);
    return v.isDouble() ? v.toDouble() : MetricRecord::kMissing;
}
}  // namespace

std::optional<MetricRecord> MetricRecord::fromJson(const QJsonObject &o)
{
    const QJsonValue kind = o.value(QLatin1StringView("kind"));
    const QJsonValue step = o.value(QLatin1StringView("step"));
    if (!kind.isString() || !step.isDouble())
        return std::nullopt;
    MetricRecord r;
    if (!stepFromNumber(step.toDouble(), &r.step))
        return std::nullopt;
    const QString k = kind.toString();
    r.kind = k == QLatin1StringView("train") ? Kind::Train : k == QLatin1StringView("val") ? Kind::Val : Kind::Other;
    r.epoch = number(o, QLatin1StringView("epoch"));
    r.tokens = number(o, QLatin1StringView("tokens"));
    r.loss = number(o, QLatin1StringView("loss"));
    r.lr = number(o, QLatin1StringView("lr"));
    r.gradNorm = number(o, QLatin1StringView("grad_norm"));
    r.tokensPerSecond = number(o, QLatin1StringView("tokens_per_s"));
    r.perplexity = number(o, QLatin1StringView("ppl"));
    r.time = number(o, QLatin1StringView("time"));
    r.elapsedSeconds = number(o, QLatin1StringView("elapsed_s"));
    return r;
}

bool MetricRecord::stepFromNumber(double value, qint64 *step)
{
    constexpr double kLargestExact = 9007199254740992.0;  // 2^53
    if (!(value >= 0 && value <= kLargestExact) || value != std::floor(value))
        return false;
    *step = static_cast<qint64>(value);
    return true;
}

}  // namespace corral
