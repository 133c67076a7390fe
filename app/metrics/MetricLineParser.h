#pragma once
// One line of metrics.jsonl to a MetricRecord, fast. The general JSON parser costs a few
// microseconds a line (a document, a hash of keys, a QString per key); a run of a million
// steps would take seconds to open. The fast path reads the flat objects the trainer writes
// straight from the bytes: ASCII keys and strings without escapes, numbers, true, false,
// null, strict JSON grammar. Anything else (escapes, non-ASCII bytes, nested values, a byte
// order mark, a number it cannot convert exactly as Qt would) is left undecided and goes to
// the full parser, QJsonDocument + MetricRecord::fromJson, so every line means the same on
// both paths (tst_metriclineparser compares them on generated and hand-written lines).
#include "metrics/MetricRecord.h"

#include <QByteArrayView>
#include <QString>

namespace corral {

struct ParsedMetricLine {
    enum class Outcome {
        Record,      // a metric record
        NotARecord,  // a JSON object without "kind" or an integer "step": ignored
        Malformed,   // not a JSON object: counted and reported with file:line
    };
    Outcome outcome = Outcome::NotARecord;
    MetricRecord record;
    QString error;  // for Malformed: what the JSON parser said
};

// The fast path alone: true when it decided (Record or NotARecord in `out`), false when the
// line needs the full parser.
bool parseMetricLineFast(QByteArrayView line, ParsedMetricLine *out);
// The full parser alone: QJsonDocument, then MetricRecord::fromJson.
ParsedMetricLine parseMetricLineFull(QByteArrayView line);
// Fast path, falling back to the full parser.
ParsedMetricLine parseMetricLine(QByteArrayView line);

}  // namespace corral
