#include "metrics/RemoteFileTail.h"

#include <QFileInfo>

namespace corral {

QString RemoteFileTail::fileName() const
{
    return QFileInfo(m_path).fileName();
}

void RemoteFileTail::startOver()
{
    m_offset = 0;
    m_check.clear();
    m_lines.reset();
    m_idle = false;
    m_restartPending = true;
}

bool RemoteFileTail::reportRestart(const RestartHandler &onRestart)
{
    if (!m_restartPending)
        return false;
    m_restartPending = false;
    if (onRestart)
        onRestart();
    return true;
}

Result<TailStep> RemoteFileTail::poll(TailFileReader &reader, qint64 maxBytes,
                                      const JsonlLineSplitter::LineHandler &onLine, const RestartHandler &onRestart)
{
    TailStep step;
    bool sizeChanged = false;
    if (m_idle) {
        const Result<qint64> size = reader.sizeOf(m_path);
        if (!size) {
            if (size.error().code != ErrorCode::NotFound)
                return size.error();
            if (m_offset > 0) {  // it was there and is gone: whatever comes next is a new file
                reader.forget(m_path);
                startOver();
                m_idle = true;
            }
            step.restarted = reportRestart(onRestart);
            return step;
        }
        if (size.value() == m_offset) {
            step.restarted = reportRestart(onRestart);
            return step;
        }
        sizeChanged = true;
    }

    // At most three reads: through the kept handle, through a fresh handle when the kept one
    // turned out stale, and from the start when the file was rewritten.
    for (int attempt = 0; attempt < 3; ++attempt) {
        const qsizetype check = qMin<qsizetype>(m_check.size(), m_offset);
        const Result<QByteArray> data = reader.readKept(m_path, m_offset - check, check + maxBytes);
        if (!data) {
            if (data.error().code != ErrorCode::NotFound)
                return data.error();
            if (m_offset > 0) {  // it was there and is gone
                reader.forget(m_path);
                startOver();
            }
            m_idle = true;
            step.restarted = reportRestart(onRestart);
            return step;
        }
        const QByteArray &bytes = data.value();
        if (check > 0 && (bytes.size() < check || QByteArrayView(bytes).first(check) != QByteArrayView(m_check))) {
            // Shrunk or rewritten in place, or the path now names another file: from the start.
            reader.forget(m_path);
            startOver();
            continue;
        }
        const QByteArrayView fresh = QByteArrayView(bytes).sliced(check);
        if (fresh.isEmpty()) {
            if (sizeChanged) {
                // The path's size changed but the kept handle sees nothing new: it holds the old
                // file. Look through a new handle; the check bytes decide whether it continues it.
                reader.forget(m_path);
                sizeChanged = false;
                continue;
            }
            m_idle = true;
            step.restarted = reportRestart(onRestart);
            return step;
        }
        step.restarted = reportRestart(onRestart);
        m_lines.feed(fresh, onLine);
        m_offset += fresh.size();
        m_check = (m_check + fresh.toByteArray()).right(kCheckBytes);
        m_idle = false;
        step.newBytes = fresh.size();
        step.more = fresh.size() >= maxBytes;
        return step;
    }
    return makeError(ErrorCode::Runtime, "the file keeps changing while it is read", m_path.toStdString());
}

}  // namespace corral
