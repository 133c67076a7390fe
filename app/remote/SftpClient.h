#pragma once
// File transfer over the connection's SSH session (the SFTP subsystem): upload and download
// with progress, download resuming from a partial local file, and reading a remote file from an
// offset (how the remote metric tailer follows metrics.jsonl without re-reading it).
// Like SshSession, used only from the connection's worker thread.
#include "config/Result.h"
#include "remote/SshHandles.h"

#include <QByteArray>
#include <QFile>
#include <QIODevice>
#include <QString>

#include <functional>
#include <map>

namespace corral {

class SshSession;

// (bytes done, bytes total); total is -1 when unknown.
using TransferProgress = std::function<void(qint64, qint64)>;

struct RemoteEntry {
    QString name;
    qint64 size = 0;
    bool isDirectory = false;
    qint64 modified = 0;  // unix seconds
    bool isLink = false;  // a symbolic link as listed; size and type are the link's, not its target's
};

struct RemoteChunk {
    QByteArray data;
    qint64 fileSize = 0;  // the remote file's size when it was read (a shrink means "rewritten")
};

class SftpClient {
public:
    explicit SftpClient(SshSession &session);

    // Copies `localPath` to `remotePath` (replacing it) with the given mode; returns its size.
    // The bytes go to `remotePath.corral-part`, renamed over `remotePath` once all are there, so
    // the final name never shows half a file. Resumable: a part an earlier attempt left (a broken
    // connection) is continued from its size when its first and last 64 KiB match the local file.
    Result<qint64> upload(const QString &localPath, const QString &remotePath, const TransferProgress &progress,
                          int mode = 0644);
    // Writes bytes to a remote file (run.yaml, job.sbatch).
    Status writeFile(const QString &remotePath, const QByteArray &bytes, int mode = 0644);
    // Copies `remotePath` to `localPath`, through `localPath.part` renamed into place once
    // complete. With `resume`, a shorter .part (or a shorter file under the final name, left by
    // an older version) is continued from its size instead of started over. Returns the size.
    Result<qint64> download(const QString &remotePath, const QString &localPath, bool resume,
                            const TransferProgress &progress);
    // Up to maxBytes from `offset`; an empty chunk when nothing new is there.
    Result<RemoteChunk> readFrom(const QString &remotePath, qint64 offset, qint64 maxBytes);

    // A folder's entries ("." and ".." left out); ErrorCode::NotFound when it does not exist.
    Result<QList<RemoteEntry>> listDirectory(const QString &remotePath);
    // What a path names, links followed (ErrorCode::NotFound when nothing); `name` is its last part.
    Result<RemoteEntry> stat(const QString &remotePath);
    // The absolute form of a path as the server resolves it: "." is the login's home folder.
    Result<QString> canonicalPath(const QString &remotePath);
    // A whole small file (a JSON pointer, trainer_state.json), at most maxBytes.
    Result<QByteArray> readFile(const QString &remotePath, qint64 maxBytes = 1 << 20);
    // Writes bytes to a temporary sibling and renames it over `remotePath`, so a reader sees
    // the old file or the new one, never half of it (posix-rename@openssh.com where offered).
    Status replaceFile(const QString &remotePath, const QByteArray &bytes, int mode = 0644);

    // For the remote tail (RemoteFileTail): reads through a handle kept open between calls, so
    // a poll of a growing file is one request; the size of what a path names now; closing a
    // kept handle. tailRequests() counts the SFTP requests these made (open, read, stat, close).
    Result<QByteArray> readKept(const QString &remotePath, qint64 offset, qint64 maxBytes);
    Result<qint64> sizeOf(const QString &remotePath);
    void forget(const QString &remotePath);
    qint64 tailRequests() const { return m_tailRequests; }

    void reset();  // drop the SFTP channel (after the SSH session was reconnected)

    static QString partialName(const QString &remotePath);  // where upload() collects the bytes

private:
    Result<sftp_session> sftp();
    Result<qint64> send(QIODevice &source, const QString &remotePath, const TransferProgress &progress, int mode);
    Error sftpError(const QString &what, const QString &path) const;
    Result<qint64> resumableBytes(QFile &local, const QString &partPath);
    Status renameOnto(const QString &from, const QString &to);
    Result<qint64> sizeOfPath(const QString &remotePath);  // not counted as a tail request

    SshSession &m_session;
    ssh::Sftp m_sftp;
    std::map<QString, ssh::SftpFile> m_kept;  // declared after m_sftp: closed before their session goes
    qint64 m_tailRequests = 0;
};

}  // namespace corral
