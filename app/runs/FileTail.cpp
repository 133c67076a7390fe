#include "runs/FileTail.h"

#include "remote/SshConnection.h"

#include <QFile>

namespace corral {

ChunkReader localChunkReader()
{
    // Local log files are read in place: a bounded read from the page cache costs microseconds,
    // far less than handing it to another thread.
    return [](const QString &path, qint64 offset, qint64 maxBytes) {
        RemoteChunk chunk;
        QFile file(path);
        if (!file.exists())
            return QtFuture::makeReadyFuture(Result<RemoteChunk>(chunk));
        if (!file.open(QIODevice::ReadOnly))
            return QtFuture::makeReadyFuture(Result<RemoteChunk>(
                makeError(ErrorCode::Io, file.errorString().toStdString(), path.toStdString())));
        chunk.fileSize = file.size();
        if (offset < chunk.fileSize && file.seek(offset))
            chunk.data = file.read(maxBytes);
        return QtFuture::makeReadyFuture(Result<RemoteChunk>(chunk));
    };
}

ChunkReader remoteChunkReader(SshConnection *connection)
{
    QPointer<SshConnection> guard(connection);
    return [guard](const QString &path, qint64 offset, qint64 maxBytes) {
        if (!guard)
            return QtFuture::makeReadyFuture(
                Result<RemoteChunk>(makeError(ErrorCode::Runtime, "the connection is closed", path.toStdString())));
        return guard->readFrom(path, offset, maxBytes);
    };
}

FileTail::FileTail(ChunkReader reader, QString path, int intervalMs, QObject *parent)
    : QObject(parent), m_reader(std::move(reader)), m_path(std::move(path)), m_timer(this)
{
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &FileTail::pollNow);
}

void FileTail::start()
{
    m_stopped = false;
    m_finishing = false;
    m_timer.start();
    pollNow();
}

void FileTail::stop()
{
    m_stopped = true;
    m_timer.stop();
}

void FileTail::finish()
{
    m_stopped = false;
    m_finishing = true;
    m_timer.stop();
    if (m_inFlight)
        m_readAgain = true;
    else
        pollNow();
}

void FileTail::pollNow()
{
    if (m_inFlight || m_stopped)
        return;
    m_inFlight = true;
    m_reader(m_path, m_offset, kChunkBytes).then(this, [this](const Result<RemoteChunk> &chunk) { onChunk(chunk); });
}

void FileTail::onChunk(const Result<RemoteChunk> &chunk)
{
    m_inFlight = false;
    if (m_stopped)
        return;
    auto done = [this] {
        if (!m_finishing)
            return;
        if (std::exchange(m_readAgain, false))
            return pollNow();
        stop();
        emit finished();
    };
    if (!chunk) {
        emit readFailed(QString::fromStdString(chunk.error().toString()));
        return done();
    }
    const RemoteChunk &c = chunk.value();
    if (c.fileSize < m_offset) {
        m_offset = 0;
        emit restarted();
        return pollNow();
    }
    if (!c.data.isEmpty()) {
        m_offset += c.data.size();
        emit appended(c.data);
    }
    if (!c.data.isEmpty() && m_offset < c.fileSize)
        return pollNow();  // more is there: read on without waiting for the timer
    done();
}

}  // namespace corral
