#include "metrics/RunSummary.h"

#include <QJsonValue>

#include <cmath>

namespace corral {

RunSummary RunSummary::of(const RunSeries &run)
{
    RunSummary s;
    const SeriesRef val = run.series(Metric::ValLoss, XAxis::Step);
    for (qsizetype i = 0; i < val.size(); ++i) {
        const double v = (*val.y)[i];
        if (std::isfinite(v) && !(v >= s.bestValLoss)) {
            s.bestValLoss = v;
            s.bestValStep = static_cast<qint64>((*val.x)[i]);
        }
    }
    const SeriesRef train = run.series(Metric::TrainLoss, XAxis::Step);
    for (qsizetype i = train.size() - 1; i >= 0; --i) {
        if (std::isfinite((*train.y)[i])) {
            s.finalTrainLoss = (*train.y)[i];
            s.finalStep = static_cast<qint64>((*train.x)[i]);
            break;
        }
    }
    if (train.size() > 0)
        s.tokens = run.lastTokens();
    s.trainingSeconds = run.lastElapsedSeconds();
    if (std::isfinite(s.tokens) && s.trainingSeconds > 0) {
        s.meanTokensPerSecond = s.tokens / s.trainingSeconds;
    } else {
        // No elapsed_s: the plain mean of the per-step figures.
        const SeriesRef tps = run.series(Metric::TokensPerSecond, XAxis::Step);
        double sum = 0;
        qsizetype n = 0;
        for (qsizetype i = 0; i < tps.size(); ++i) {
            if (std::isfinite((*tps.y)[i])) {
                sum += (*tps.y)[i];
                ++n;
            }
        }
        if (n > 0)
            s.meanTokensPerSecond = sum / double(n);
    }
    s.wallSeconds = run.lastWall() - run.wallOrigin();

    s.ending = run.trainCount() + run.valCount() > 0 ? QStringLiteral("running") : QString();
    for (const RunEvent &e : run.events()) {
        switch (e.kind) {
        case RunEvent::Kind::Started:
        case RunEvent::Kind::Resumed: {
            const QJsonValue gpus = e.raw.value(QLatin1StringView("gpus"));
            s.gpus = gpus.isDouble() ? std::max(0, gpus.toInt()) : 0;
            s.ending = QStringLiteral("running");
            break;
        }
        case RunEvent::Kind::EarlyStop: s.earlyStop = e.description; break;
        case RunEvent::Kind::Preempted:
        case RunEvent::Kind::Finished:
        case RunEvent::Kind::Failed: s.ending = e.description; break;
        default: break;
        }
    }
    if (s.gpus > 0 && std::isfinite(s.trainingSeconds))
        s.gpuHours = s.gpus * s.trainingSeconds / 3600.0;
    return s;
}

}  // namespace corral
