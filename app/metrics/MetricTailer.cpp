#include "metrics/MetricTailer.h"

#include "metrics/MetricLineParser.h"

namespace corral {

void MetricTailer::addLine(QByteArrayView line, qint64 lineNumber, const QString &fileName, MetricBatch &batch,
                           qint64 *fullParses)
{
    ParsedMetricLine parsed;
    if (!parseMetricLineFast(line, &parsed)) {
        if (JsonlTailer::isBlank(line))
            return;
        if (fullParses)
            ++*fullParses;
        parsed = parseMetricLineFull(line);
    }
    switch (parsed.outcome) {
    case ParsedMetricLine::Outcome::Record: batch.records.push_back(parsed.record); break;
    case ParsedMetricLine::Outcome::NotARecord: break;
    case ParsedMetricLine::Outcome::Malformed:
        ++batch.malformedLines;
        batch.problems << QStringLiteral("%1:%2: %3").arg(fileName).arg(lineNumber).arg(parsed.error);
        break;
    }
}

MetricBatch MetricTailer::poll(qint64 maxBytes, bool *more)
{
    MetricBatch batch;
    const QString name = m_lines.fileName();
    batch.restarted = m_lines.readLines(
        [&](QByteArrayView line, qint64 lineNumber) { addLine(line, lineNumber, name, batch, &m_fullParses); },
        maxBytes, more);
    return batch;
}

}  // namespace corral
