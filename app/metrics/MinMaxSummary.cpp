#include "metrics/MinMaxSummary.h"

#include <cmath>
#include <limits>

namespace corral {

namespace {

void note(MinMaxSummary::Extremes &e, double v, int offset)
{
    if (e.count++ == 0 || v < e.lowest) {
        e.lowest = v;
        e.lo = std::int8_t(offset);
    }
    if (e.count == 1 || v > e.highest) {
        e.highest = v;
        e.hi = std::int8_t(offset);
    }
}

}  // namespace

void MinMaxSummary::reset()
{
    m_column = nullptr;
    m_groups.clear();
}

void MinMaxSummary::extend(const ChunkedColumn &y)
{
    if (m_column != &y || groups() * kGroupSize > y.size()) {
        reset();
        m_column = &y;
    }
    const qsizetype complete = y.size() >> kGroupBits;
    m_groups.reserve(size_t(complete));
    for (qsizetype g = groups(); g < complete; ++g) {
        Group group;
        y.forEachSpan(g * kGroupSize, (g + 1) * kGroupSize, [&](const double *values, qsizetype n, qsizetype first) {
            for (qsizetype k = 0; k < n; ++k) {
                const double v = values[k];
                if (!(std::fabs(v) <= std::numeric_limits<double>::max()))
                    continue;  // NaN or infinite: never drawn
                const int offset = int(first + k - g * kGroupSize);
                note(group.finite, v, offset);
                if (v > 0)
                    note(group.positive, v, offset);
            }
        });
        m_groups.push_back(group);
    }
}

}  // namespace corral
