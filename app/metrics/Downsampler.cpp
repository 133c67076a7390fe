#include "metrics/Downsampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace corral {

namespace {
constexpr int kNeighbourSearch = 64;  // how far past a range end to look for a drawable point
}

Downsampled downsampleMinMax(const ChunkedColumn &x, const ChunkedColumn &y, const DownsampleRequest &req)
{
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
        const double scale = double(columns) / (ax1 - ax0);
        int column = -1;
        qsizetype lo = -1, hi = -1;
        const auto flush = [&]() {
            if (lo < 0)
                return;
            add(std::min(lo, hi));
            if (lo != hi)
                add(std::max(lo, hi));
            extend(y[lo]);
            extend(y[hi]);
        };
        for (qsizetype i = i0; i < i1; ++i) {
            if (!drawable(i))
                continue;
            ++out.visibleCount;
            const double v = y[i];
            const int c = std::clamp(int((x[i] - ax0) * scale), 0, columns - 1);
            if (c != column) {
                flush();
                column = c;
                lo = hi = i;
            } else if (v < y[lo]) {
                lo = i;
            } else if (v > y[hi]) {
                hi = i;
            }
        }
        flush();
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
