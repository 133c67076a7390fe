#include "metrics/MetricTailer.h"

#include "metrics/MetricLineParser.h"

namespace corral {

MetricBatch MetricTailer::poll(qint64 maxBytes, bool *more)
{
    MetricBatch batch;
    const QString name = m_lines.fileName();
    batch.restarted = m_lines.readLines(
        [&](QByteArrayView line, qint64 lineNumber) {
            ParsedMetricLine parsed;
            if (!parseMetricLineFast(line, &parsed)) {
                if (JsonlTailer::isBlank(line))
                    return;
                ++m_fullParses;
                parsed = parseMetricLineFull(line);
            }
            switch (parsed.outcome) {
            case ParsedMetricLine::Outcome::Record: batch.records.push_back(parsed.record); break;
            case ParsedMetricLine::Outcome::NotARecord: break;
            case ParsedMetricLine::Outcome::Malformed:
                ++batch.malformedLines;
                batch.problems << QStringLiteral("%1:%2: %3").arg(name).arg(lineNumber).arg(parsed.error);
                break;
            }
        },
        maxBytes, more);
    return batch;
}

}  // namespace corral
