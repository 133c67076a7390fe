#include "RunColors.h"

#include <array>

namespace corral {

namespace {
// Ten colours that stay apart on white and for the common colour-vision deficiencies
// (Okabe–Ito first, then Tableau's darker tones).
constexpr std::array<QRgb, 10> kPalette = {0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00,
                                           0x56B4E9, 0x7F3C8D, 0x8C564B, 0x3D3D3D, 0xB8860B};
}  // namespace

quint32 RunColors::stableHash(const QString &text)
{
    quint32 hash = 2166136261u;
    for (const QChar c : text) {
        hash ^= c.unicode();
        hash *= 16777619u;
    }
    return hash;
}

int RunColors::paletteSize()
{
    return int(kPalette.size());
}

QColor RunColors::colorFor(const QString &runId)
{
    if (const auto it = m_assigned.constFind(runId); it != m_assigned.cend())
        return *it;
    const qsizetype n = m_assigned.size();
    const QColor chosen = n < qsizetype(kPalette.size()) ? QColor::fromRgb(kPalette[size_t(n)])
                                                         : QColor::fromHsv(int(stableHash(runId) % 360), 200, 170);
    m_assigned.insert(runId, chosen);
    return chosen;
}

}  // namespace corral
