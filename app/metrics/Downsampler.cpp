#include "metrics/Downsampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace corral {

namespace {

constexpr int kNeighbourSearch = 64;  // how far past a range end to look for a drawable point

// The smallest and largest drawable value of a run of values, and where they are.
struct Extremes {
    double lowest = std::numeric_limits<double>::infinity();
    double highest = -std::numeric_limits<double>::infinity();
    qsizetype lo = -1, hi = -1, count = 0;
};

// Kept out of line with everything in locals, so the loop runs in registers (through
// captured references, the compiler stores the running extremes to memory every step).
template<bool PositiveOnly>
void scanExtremes(const double *values, qsizetype n, qsizetype first, Extremes &e)
{
    double lowest = e.lowest, highest = e.highest;
    qsizetype lo = e.lo, hi = e.hi, count = e.count;
    for (qsizetype k = 0; k < n; ++k) {
        const double v = values[k];
        if (!(std::fabs(v) <= std::numeric_limits<double>::max()) || (PositiveOnly && !(v > 0)))
            continue;  // NaN, infinite, or not on a log axis
        ++count;
        if (v < lowest) {
            lowest = v;
            lo = first + k;
        }
        if (v > highest) {
            highest = v;
            hi = first + k;
        }
    }
    e = {lowest, highest, lo, hi, count};
}

template<bool PositiveOnly>
void scanSpan(const ChunkedColumn &y, qsizetype begin, qsizetype end, Extremes &e)
{
    y.forEachSpan(begin, end, [&e](const double *values, qsizetype n, qsizetype first) {
        scanExtremes<PositiveOnly>(values, n, first, e);
    });
}

// The extremes of y[begin, end): the values before the first whole group and after the last
// read one by one, the whole groups between taken from the summary. Merged in index order with
// strict comparisons, as scanExtremes does, so the first of equal extremes wins either way.
template<bool PositiveOnly>
void scanColumn(const ChunkedColumn &y, const MinMaxSummary *summary, qsizetype begin, qsizetype end, Extremes &e)
{
    constexpr qsizetype G = MinMaxSummary::kGroupSize;
    const qsizetype g0 = (begin + G - 1) / G;
    const qsizetype g1 = summary ? std::min(end / G, summary->groups()) : 0;
    if (g1 - g0 < 2) {
        scanSpan<PositiveOnly>(y, begin, end, e);
        return;
    }
    scanSpan<PositiveOnly>(y, begin, g0 * G, e);
    for (qsizetype g = g0; g < g1; ++g) {
        const MinMaxSummary::Extremes &s = PositiveOnly ? summary->group(g).positive : summary->group(g).finite;
        if (s.count == 0)
            continue;
        e.count += s.count;
        if (s.lowest < e.lowest) {
            e.lowest = s.lowest;
            e.lo = g * G + s.lo;
        }
        if (s.highest > e.highest) {
            e.highest = s.highest;
            e.hi = g * G + s.hi;
        }
    }
    scanSpan<PositiveOnly>(y, g1 * G, end, e);
}

}  // namespace

Downsampled downsampleMinMax(const ChunkedColumn &x, const ChunkedColumn &y, const DownsampleRequest &req,
                             const MinMaxSummary *summary)
{
    if (summary && !summary->summarises(y))
        summary = nullptr;
    Downsampled out;
    out.yMin = out.yMax = std::numeric_limits<double>::quiet_NaN();
    const qsizetype n = std::min(x.size(), y.size());
    if (n == 0)
        return out;
    const double origin = req.xOrigin;
    const double ax0 = req.x0 + origin;
    const double ax1 = req.x1 + origin;
    const auto drawable = [&](qsizetype i) {
        const double v = y[i];
        return std::isfinite(v) && std::isfinite(x[i]) && (!req.positiveOnly || v > 0);
    };
    const auto add = [&](qsizetype i) { out.points.append(QPointF(x[i] - origin, y[i])); };
    const auto extend = [&](double v) {
        if (!(v >= out.yMin))
            out.yMin = v;
        if (!(v <= out.yMax))
            out.yMax = v;
    };

    const qsizetype i0 = std::min(x.lowerBound(ax0), n);
    const qsizetype i1 = std::min(x.upperBound(ax1), n);
    const int columns = std::max(1, req.widthPx - 1);
    out.points.reserve(2 * columns + 2);

    for (qsizetype i = i0 - 1; i >= 0 && i >= i0 - kNeighbourSearch; --i) {
        if (drawable(i)) {
            add(i);
            break;
        }
    }
    if (i1 - i0 <= 2 * qsizetype(columns) || !(ax1 > ax0)) {
        // Few enough to draw every one (or a range of zero width, which is one column).
        if (!(ax1 > ax0) && i1 - i0 > 2) {
            qsizetype lo = -1, hi = -1;
            for (qsizetype i = i0; i < i1; ++i) {
                if (!drawable(i))
                    continue;
                ++out.visibleCount;
                if (lo < 0 || y[i] < y[lo])
                    lo = i;
                if (hi < 0 || y[i] > y[hi])
                    hi = i;
            }
            if (lo >= 0) {
                add(std::min(lo, hi));
                if (lo != hi)
                    add(std::max(lo, hi));
                extend(y[lo]);
                extend(y[hi]);
            }
        } else {
            for (qsizetype i = i0; i < i1; ++i) {
                if (!drawable(i))
                    continue;
                ++out.visibleCount;
                add(i);
                extend(y[i]);
            }
        }
    } else {
        // Column by column: find where each pixel column's points end (x is sorted: a
        // galloping search from where the last one ended, its first probe as far on as the
        // last column was wide, which for evenly spaced steps is where it ends: two probes a
        // column instead of some twenty, each a likely cache miss in a long column), then one
        // pass over its values for the smallest and largest drawable one.
        const double scale = double(columns) / (ax1 - ax0);
        const auto columnOf = [&](qsizetype k) { return std::clamp(int((x[k] - ax0) * scale), 0, columns - 1); };
        const bool positiveOnly = req.positiveOnly;
        qsizetype i = i0;
        qsizetype lastWidth = 1;
        while (i < i1) {
            const int column = columnOf(i);
            qsizetype inside = i;
            if (const qsizetype guess = std::min(i1 - 1, i + lastWidth - 1); guess > i && columnOf(guess) == column)
                inside = guess;
            qsizetype past = inside + 1, stride = 1;
            while (past < i1 && columnOf(past) == column) {
                inside = past;
                stride *= 2;
                past = std::min(i1, past + stride);
            }
            while (past - inside > 1) {
                const qsizetype mid = inside + (past - inside) / 2;
                (columnOf(mid) == column ? inside : past) = mid;
            }
            Extremes e;
            if (positiveOnly)
                scanColumn<true>(y, summary, i, past, e);
            else
                scanColumn<false>(y, summary, i, past, e);
            lastWidth = past - i;
            if (e.lo >= 0) {
                out.visibleCount += e.count;
                add(std::min(e.lo, e.hi));
                if (e.lo != e.hi)
                    add(std::max(e.lo, e.hi));
                extend(e.lowest);
                extend(e.highest);
            }
            i = past;
        }
    }
    for (qsizetype i = i1; i < n && i < i1 + kNeighbourSearch; ++i) {
        if (drawable(i)) {
            add(i);
            break;
        }
    }
    return out;
}

}  // namespace corral
