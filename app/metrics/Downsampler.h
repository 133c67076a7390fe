#pragma once
// What a chart draws of a long series: per pixel column of the visible x range, the points
// with the column's smallest and largest value (the stored points themselves, so every
// extreme is exact and a spike is never averaged away), in their original order. With the
// nearest point just outside each end (so the line reaches the plot's edges) that is at most
// 2 × width points however many are stored; a range holding fewer is drawn point for point.
// Recomputed whenever the range or the width changes (zoom, pan, resize, new data).
#include "metrics/ChunkedColumn.h"
#include "metrics/MinMaxSummary.h"

#include <QList>
#include <QPointF>

namespace corral {

struct DownsampleRequest {
    double x0 = 0, x1 = 1;      // visible range, in axis units (x - xOrigin)
    double xOrigin = 0;         // subtracted from stored x
    int widthPx = 2;            // plot width; at least 2
    bool positiveOnly = false;  // a log axis: values <= 0 cannot be drawn and are skipped
};

struct Downsampled {
    QList<QPointF> points;  // axis units; at most 2 × widthPx
    double yMin = 0, yMax = 0;  // over the points inside the range (exact); NaN when there are none
    qsizetype visibleCount = 0;  // stored points inside the range with a drawable value
};

// x must be sorted (NaNs only at its start); points whose y is NaN or infinite are skipped.
// `summary`, when it summarises `y` (extended to its current size or less), saves reading the
// whole groups of 64 values inside a pixel column; the result is the same with or without it.
Downsampled downsampleMinMax(const ChunkedColumn &x, const ChunkedColumn &y, const DownsampleRequest &request,
                             const MinMaxSummary *summary = nullptr);

}  // namespace corral
