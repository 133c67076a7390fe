#include "metrics/SeriesStore.h"

namespace corral {

SeriesStore::~SeriesStore() = default;

RunSeries &SeriesStore::series(const QString &runId)
{
    auto &slot = m_runs[runId];
    if (!slot)
        slot = std::make_unique<RunSeries>();
    return *slot;
}

void SeriesStore::appendMetrics(const QString &runId, const QVector<MetricRecord> &records, bool restarted)
{
    RunSeries &run = series(runId);
    if (restarted)
        run.clearMetrics();
    for (const MetricRecord &record : records)
        run.append(record);
    emit runChanged(runId);
}

void SeriesStore::appendEvents(const QString &runId, const QVector<QJsonObject> &events, bool restarted)
{
    RunSeries &run = series(runId);
    if (restarted)
        run.clearEvents();
    for (const QJsonObject &event : events)
        run.appendEvent(event);
    emit runChanged(runId);
}

void SeriesStore::resetRun(const QString &runId)
{
    series(runId).clear();
    emit runChanged(runId);
}

void SeriesStore::removeRun(const QString &runId)
{
    if (m_runs.erase(runId) > 0)
        emit runChanged(runId);
}

const RunSeries *SeriesStore::run(const QString &runId) const
{
    const auto it = m_runs.find(runId);
    return it == m_runs.end() ? nullptr : it->second.get();
}

qsizetype SeriesStore::pointCount() const
{
    qsizetype n = 0;
    for (const auto &[id, run] : m_runs)
        n += run->pointCount();
    return n;
}

qsizetype SeriesStore::bytesHeld() const
{
    qsizetype n = 0;
    for (const auto &[id, run] : m_runs)
        n += run->bytesHeld();
    return n;
}

}  // namespace corral
