#pragma once
// Cuts a byte stream into complete lines, whatever the chunks it arrives in: a line is handed
// on once its newline has arrived, a partial last line is kept until then, and lines are
// numbered from 1. The local tailer feeds it file reads, the remote tailer SFTP reads, so
// both number and complete lines the same way.
#include <QByteArray>
#include <QByteArrayView>

#include <functional>

namespace corral {

class JsonlLineSplitter {
public:
    // A complete line without its newline, and its 1-based number in the file.
    using LineHandler = std::function<void(QByteArrayView line, qint64 lineNumber)>;

    void feed(QByteArrayView bytes, const LineHandler &onLine);
    void reset();  // the file starts over

    qint64 linesRead() const { return m_line; }
    qsizetype pendingBytes() const { return m_pending.size(); }

private:
    qint64 m_line = 0;
    QByteArray m_pending;  // a partial last line
};

}  // namespace corral
