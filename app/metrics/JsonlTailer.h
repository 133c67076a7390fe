#pragma once
// Follows an append-only JSON-lines file (metrics.jsonl, events.jsonl) by offset.
// Each complete line is returned exactly once; a last line without its newline is kept
// until the newline arrives; a file that shrank or was replaced (new inode) is re-read from
// the start and the batch says so, so the caller can drop what it had instead of duplicating;
// a line that is not a JSON object is counted and reported with file:line, never fatal.
#include "metrics/JsonlLineSplitter.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <functional>

namespace corral {

struct JsonlBatch {
    bool restarted = false;  // the file was truncated or replaced: earlier objects are void
    QVector<QJsonObject> objects;
    int malformedLines = 0;
    QStringList problems;  // "metrics.jsonl:12: not a JSON object"
};

class JsonlTailer {
public:
    using LineHandler = JsonlLineSplitter::LineHandler;

    explicit JsonlTailer(QString path);

    // Reads whatever was appended since the last call. A missing file yields an empty batch.
    JsonlBatch poll();

    // The line level under poll(): hands each new complete line to `onLine`, reading about
    // `maxBytes` at most (-1: to the end). Returns whether the file restarted (see above);
    // `more` says whether it stopped early with bytes left to read.
    bool readLines(const LineHandler &onLine, qint64 maxBytes = -1, bool *more = nullptr);

    const QString &path() const { return m_path; }
    QString fileName() const;
    qint64 offset() const { return m_offset; }  // bytes consumed, complete lines only
    qint64 linesRead() const { return m_lines.linesRead(); }

    static bool isBlank(QByteArrayView line);
    // One line of an events-style file into `batch`: a JSON object, or a problem counted and
    // described as "NAME:LINE: why". Shared by the local and the remote tail.
    static void addLine(QByteArrayView line, qint64 lineNumber, const QString &fileName, JsonlBatch &batch);

private:
    QString m_path;
    qint64 m_offset = 0;  // bytes read from the file (including the pending partial line)
    quint64 m_inode = 0;
    bool m_seen = false;
    JsonlLineSplitter m_lines;
    QByteArray m_buffer;   // reused read buffer
};

// Problems for one line of the status bar: the first `shown`, then how many more
// ("metrics.jsonl:12: …; metrics.jsonl:13: …; and 40 more malformed lines").
QString summarizeProblems(const QStringList &problems, int shown = 3);

}  // namespace corral
