#pragma once
// Follows a growing text file by offset, like `tail -f`, wherever it lives: a local file, or a
// file on a cluster read over SFTP (SshConnection::readFrom). Each poll asks only for the bytes
// after the last offset; a file that got shorter was rewritten and is read again from the start
// (restarted()). Reads are asynchronous (QFuture), at most one in flight, so the GUI thread
// never waits on a disk or a network. Used by the Logs tab for stdout/stderr of jobs.
#include "config/Result.h"
#include "remote/SftpClient.h"

#include <QByteArray>
#include <QFuture>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace corral {

class SshConnection;

// Reads up to maxBytes of `path` from `offset`, with the file's current size. A file that does not
// exist (yet) is an empty chunk of size 0 for the local reader; the remote one reports an error.
using ChunkReader = std::function<QFuture<Result<RemoteChunk>>(const QString &path, qint64 offset, qint64 maxBytes)>;

ChunkReader localChunkReader();
// Reads through `connection` (on its worker thread); the connection must outlive the reader's users.
ChunkReader remoteChunkReader(SshConnection *connection);

class FileTail : public QObject {
    Q_OBJECT
public:
    FileTail(ChunkReader reader, QString path, int intervalMs = 1000, QObject *parent = nullptr);

    void start();  // polls now and then every interval
    void stop();
    void pollNow();  // one read now, unless one is in flight
    // Reads what is there now, to the end, then stops and emits finished(): for a file whose
    // writer has ended (a finished job's log).
    void finish();
    bool isFollowing() const { return !m_stopped; }

    const QString &path() const { return m_path; }
    qint64 offset() const { return m_offset; }
    static constexpr qint64 kChunkBytes = 256 * 1024;

signals:
    void appended(const QByteArray &bytes);
    void restarted();  // the file shrank: what was shown is void; appended() follows with the new start
    // A read failed (no such file yet, connection down); the next interval tries again.
    void readFailed(const QString &message);
    void finished();

private:
    void onChunk(const Result<RemoteChunk> &chunk);

    ChunkReader m_reader;
    QString m_path;
    QTimer m_timer;
    qint64 m_offset = 0;
    bool m_inFlight = false;
    bool m_stopped = true;
    bool m_finishing = false;
    bool m_readAgain = false;  // finish() came while a read was in flight: that read may predate the end
};

}  // namespace corral
