#include "runs/RemoteRunFiles.h"

#include "metrics/MetricLineParser.h"

#include <QJsonDocument>

namespace corral {

RemoteRunFiles::RemoteRunFiles(ChunkReader reader, const QString &runDir, int intervalMs, QObject *parent)
    : QObject(parent),
      m_metrics(new FileTail(reader, runDir + QStringLiteral("/metrics.jsonl"), intervalMs, this)),
      m_events(new FileTail(reader, runDir + QStringLiteral("/events.jsonl"), intervalMs, this))
{
    connect(m_metrics, &FileTail::restarted, this, [this] {
        m_metricsPending.clear();
        m_metricsRestarted = true;
        m_progress = RunProgress{0, m_progress.maxSteps};
    });
    connect(m_metrics, &FileTail::appended, this, [this](const QByteArray &bytes) {
        QVector<MetricRecord> records;
        for (const QByteArray &line : completeLines(m_metricsPending, bytes)) {
            const ParsedMetricLine parsed = parseMetricLine(line);
            if (parsed.outcome == ParsedMetricLine::Outcome::Record) {
                records << parsed.record;
                m_progress.add(parsed.record);
            }
        }
        if (records.isEmpty() && !m_metricsRestarted)
            return;
        emit metricsArrived(records, std::exchange(m_metricsRestarted, false));
        emit progressChanged();
    });
    connect(m_events, &FileTail::appended, this, [this](const QByteArray &bytes) {
        QVector<QJsonObject> events;
        for (const QByteArray &line : completeLines(m_eventsPending, bytes)) {
            const QJsonObject event = QJsonDocument::fromJson(line).object();
            if (event.isEmpty())
                continue;
            const QString kind = event.value(QLatin1StringView("kind")).toString();
            if (kind == QLatin1StringView("started") || kind == QLatin1StringView("resumed"))
                m_progress.maxSteps = event.value(QLatin1StringView("max_steps")).toInteger(m_progress.maxSteps);
            events << event;
        }
        if (events.isEmpty())
            return;
        emit eventsArrived(events);
        emit progressChanged();
    });
}

void RemoteRunFiles::start()
{
    m_metrics->start();
    m_events->start();
}

void RemoteRunFiles::finish()
{
    m_metrics->finish();
    m_events->finish();
}

QList<QByteArray> RemoteRunFiles::completeLines(QByteArray &pending, const QByteArray &bytes)
{
    pending += bytes;
    const qsizetype last = pending.lastIndexOf('\n');
    if (last < 0)
        return {};
    QList<QByteArray> lines = pending.left(last).split('\n');
    pending.remove(0, last + 1);
    lines.removeIf([](const QByteArray &line) { return line.trimmed().isEmpty(); });
    return lines;
}

}  // namespace corral
