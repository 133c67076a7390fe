#include "metrics/RunSeries.h"

#include <QFileInfo>
#include <QJsonValue>

#include <cmath>

namespace corral {

QString metricKey(Metric metric)
{
    switch (metric) {
    case Metric::TrainLoss: return QStringLiteral("train_loss");
    case Metric::ValLoss: return QStringLiteral("val_loss");
    case Metric::Perplexity: return QStringLiteral("perplexity");
    case Metric::TokensPerSecond: return QStringLiteral("tokens_per_s");
    case Metric::LearningRate: return QStringLiteral("lr");
    case Metric::GradNorm: return QStringLiteral("grad_norm");
    }
    return {};
}

QString xAxisKey(XAxis axis)
{
    switch (axis) {
    case XAxis::Step: return QStringLiteral("step");
    case XAxis::Tokens: return QStringLiteral("tokens");
    case XAxis::WallTime: return QStringLiteral("wall_time_s");
    }
    return {};
}

bool isPerStep(Metric metric)
{
    return metric != Metric::ValLoss && metric != Metric::Perplexity;
}

namespace {

// A value that keeps an x column sorted: a missing value repeats the previous one, and a
// value below the previous one (a clock stepped back) is raised to it.
double monotone(double value, const ChunkedColumn &column)
{
    if (column.isEmpty())
        return value;
    const double previous = column.back();
    if (!std::isfinite(value))
        return previous;
    return std::isfinite(previous) && value < previous ? previous : value;
}

RunEvent::Kind eventKind(const QString &kind)
{
    static const std::pair<const char *, RunEvent::Kind> kinds[] = {
        {"started", RunEvent::Kind::Started},         {"resumed", RunEvent::Kind::Resumed},
        {"eval", RunEvent::Kind::Eval},               {"checkpoint", RunEvent::Kind::Checkpoint},
        {"early_stop", RunEvent::Kind::EarlyStop},    {"preempted", RunEvent::Kind::Preempted},
        {"skipped_step", RunEvent::Kind::SkippedStep}, {"finished", RunEvent::Kind::Finished},
        {"failed", RunEvent::Kind::Failed},
    };
    for (const auto &[name, value] : kinds) {
        if (kind == QLatin1StringView(name))
            return value;
    }
    return RunEvent::Kind::Other;
}

QString loss(const QJsonObject &e, const char *key)
{
    const QJsonValue v = e.value(QLatin1StringView(key));
    return v.isDouble() ? QString::number(v.toDouble(), 'f', 4) : QStringLiteral("?");
}

QString describe(const RunEvent &event)
{
    const QJsonObject &e = event.raw;
    const QString step = QString::number(event.step);
    auto text = [&](const char *key) { return e.value(QLatin1StringView(key)).toString(); };
    switch (event.kind) {
    case RunEvent::Kind::Started: return QStringLiteral("started");
    case RunEvent::Kind::Resumed: return QStringLiteral("resumed from step %1").arg(step);
    case RunEvent::Kind::Eval: return QStringLiteral("eval at step %1: val loss %2").arg(step, loss(e, "val_loss"));
    case RunEvent::Kind::Checkpoint: {
        const QString folder = QFileInfo(text("path")).fileName();
        return folder.isEmpty() ? QStringLiteral("checkpoint at step %1").arg(step)
                                : QStringLiteral("checkpoint at step %1 (%2)").arg(step, folder);
    }
    case RunEvent::Kind::EarlyStop:
        return QStringLiteral("early stop at step %1: no val-loss improvement since step %2 (best %3)")
            .arg(step, QString::number(e.value(QLatin1StringView("best_step")).toInteger(-1)),
                 loss(e, "best_val_loss"));
    case RunEvent::Kind::Preempted:
        return QStringLiteral("preempted by %1 at step %2, checkpoint saved").arg(text("signal"), step);
    case RunEvent::Kind::SkippedStep: return QStringLiteral("skipped step %1: %2").arg(step, text("reason"));
    case RunEvent::Kind::Finished: return QStringLiteral("finished at step %1").arg(step);
    case RunEvent::Kind::Failed: return QStringLiteral("failed: %1").arg(text("message"));
    case RunEvent::Kind::Other: return text("kind");
    }
    return {};
}

}  // namespace

void RunSeries::appendX(Rows &rows, double step, double tokens, double time)
{
    if (!std::isfinite(m_wallOrigin) && std::isfinite(time))
        m_wallOrigin = time;
    rows.step.append(monotone(step, rows.step));
    rows.tokens.append(monotone(tokens, rows.tokens));
    rows.wall.append(monotone(time, rows.wall));
}

void RunSeries::append(const MetricRecord &r)
{
    const double step = static_cast<double>(r.step);
    if (r.kind == MetricRecord::Kind::Train) {
        if (std::isfinite(r.tokens))
            m_lastTokens = r.tokens;
        if (std::isfinite(r.elapsedSeconds))
            m_lastElapsed = r.elapsedSeconds;
        appendX(m_train, step, m_lastTokens, r.time);
        m_loss.append(r.loss);
        m_lr.append(r.lr);
        m_gradNorm.append(r.gradNorm);
        m_tokensPerSecond.append(r.tokensPerSecond);
    } else if (r.kind == MetricRecord::Kind::Val) {
        // Val records carry no token count: the trainer writes one after the train record of
        // the same step, so the tokens seen so far are the last train row's.
        appendX(m_val, step, tokensAtStep(r.step), r.time);
        m_valLoss.append(r.loss);
        m_perplexity.append(std::exp(r.loss));
    }
}

void RunSeries::appendEvent(const QJsonObject &object)
{
    RunEvent event;
    event.kind = eventKind(object.value(QLatin1StringView("kind")).toString());
    const QJsonValue step = object.value(QLatin1StringView("step"));
    qint64 stepValue = -1;
    if (step.isDouble() && MetricRecord::stepFromNumber(step.toDouble(), &stepValue))
        event.step = stepValue;
    const QJsonValue time = object.value(QLatin1StringView("time"));
    if (time.isDouble())
        event.time = time.toDouble();
    event.raw = object;
    event.description = describe(event);
    m_events.push_back(std::move(event));
}

void RunSeries::clearMetrics()
{
    for (ChunkedColumn *c : {&m_train.step, &m_train.tokens, &m_train.wall, &m_val.step, &m_val.tokens, &m_val.wall,
                             &m_loss, &m_lr, &m_gradNorm, &m_tokensPerSecond, &m_valLoss, &m_perplexity})
        c->clear();
    m_wallOrigin = MetricRecord::kMissing;
    m_lastTokens = 0;
    m_lastElapsed = MetricRecord::kMissing;
    ++m_generation;
}

void RunSeries::clear()
{
    clearMetrics();
    m_events.clear();
}

SeriesRef RunSeries::series(Metric metric, XAxis axis) const
{
    const Rows &rows = isPerStep(metric) ? m_train : m_val;
    SeriesRef ref;
    switch (axis) {
    case XAxis::Step: ref.x = &rows.step; break;
    case XAxis::Tokens: ref.x = &rows.tokens; break;
    case XAxis::WallTime:
        ref.x = &rows.wall;
        ref.xOrigin = std::isfinite(m_wallOrigin) ? m_wallOrigin : 0.0;
        break;
    }
    switch (metric) {
    case Metric::TrainLoss: ref.y = &m_loss; break;
    case Metric::ValLoss: ref.y = &m_valLoss; break;
    case Metric::Perplexity: ref.y = &m_perplexity; break;
    case Metric::TokensPerSecond: ref.y = &m_tokensPerSecond; break;
    case Metric::LearningRate: ref.y = &m_lr; break;
    case Metric::GradNorm: ref.y = &m_gradNorm; break;
    }
    return ref;
}

double RunSeries::tokensAtStep(qint64 step) const
{
    const qsizetype after = m_train.step.upperBound(static_cast<double>(step));
    return after == 0 ? 0.0 : m_train.tokens[after - 1];
}

double RunSeries::eventX(const RunEvent &event, XAxis axis) const
{
    switch (axis) {
    case XAxis::Step: return event.step >= 0 ? static_cast<double>(event.step) : MetricRecord::kMissing;
    case XAxis::Tokens: return event.step >= 0 ? tokensAtStep(event.step) : MetricRecord::kMissing;
    case XAxis::WallTime: return event.time - m_wallOrigin;  // NaN when either is unknown
    }
    return MetricRecord::kMissing;
}

qsizetype RunSeries::pointCount() const
{
    return 4 * m_train.step.size() + 2 * m_val.step.size();
}

qsizetype RunSeries::bytesHeld() const
{
    qsizetype bytes = 0;
    for (const ChunkedColumn *c : {&m_train.step, &m_train.tokens, &m_train.wall, &m_val.step, &m_val.tokens,
                                   &m_val.wall, &m_loss, &m_lr, &m_gradNorm, &m_tokensPerSecond, &m_valLoss,
                                   &m_perplexity})
        bytes += c->bytesHeld();
    return bytes;
}

double RunSeries::lastWall() const
{
    const double train = m_train.wall.isEmpty() ? MetricRecord::kMissing : m_train.wall.back();
    const double val = m_val.wall.isEmpty() ? MetricRecord::kMissing : m_val.wall.back();
    if (!std::isfinite(train))
        return val;
    return std::isfinite(val) ? std::max(train, val) : train;
}

}  // namespace corral
