#pragma once
// File transfer over the connection's SSH session (the SFTP subsystem): upload and download
// with progress, download resuming from a partial local file, and reading a remote file from an
// offset (how the remote metric tailer follows metrics.jsonl without re-reading it).
// Like SshSession, used only from the connection's worker thread.
#include "config/Result.h"
#include "remote/SshHandles.h"

#include <QByteArray>
#include <QIODevice>
#include <QString>

#include <functional>

namespace corral {

class SshSession;

// (bytes done, bytes total); total is -1 when unknown.
using TransferProgress = std::function<void(qint64, qint64)>;

struct RemoteChunk {
    QByteArray data;
    qint64 fileSize = 0;  // the remote file's size when it was read (a shrink means "rewritten")
};

class SftpClient {
public:
    explicit SftpClient(SshSession &session);

    // Writes `localPath` to `remotePath` (replacing it) with the given mode; returns the bytes sent.
    Result<qint64> upload(const QString &localPath, const QString &remotePath, const TransferProgress &progress,
                          int mode = 0644);
    // Writes bytes to a remote file (run.yaml, job.sbatch).
    Status writeFile(const QString &remotePath, const QByteArray &bytes, int mode = 0644);
    // Copies `remotePath` to `localPath`. With `resume`, a shorter local file is continued from its
    // size instead of started over. Returns the local file's final size.
    Result<qint64> download(const QString &remotePath, const QString &localPath, bool resume,
                            const TransferProgress &progress);
    // Up to maxBytes from `offset`; an empty chunk when nothing new is there.
    Result<RemoteChunk> readFrom(const QString &remotePath, qint64 offset, qint64 maxBytes);

    void reset();  // drop the SFTP channel (after the SSH session was reconnected)

private:
    Result<sftp_session> sftp();
    Result<qint64> send(QIODevice &source, const QString &remotePath, const TransferProgress &progress, int mode);
    Error sftpError(const QString &what, const QString &path) const;

    SshSession &m_session;
    ssh::Sftp m_sftp;
};

}  // namespace corral
