#include "runs/RunProgress.h"

#include <QLocale>

#include <cmath>

namespace corral {

void RunProgress::add(const MetricRecord &r)
{
    if (r.kind == MetricRecord::Kind::Train) {
        step = std::max(step, r.step);
        loss = r.loss;
        tokensPerSecond = r.tokensPerSecond;
        elapsedSeconds = r.elapsedSeconds;
    } else if (r.kind == MetricRecord::Kind::Val && std::isfinite(r.loss)) {
        valLoss = r.loss;
        if (!std::isfinite(bestValLoss) || r.loss < bestValLoss)
            bestValLoss = r.loss;
    }
}

double RunProgress::etaSeconds() const
{
    if (step <= 0 || maxSteps <= 0 || !std::isfinite(elapsedSeconds))
        return MetricRecord::kMissing;
    return elapsedSeconds / static_cast<double>(step) * static_cast<double>(std::max<qint64>(0, maxSteps - step));
}

QString formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("--:--");
    const auto total = static_cast<qint64>(std::llround(seconds));
    const qint64 h = total / 3600, m = (total / 60) % 60, s = total % 60;
    if (h > 0)
        return QStringLiteral("%1:%2:%3").arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(s, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QLatin1Char('0'));
}

QString RunProgress::line() const
{
    auto number = [](double v, int decimals) {
        return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("-");
    };
    const QString rate = std::isfinite(tokensPerSecond) ? QLocale::c().toString(std::llround(tokensPerSecond))
                                                        : QStringLiteral("-");
    return QStringLiteral("step %1/%2  loss %3  val %4  %5 tok/s  ETA %6")
        .arg(step)
        .arg(maxSteps)
        .arg(number(loss, 4), number(valLoss, 4), rate, formatDuration(etaSeconds()));
}

}  // namespace corral
