#pragma once
// Follows one append-only JSON-lines file on a cluster (metrics.jsonl, events.jsonl) through
// SFTP, by offset, with the same guarantees as the local JsonlTailer: each complete line once,
// a partial last line kept until its newline, a file that shrank or was replaced read again
// from the start (and said so), and — because the state only moves after a read succeeded —
// a dropped connection simply resumes from the stored offset.
//
// Round trips: a handle stays open between polls, so while the file grows a poll is ONE read
// request. After a poll that found nothing new, the next one first asks the path's size (also
// one request) and reads only when it changed. SFTP has no inode to tell a replaced file from
// a grown one, so every read starts a few bytes before the offset and compares them with the
// bytes already consumed there: if they differ, the file was rewritten; and a kept handle that
// sees no growth while the path's size changed means the path names another file now.
#include "config/Result.h"
#include "metrics/JsonlLineSplitter.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace corral {

// The file operations the tail needs; SftpClient provides them on the connection's thread.
class TailFileReader {
public:
    virtual ~TailFileReader() = default;
    // Up to maxBytes from `offset` through a handle opened on first use and kept; ErrorCode::NotFound
    // when the file does not exist.
    virtual Result<QByteArray> readKept(const QString &path, qint64 offset, qint64 maxBytes) = 0;
    // The size of the file the path names now (which may no longer be the kept handle's file).
    virtual Result<qint64> sizeOf(const QString &path) = 0;
    // Closes the kept handle: the next readKept opens the path again.
    virtual void forget(const QString &path) = 0;
};

struct TailStep {
    bool restarted = false;  // the file was rewritten: lines handed on before this call are void
    qint64 newBytes = 0;
    bool more = false;  // stopped at maxBytes with more to read
};

class RemoteFileTail {
public:
    static constexpr qsizetype kCheckBytes = 64;  // bytes before the offset compared on every read

    explicit RemoteFileTail(QString path) : m_path(std::move(path)) {}

    using RestartHandler = std::function<void()>;

    // Hands each line appended since the last call to `onLine`, reading about maxBytes at most.
    // When the file was rewritten, `onRestart` comes first: every line handed on before is void.
    // On an error nothing has changed and the next call reads from the same offset; a missing
    // file is not an error (nothing yet), unless it had content before (then: restarted).
    Result<TailStep> poll(TailFileReader &reader, qint64 maxBytes, const JsonlLineSplitter::LineHandler &onLine,
                          const RestartHandler &onRestart = {});

    const QString &path() const { return m_path; }
    QString fileName() const;
    qint64 offset() const { return m_offset; }  // bytes consumed, a pending partial line included
    qint64 linesRead() const { return m_lines.linesRead(); }

private:
    void startOver();
    bool reportRestart(const RestartHandler &onRestart);

    QString m_path;
    qint64 m_offset = 0;
    QByteArray m_check;  // the last bytes before m_offset
    JsonlLineSplitter m_lines;
    bool m_idle = false;            // the last poll found nothing new: ask the size first
    bool m_restartPending = false;  // started over, not yet reported by a successful poll
};

}  // namespace corral
