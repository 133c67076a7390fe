#include "remote/SftpClient.h"

#include "remote/SshSession.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>

namespace corral {

namespace {
constexpr qint64 kChunk = 32 * 1024;  // below SFTP servers' usual 32 KiB+ packet limits
// One read request of the tail: OpenSSH's sftp-server answers reads of up to 256 KiB whole
// (what a tail needs per poll is a few hundred bytes; a backlog takes several requests).
constexpr qint64 kTailRead = 64 * 1024;
}

SftpClient::SftpClient(SshSession &session) : m_session(session) {}

void SftpClient::reset()
{
    m_kept.clear();  // handles belong to the session: close them first
    m_sftp.reset();
}

Error SftpClient::sftpError(const QString &what, const QString &path) const
{
    const QString host = m_session.endpoint().display();
    if (!m_session.isConnected())
        return connectionLost(host, QStringLiteral("%1 %2: connection lost").arg(what, path));
    const int code = m_sftp ? sftp_get_error(m_sftp.get()) : -1;
    QString reason;
    switch (code) {
    case SSH_FX_NO_SUCH_FILE: reason = QStringLiteral("no such file"); break;
    case SSH_FX_PERMISSION_DENIED: reason = QStringLiteral("permission denied"); break;
    case SSH_FX_NO_SUCH_PATH: reason = QStringLiteral("no such folder"); break;
    default: reason = m_session.lastError(); break;
    }
    const ErrorCode errorCode = code == SSH_FX_NO_SUCH_FILE || code == SSH_FX_NO_SUCH_PATH ? ErrorCode::NotFound
                                                                                             : ErrorCode::Runtime;
    return makeError(errorCode, QStringLiteral("%1 %2: %3").arg(what, path, reason).toStdString(), host.toStdString());
}

Result<sftp_session> SftpClient::sftp()
{
    if (m_sftp)
        return m_sftp.get();
    const QString host = m_session.endpoint().display();
    if (!m_session.isConnected())
        return connectionLost(host, QStringLiteral("SFTP: not connected"));
    m_sftp.reset(sftp_new(m_session.handle()));
    if (!m_sftp || sftp_init(m_sftp.get()) != SSH_OK) {
        m_sftp.reset();
        return makeError(ErrorCode::Runtime, QStringLiteral("the server has no SFTP subsystem: %1")
                                                 .arg(m_session.lastError()).toStdString(), host.toStdString());
    }
    return m_sftp.get();
}

Result<qint64> SftpClient::send(QIODevice &source, const QString &remotePath, const TransferProgress &progress, int mode)
{
    auto s = sftp();
    if (!s)
        return s.error();
    const QByteArray path = remotePath.toUtf8();
    ssh::SftpFile file(sftp_open(s.value(), path.constData(), O_WRONLY | O_CREAT | O_TRUNC, static_cast<mode_t>(mode)));
    if (!file)
        return sftpError(QStringLiteral("cannot create"), remotePath);
    const qint64 total = source.size();
    qint64 done = 0;
    while (!source.atEnd()) {
        const QByteArray chunk = source.read(kChunk);
        if (sftp_write(file.get(), chunk.constData(), static_cast<size_t>(chunk.size())) != chunk.size())
            return sftpError(QStringLiteral("cannot write"), remotePath);
        done += chunk.size();
        if (progress)
            progress(done, total);
    }
    return done;
}

Status SftpClient::writeFile(const QString &remotePath, const QByteArray &bytes, int mode)
{
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    auto sent = send(buffer, remotePath, {}, mode);
    if (!sent)
        return sent.error();
    return okStatus();
}

namespace {
// Up to `length` bytes of an open remote file from `offset` (fewer at its end).
QByteArray readRemoteAt(sftp_file file, qint64 offset, qint64 length)
{
    QByteArray bytes(static_cast<qsizetype>(length), Qt::Uninitialized);
    if (sftp_seek64(file, static_cast<uint64_t>(offset)) != 0)
        return {};
    qint64 got = 0;
    while (got < length) {
        const ssize_t n = sftp_read(file, bytes.data() + got, static_cast<size_t>(qMin(kChunk, length - got)));
        if (n <= 0)
            break;
        got += n;
    }
    bytes.truncate(static_cast<qsizetype>(got));
    return bytes;
}

QByteArray readLocalAt(QFile &file, qint64 offset, qint64 length)
{
    return file.seek(offset) ? file.read(length) : QByteArray();
}
}  // namespace

QString SftpClient::partialName(const QString &remotePath) { return remotePath + QStringLiteral(".corral-part"); }

Result<qint64> SftpClient::resumableBytes(QFile &local, const QString &partPath)
{
    auto s = sftp();
    if (!s)
        return s.error();
    const QByteArray path = partPath.toUtf8();
    ssh::SftpFile part(sftp_open(s.value(), path.constData(), O_RDONLY, 0));
    if (!part) {
        if (!m_session.isConnected())
            return sftpError(QStringLiteral("cannot open"), partPath);
        return qint64(0);  // none yet (or unreadable: it is started over)
    }
    const ssh::SftpAttributes attributes(sftp_fstat(part.get()));
    if (!attributes)
        return sftpError(QStringLiteral("cannot stat"), partPath);
    const qint64 size = static_cast<qint64>(attributes->size);
    if (size <= 0 || size > local.size())
        return qint64(0);  // not a prefix of this file
    // What an earlier attempt sent must be this file's beginning: its first and last 64 KiB are
    // compared (a different file of a longer size, or one edited since, is sent again whole).
    constexpr qint64 kCompare = 64 * 1024;
    const qint64 headLength = qMin(kCompare, size);
    const qint64 tailOffset = qMax<qint64>(0, size - kCompare);
    const QByteArray remoteHead = readRemoteAt(part.get(), 0, headLength);
    const QByteArray remoteTail = readRemoteAt(part.get(), tailOffset, size - tailOffset);
    if (!m_session.isConnected())
        return sftpError(QStringLiteral("cannot read"), partPath);
    if (remoteHead != readLocalAt(local, 0, headLength) || remoteTail != readLocalAt(local, tailOffset, size - tailOffset))
        return qint64(0);
    return size;
}

Status SftpClient::renameOnto(const QString &from, const QString &to)
{
    auto s = sftp();
    if (!s)
        return s.error();
    const QByteArray fromBytes = from.toUtf8(), toBytes = to.toUtf8();
    if (sftp_rename(s.value(), fromBytes.constData(), toBytes.constData()) != 0) {
        if (!m_session.isConnected())
            return sftpError(QStringLiteral("cannot rename onto"), to);
        // SFTP version 3 (OpenSSH's server) refuses to replace: remove, then rename. The name is
        // briefly absent, never half written.
        sftp_unlink(s.value(), toBytes.constData());
        if (sftp_rename(s.value(), fromBytes.constData(), toBytes.constData()) != 0)
            return sftpError(QStringLiteral("cannot rename onto"), to);
    }
    return okStatus();
}

Result<qint64> SftpClient::upload(const QString &localPath, const QString &remotePath,
                                  const TransferProgress &progress, int mode)
{
    QFile local(localPath);
    if (!local.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::Io, QStringLiteral("cannot read %1: %2").arg(localPath, local.errorString()).toStdString());
    const QString part = partialName(remotePath);
    const Result<qint64> resumable = resumableBytes(local, part);
    if (!resumable)
        return resumable.error();
    auto s = sftp();
    if (!s)
        return s.error();
    const qint64 total = local.size();
    qint64 done = resumable.value();
    {
        const QByteArray path = part.toUtf8();
        const int flags = done > 0 ? O_WRONLY : O_WRONLY | O_CREAT | O_TRUNC;
        ssh::SftpFile file(sftp_open(s.value(), path.constData(), flags, static_cast<mode_t>(mode)));
        if (!file)
            return sftpError(QStringLiteral("cannot create"), part);
        if ((done > 0 && sftp_seek64(file.get(), static_cast<uint64_t>(done)) != 0) || !local.seek(done))
            return sftpError(QStringLiteral("cannot seek in"), part);
        if (progress)
            progress(done, total);
        while (!local.atEnd()) {
            const QByteArray chunk = local.read(kChunk);
            if (chunk.isEmpty())
                return makeError(ErrorCode::Io, QStringLiteral("cannot read %1: %2").arg(localPath, local.errorString()).toStdString());
            if (sftp_write(file.get(), chunk.constData(), static_cast<size_t>(chunk.size())) != chunk.size())
                return sftpError(QStringLiteral("cannot write"), part);
            done += chunk.size();
            if (progress)
                progress(done, total);
        }
        if (sftp_extension_supported(s.value(), "fsync@openssh.com", "1") && sftp_fsync(file.get()) != 0)
            return sftpError(QStringLiteral("cannot flush"), part);
    }
    // Renamed only when complete: the final name never shows a part of the file.
    const Result<qint64> sent = sizeOfPath(part);
    if (!sent)
        return sent.error();
    if (sent.value() != total)
        return makeError(ErrorCode::Runtime,
                         QStringLiteral("%1: %2 bytes arrived of %3").arg(part).arg(sent.value()).arg(total).toStdString(),
                         m_session.endpoint().display().toStdString());
    if (auto st = renameOnto(part, remotePath); !st)
        return st.error();
    return total;
}

Result<qint64> SftpClient::download(const QString &remotePath, const QString &localPath, bool resume,
                                    const TransferProgress &progress)
{
    auto s = sftp();
    if (!s)
        return s.error();
    const QByteArray path = remotePath.toUtf8();
    const ssh::SftpAttributes attributes(sftp_stat(s.value(), path.constData()));
    if (!attributes)
        return sftpError(QStringLiteral("cannot stat"), remotePath);
    const qint64 total = static_cast<qint64>(attributes->size);

    // The bytes collect in LOCAL.part, renamed to LOCAL once all are there: the final name never
    // holds half a file. A partial copy an older version left under the final name is taken over.
    const QString partPath = localPath + QStringLiteral(".part");
    if (resume && !QFile::exists(partPath) && QFile::exists(localPath) && QFileInfo(localPath).size() <= total)
        QFile::rename(localPath, partPath);
    QFile local(partPath);
    // A partial file longer than the remote one is not a prefix of it: start over.
    const bool continuing = resume && local.exists() && local.size() <= total;
    if (!local.open(continuing ? QIODevice::Append : QIODevice::WriteOnly | QIODevice::Truncate))
        return makeError(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(partPath, local.errorString()).toStdString());
    qint64 done = continuing ? local.size() : 0;

    ssh::SftpFile file(sftp_open(s.value(), path.constData(), O_RDONLY, 0));
    if (!file)
        return sftpError(QStringLiteral("cannot open"), remotePath);
    if (done > 0 && sftp_seek64(file.get(), static_cast<uint64_t>(done)) != 0)
        return sftpError(QStringLiteral("cannot seek in"), remotePath);
    if (progress)
        progress(done, total);
    char buffer[kChunk];
    for (;;) {
        const ssize_t n = sftp_read(file.get(), buffer, sizeof buffer);
        if (n < 0)
            return sftpError(QStringLiteral("cannot read"), remotePath);
        if (n == 0)
            break;
        if (local.write(buffer, n) != n)
            return makeError(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(partPath, local.errorString()).toStdString());
        done += n;
        if (progress)
            progress(done, total);
    }
    if (!local.flush())
        return makeError(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(partPath, local.errorString()).toStdString());
    local.close();
    if (done != total)  // the remote file changed while it was read: what is here may be mixed
        return makeError(ErrorCode::Runtime,
                         QStringLiteral("%1: %2 bytes read, the file had %3 when the copy began").arg(remotePath).arg(done).arg(total)
                             .toStdString(),
                         m_session.endpoint().display().toStdString());
    // rename(2) replaces the target in one step.
    if (::rename(QFile::encodeName(partPath).constData(), QFile::encodeName(localPath).constData()) != 0)
        return makeError(ErrorCode::Io, QStringLiteral("cannot rename %1 to %2: %3")
                                            .arg(partPath, localPath, QString::fromLocal8Bit(strerror(errno)))
                                            .toStdString());
    return done;
}

Result<RemoteChunk> SftpClient::readFrom(const QString &remotePath, qint64 offset, qint64 maxBytes)
{
    auto s = sftp();
    if (!s)
        return s.error();
    const QByteArray path = remotePath.toUtf8();
    ssh::SftpFile file(sftp_open(s.value(), path.constData(), O_RDONLY, 0));
    if (!file)
        return sftpError(QStringLiteral("cannot open"), remotePath);
    const ssh::SftpAttributes attributes(sftp_fstat(file.get()));
    if (!attributes)
        return sftpError(QStringLiteral("cannot stat"), remotePath);
    RemoteChunk chunk;
    chunk.fileSize = static_cast<qint64>(attributes->size);
    if (offset >= chunk.fileSize)
        return chunk;
    if (sftp_seek64(file.get(), static_cast<uint64_t>(offset)) != 0)
        return sftpError(QStringLiteral("cannot seek in"), remotePath);
    const qint64 wanted = qMin(maxBytes, chunk.fileSize - offset);
    chunk.data.resize(static_cast<qsizetype>(wanted));
    qint64 got = 0;
    while (got < wanted) {
        const ssize_t n = sftp_read(file.get(), chunk.data.data() + got, static_cast<size_t>(qMin(kChunk, wanted - got)));
        if (n < 0)
            return sftpError(QStringLiteral("cannot read"), remotePath);
        if (n == 0)
            break;
        got += n;
    }
    chunk.data.truncate(static_cast<qsizetype>(got));
    return chunk;
}

Result<QList<RemoteEntry>> SftpClient::listDirectory(const QString &remotePath)
{
    auto s = sftp();
    if (!s)
        return s.error();
    const QByteArray path = remotePath.toUtf8();
    sftp_dir dir = sftp_opendir(s.value(), path.constData());
    if (!dir)
        return sftpError(QStringLiteral("cannot list"), remotePath);
    QList<RemoteEntry> entries;
    while (sftp_attributes attributes = sftp_readdir(s.value(), dir)) {
        const ssh::SftpAttributes owned(attributes);
        const QString name = QString::fromUtf8(owned->name);
        if (name == QLatin1StringView(".") || name == QLatin1StringView(".."))
            continue;
        entries.append({name, static_cast<qint64>(owned->size), owned->type == SSH_FILEXFER_TYPE_DIRECTORY,
                        static_cast<qint64>(owned->mtime), owned->type == SSH_FILEXFER_TYPE_SYMLINK});
    }
    const bool complete = sftp_dir_eof(dir) == 1;
    sftp_closedir(dir);
    if (!complete)
        return sftpError(QStringLiteral("cannot list"), remotePath);
    return entries;
}

Result<RemoteEntry> SftpClient::stat(const QString &remotePath)
{
    auto s = sftp();
    if (!s)
        return s.error();
    const QByteArray path = remotePath.toUtf8();
    const ssh::SftpAttributes attributes(sftp_stat(s.value(), path.constData()));
    if (!attributes)
        return sftpError(QStringLiteral("cannot stat"), remotePath);
    return RemoteEntry{remotePath.section(QLatin1Char('/'), -1), static_cast<qint64>(attributes->size),
                       attributes->type == SSH_FILEXFER_TYPE_DIRECTORY, static_cast<qint64>(attributes->mtime), false};
}

Result<QString> SftpClient::canonicalPath(const QString &remotePath)
{
    auto s = sftp();
    if (!s)
        return s.error();
    const QByteArray path = remotePath.toUtf8();
    char *resolved = sftp_canonicalize_path(s.value(), path.constData());
    if (!resolved)
        return sftpError(QStringLiteral("cannot resolve"), remotePath);
    QString absolute = QString::fromUtf8(resolved);
    ssh_string_free_char(resolved);
    return absolute;
}

Result<QByteArray> SftpClient::readFile(const QString &remotePath, qint64 maxBytes)
{
    auto chunk = readFrom(remotePath, 0, maxBytes);
    if (!chunk)
        return chunk.error();
    if (chunk.value().fileSize > maxBytes)
        return makeError(ErrorCode::InvalidArgument,
                         QStringLiteral("%1: larger than %2 bytes").arg(remotePath).arg(maxBytes).toStdString(),
                         m_session.endpoint().display().toStdString());
    return std::move(chunk.value().data);
}

Status SftpClient::replaceFile(const QString &remotePath, const QByteArray &bytes, int mode)
{
    const QString temporary = remotePath + QStringLiteral(".corral-tmp");
    if (auto st = writeFile(temporary, bytes, mode); !st)
        return st;
    return renameOnto(temporary, remotePath);
}

Result<qint64> SftpClient::sizeOfPath(const QString &remotePath)
{
    auto entry = stat(remotePath);
    if (!entry)
        return entry.error();
    return entry.value().size;
}

Result<QByteArray> SftpClient::readKept(const QString &remotePath, qint64 offset, qint64 maxBytes)
{
    auto s = sftp();
    if (!s)
        return s.error();
    auto it = m_kept.find(remotePath);
    if (it == m_kept.end()) {
        const QByteArray path = remotePath.toUtf8();
        ++m_tailRequests;
        ssh::SftpFile file(sftp_open(s.value(), path.constData(), O_RDONLY, 0));
        if (!file)
            return sftpError(QStringLiteral("cannot open"), remotePath);
        it = m_kept.emplace(remotePath, std::move(file)).first;
    }
    sftp_file file = it->second.get();
    // The seek is local (it sets the next request's offset) and clears libssh's end-of-file mark.
    if (sftp_seek64(file, static_cast<uint64_t>(offset)) != 0)
        return sftpError(QStringLiteral("cannot seek in"), remotePath);
    QByteArray data;
    while (data.size() < maxBytes) {
        const qint64 wanted = qMin(kTailRead, maxBytes - data.size());
        const qsizetype at = data.size();
        data.resize(at + wanted);
        ++m_tailRequests;
        const ssize_t n = sftp_read(file, data.data() + at, static_cast<size_t>(wanted));
        if (n < 0) {
            Error error = sftpError(QStringLiteral("cannot read"), remotePath);
            m_kept.erase(remotePath);
            return error;
        }
        data.truncate(at + n);
        if (n < wanted)
            break;  // the end of the file as it is now: no request just to hear "EOF"
    }
    return data;
}

Result<qint64> SftpClient::sizeOf(const QString &remotePath)
{
    if (auto s = sftp(); !s)
        return s.error();
    ++m_tailRequests;  // one stat request, counted as the tail's
    return sizeOfPath(remotePath);
}

void SftpClient::forget(const QString &remotePath)
{
    if (m_kept.erase(remotePath) > 0)
        ++m_tailRequests;  // the close
}

}  // namespace corral
