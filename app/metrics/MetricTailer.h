#pragma once
// metrics.jsonl as records: a JsonlTailer for the lines and the metric line parser (fast
// path, full JSON fallback) for each of them. Runs on the watcher's worker thread.
#include "metrics/JsonlTailer.h"
#include "metrics/MetricRecord.h"

#include <QStringList>
#include <QVector>

namespace corral {

struct MetricBatch {
    bool restarted = false;  // the file was rewritten: earlier records are void
    QVector<MetricRecord> records;
    int malformedLines = 0;
    QStringList problems;  // "metrics.jsonl:12: illegal value"
};

class MetricTailer {
public:
    explicit MetricTailer(QString path) : m_lines(std::move(path)) {}

    // New records since the last call, reading about `maxBytes` at most (-1: to the end);
    // `more` says whether bytes are left for another call.
    MetricBatch poll(qint64 maxBytes = -1, bool *more = nullptr);

    // One line of metrics.jsonl into `batch` (fast path, full parser fallback); shared by the
    // local and the remote tail. `fullParses` counts lines the fast path left to the JSON parser.
    static void addLine(QByteArrayView line, qint64 lineNumber, const QString &fileName, MetricBatch &batch,
                        qint64 *fullParses);

    const JsonlTailer &lines() const { return m_lines; }
    qint64 fullParses() const { return m_fullParses; }  // lines the fast path left to the JSON parser

private:
    JsonlTailer m_lines;
    qint64 m_fullParses = 0;
};

}  // namespace corral
