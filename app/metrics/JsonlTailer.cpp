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

QString JsonlTailer::fileName() const
{
    return QFileInfo(m_path).fileName();
}

bool JsonlTailer::isBlank(QByteArrayView line)
{
    for (const char c : line) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\v' && c != '\f')
            return false;
    }
    return true;
}

bool JsonlTailer::readLines(const LineHandler &onLine, qint64 maxBytes, bool *more)
{
    if (more)
        *more = false;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return false;  // not there yet: the trainer creates it when it starts

    bool restarted = false;
    struct stat st {};
    const bool haveStat = ::fstat(file.handle(), &st) == 0;
    const quint64 inode = haveStat ? static_cast<quint64>(st.st_ino) : 0;
    const qint64 size = file.size();
    if (m_seen && ((haveStat && inode != m_inode) || size < m_offset)) {
        restarted = true;
        m_offset = 0;
        m_lines.reset();
    }
    m_seen = true;
    m_inode = inode;

    if (!file.seek(m_offset))
        return restarted;
    if (m_buffer.size() != kChunkBytes)
        m_buffer.resize(kChunkBytes);
    qint64 readBytes = 0;
    while (maxBytes < 0 || readBytes < maxBytes) {
        const qint64 n = file.read(m_buffer.data(), kChunkBytes);
        if (n <= 0)
            break;
        m_offset += n;
        readBytes += n;
        m_lines.feed(QByteArrayView(m_buffer.constData(), n), onLine);
    }
    if (more)
        *more = m_offset < file.size();
    return restarted;
}

void JsonlTailer::addLine(QByteArrayView line, qint64 lineNumber, const QString &fileName, JsonlBatch &batch)
{
    if (isBlank(line))
        return;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(line.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        ++batch.malformedLines;
        const QString why = error.error != QJsonParseError::NoError ? error.errorString()
                                                                     : QStringLiteral("not a JSON object");
        batch.problems << QStringLiteral("%1:%2: %3").arg(fileName).arg(lineNumber).arg(why);
        return;
    }
    batch.objects.push_back(doc.object());
}

QString summarizeProblems(const QStringList &problems, int shown)
{
    QString text = problems.mid(0, shown).join(QStringLiteral("; "));
    if (problems.size() > shown)
        text += QStringLiteral("; and %1 more malformed lines").arg(problems.size() - shown);
    return text;
}

JsonlBatch JsonlTailer::poll()
{
    JsonlBatch batch;
    const QString name = fileName();
    batch.restarted = readLines([&](QByteArrayView line, qint64 lineNumber) { addLine(line, lineNumber, name, batch); });
    return batch;
}

}  // namespace corral
