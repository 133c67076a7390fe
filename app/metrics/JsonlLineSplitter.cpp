#include "metrics/JsonlLineSplitter.h"

#include <cstring>

namespace corral {

void JsonlLineSplitter::feed(QByteArrayView bytes, const LineHandler &onLine)
{
    const char *p = bytes.data();
    const char *const end = p + bytes.size();
    while (p < end) {
        const auto *newline = static_cast<const char *>(std::memchr(p, '\n', size_t(end - p)));
        if (!newline) {
            m_pending.append(p, end - p);
            break;
        }
        ++m_line;
        if (m_pending.isEmpty()) {
            onLine(QByteArrayView(p, newline - p), m_line);
        } else {
            m_pending.append(p, newline - p);
            onLine(m_pending, m_line);
            m_pending.clear();
        }
        p = newline + 1;
    }
}

void JsonlLineSplitter::reset()
{
    m_line = 0;
    m_pending.clear();
}

}  // namespace corral
