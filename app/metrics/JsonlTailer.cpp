#include "metrics/JsonlTailer.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonParseError>

#include <sys/stat.h>

namespace corral {

namespace {
constexpr qint64 kChunkBytes = 1 << 20;
}

JsonlTailer::JsonlTailer(QString path) : m_path(std::move(path)) {}

JsonlBatch JsonlTailer::poll()
{
    JsonlBatch batch;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return batch;  // not there yet: the trainer creates it when it starts

    struct stat st {};
    const bool haveStat = ::fstat(file.handle(), &st) == 0;
    const quint64 inode = haveStat ? static_cast<quint64>(st.st_ino) : 0;
    const qint64 size = file.size();
    if (m_seen && ((haveStat && inode != m_inode) || size < m_offset)) {
        batch.restarted = true;
        m_offset = 0;
        m_line = 0;
        m_pending.clear();
    }
    m_seen = true;
    m_inode = inode;

    if (!file.seek(m_offset))
        return batch;
    while (true) {
        const QByteArray chunk = file.read(kChunkBytes);
        if (chunk.isEmpty())
            break;
        m_offset += chunk.size();
        qsizetype start = 0;
        while (true) {
            const qsizetype newline = chunk.indexOf('\n', start);
            if (newline < 0) {
                m_pending += chunk.mid(start);
                break;
            }
            QByteArray line = m_pending + chunk.mid(start, newline - start);
            m_pending.clear();
            start = newline + 1;
            parseLine(line, batch);
        }
    }
    return batch;
}

void JsonlTailer::parseLine(const QByteArray &line, JsonlBatch &batch)
{
    ++m_line;
    if (line.trimmed().isEmpty())
        return;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        ++batch.malformedLines;
        const QString why = error.error != QJsonParseError::NoError ? error.errorString()
                                                                     : QStringLiteral("not a JSON object");
        batch.problems << QStringLiteral("%1:%2: %3").arg(QFileInfo(m_path).fileName()).arg(m_line).arg(why);
        return;
    }
    batch.objects.push_back(doc.object());
}

}  // namespace corral
