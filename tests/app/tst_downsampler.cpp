#include "metrics/Downsampler.h"
#include "metrics/Ema.h"

#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <limits>

using namespace corral;

namespace {

struct Columns {
    ChunkedColumn x, y;
};

// A noisy series with spikes, x = 0..n-1 scaled by `dx`.
Columns noisySeries(qsizetype n, double dx = 1.0, quint32 seed = 1)
{
    QRandomGenerator rng(seed);
    Columns c;
    for (qsizetype i = 0; i < n; ++i) {
        c.x.append(double(i) * dx);
        double v = 3.0 + std::sin(double(i) / 500.0) + rng.generateDouble() * 0.2;
        if (rng.bounded(1000) == 0)
            v += 10.0 * rng.generateDouble();  // a spike that must survive downsampling
        c.y.append(v);
    }
    return c;
}

bool containsPoint(const QList<QPointF> &points, double x, double y)
{
    for (const QPointF &p : points) {
        if (p.x() == x && p.y() == y)
            return true;
    }
    return false;
}

}  // namespace

class TestDownsampler : public QObject {
    Q_OBJECT
private slots:
    void neverMoreThanTwicePerPixel_data()
    {
        QTest::addColumn<int>("points");
        QTest::addColumn<int>("width");
        QTest::newRow("1M at 1600 px") << 1000000 << 1600;
        QTest::newRow("100k at 300 px") << 100000 << 300;
        QTest::newRow("10k at 2 px") << 10000 << 2;
        QTest::newRow("5k at 4000 px") << 5000 << 4000;
        QTest::newRow("3201 at 1600 px") << 3201 << 1600;
    }

    void neverMoreThanTwicePerPixel()
    {
        QFETCH(int, points);
        QFETCH(int, width);
        const Columns c = noisySeries(points);
        for (const auto &[x0, x1] : {std::pair{0.0, double(points - 1)}, std::pair{points * 0.25, points * 0.75},
                                     std::pair{-100.0, points * 2.0}}) {
            const Downsampled d = downsampleMinMax(c.x, c.y, {x0, x1, 0.0, width, false});
            QVERIFY2(d.points.size() <= 2 * width,
                     qPrintable(QStringLiteral("%1 points for %2 px").arg(d.points.size()).arg(width)));
            QVERIFY(d.points.size() >= std::min<qsizetype>(2, d.visibleCount));
            for (qsizetype i = 1; i < d.points.size(); ++i)
                QVERIFY(d.points[i - 1].x() <= d.points[i].x());  // drawn in x order
        }
    }

    void everyColumnKeepsItsExactMinimumAndMaximum()
    {
        const int width = 400;
        const qsizetype n = 200000;
        const Columns c = noisySeries(n, 0.5, 99);
        const double x0 = 1234.5, x1 = 80000.25;
        const Downsampled d = downsampleMinMax(c.x, c.y, {x0, x1, 0.0, width, false});
        // Independently: bucket every visible point into its pixel column and find the extremes.
        const int columns = width - 1;
        std::vector<double> lo(columns, std::numeric_limits<double>::infinity());
        std::vector<double> hi(columns, -std::numeric_limits<double>::infinity());
        std::vector<double> loX(columns), hiX(columns);
        double overallMin = std::numeric_limits<double>::infinity();
        double overallMax = -overallMin;
        for (qsizetype i = 0; i < n; ++i) {
            const double x = c.x[i];
            if (x < x0 || x > x1)
                continue;
            const int col = std::min(columns - 1, int((x - x0) * (double(columns) / (x1 - x0))));
            if (c.y[i] < lo[col]) {
                lo[col] = c.y[i];
                loX[col] = x;
            }
            if (c.y[i] > hi[col]) {
                hi[col] = c.y[i];
                hiX[col] = x;
            }
            overallMin = std::min(overallMin, c.y[i]);
            overallMax = std::max(overallMax, c.y[i]);
        }
        int checked = 0;
        for (int col = 0; col < columns; ++col) {
            if (!std::isfinite(lo[col]))
                continue;
            QVERIFY2(containsPoint(d.points, loX[col], lo[col]), qPrintable(QStringLiteral("min of column %1").arg(col)));
            QVERIFY2(containsPoint(d.points, hiX[col], hi[col]), qPrintable(QStringLiteral("max of column %1").arg(col)));
            ++checked;
        }
        QCOMPARE(checked, columns);
        QCOMPARE(d.yMin, overallMin);
        QCOMPARE(d.yMax, overallMax);
        // Every drawn point is a stored point.
        for (const QPointF &p : d.points) {
            const qsizetype i = qsizetype(p.x() / 0.5);
            QCOMPARE(c.y[i], p.y());
        }
    }

    void aZoomedRangeIsRecomputedAtFullDetail()
    {
        const Columns c = noisySeries(100000);
        const Downsampled whole = downsampleMinMax(c.x, c.y, {0.0, 99999.0, 0.0, 800, false});
        QVERIFY(whole.points.size() <= 1600);
        // Zoomed to 1,000 steps at 800 px: fewer than 2 per column, so every stored point is drawn.
        const Downsampled zoomed = downsampleMinMax(c.x, c.y, {50000.0, 50999.0, 0.0, 800, false});
        QCOMPARE(zoomed.visibleCount, 1000);
        QCOMPARE(zoomed.points.size(), 1000 + 2);  // and one neighbour beyond each edge
        for (qsizetype i = 0; i < 1000; ++i)
            QCOMPARE(zoomed.points[i + 1], QPointF(c.x[50000 + i], c.y[50000 + i]));
        QCOMPARE(zoomed.points.first().x(), 49999.0);
        QCOMPARE(zoomed.points.last().x(), 51000.0);
        // Panned: the same width of range elsewhere, again exact.
        const Downsampled panned = downsampleMinMax(c.x, c.y, {70000.0, 70999.0, 0.0, 800, false});
        QCOMPARE(panned.points[1], QPointF(70000.0, c.y[70000]));
    }

    void originNansAndLogAxis()
    {
        ChunkedColumn x, y;
        const double values[] = {1.0, std::nan(""), -2.0, 0.0, 4.0, 8.0};
        for (int i = 0; i < 6; ++i) {
            x.append(1000.0 + i);
            y.append(values[i]);
        }
        const Downsampled linear = downsampleMinMax(x, y, {0.0, 5.0, 1000.0, 100, false});
        QCOMPARE(linear.points.size(), 5);  // the NaN is skipped
        QCOMPARE(linear.points.first(), QPointF(0.0, 1.0));  // x counted from the origin
        QCOMPARE(linear.yMin, -2.0);
        const Downsampled log = downsampleMinMax(x, y, {0.0, 5.0, 1000.0, 100, true});
        QCOMPARE(log.points.size(), 3);  // -2 and 0 have no place on a log axis
        QCOMPARE(log.yMin, 1.0);
        const Downsampled empty = downsampleMinMax(x, y, {10.0, 20.0, 1000.0, 100, false});
        QCOMPARE(empty.visibleCount, 0);
        QVERIFY(std::isnan(empty.yMin));
        QCOMPARE(empty.points.size(), 1);  // only the neighbour to the left, for the line's continuity
    }

    // The group summary changes the work, never the result: the same points, extremes and counts
    // with and without it, on values with ties, NaNs, infinities and values <= 0, linear and log,
    // for ranges and widths that cut groups anywhere, with the summary extended piece by piece.
    void theSummaryGivesTheSameViewAsThePlainScan()
    {
        QRandomGenerator rng(7);
        ChunkedColumn x, y;
        MinMaxSummary summary;
        const qsizetype n = 50000;
        for (qsizetype i = 0; i < n; ++i) {
            x.append(double(i));
            const quint32 kind = rng.bounded(100);
            y.append(kind == 0   ? std::numeric_limits<double>::quiet_NaN()
                     : kind == 1 ? std::numeric_limits<double>::infinity()
                     : kind < 6  ? -double(rng.bounded(3))           // zero and negatives: not on a log axis
                                 : double(1 + rng.bounded(20)) / 4.0);  // few distinct values: many ties
            if (rng.bounded(5000) == 0)
                summary.extend(y);  // a part, then more: as a live run grows
        }
        summary.extend(y);
        QCOMPARE(summary.groups(), n / MinMaxSummary::kGroupSize);
        QVERIFY(summary.summarises(y));
        int compared = 0;
        for (int trial = 0; trial < 300; ++trial) {
            const double a = rng.bounded(double(n)), b = rng.bounded(double(n));
            const DownsampleRequest request{std::min(a, b), std::max(a, b), 0.0, 2 + int(rng.bounded(1600)),
                                            trial % 2 == 1};
            const Downsampled plain = downsampleMinMax(x, y, request);
            const Downsampled fast = downsampleMinMax(x, y, request, &summary);
            QCOMPARE(fast.points, plain.points);
            QCOMPARE(fast.visibleCount, plain.visibleCount);
            QVERIFY((std::isnan(fast.yMin) && std::isnan(plain.yMin)) || fast.yMin == plain.yMin);
            QVERIFY((std::isnan(fast.yMax) && std::isnan(plain.yMax)) || fast.yMax == plain.yMax);
            compared += plain.points.size();
        }
        QVERIFY(compared > 100000);  // the ranges were wide enough to go column by column

        // A summary of another column, or one left behind by a column that shrank, is not used.
        ChunkedColumn other;
        for (qsizetype i = 0; i < n; ++i)
            other.append(1.0);
        const DownsampleRequest whole{0.0, double(n), 0.0, 800, false};
        QCOMPARE(downsampleMinMax(x, other, whole, &summary).points, downsampleMinMax(x, other, whole).points);
        ChunkedColumn shorter;
        for (qsizetype i = 0; i < 1000; ++i)
            shorter.append(y[i]);
        summary.extend(shorter);
        QCOMPARE(summary.groups(), 1000 / MinMaxSummary::kGroupSize);
    }

    void emaMatchesTheClosedForm()
    {
        // Debiased EMA: s_i = sum_k (1-w) w^(i-k) y_k / (1 - w^(m)), over the m finite values so far.
        const double ys[] = {1.0, 2.0, 4.0, 8.0, std::nan(""), 3.0, -1.0, 0.5};
        for (const double w : {0.0, 0.3, 0.6, 0.95}) {
            EmaSmoother ema(w);
            std::vector<double> seen;
            for (const double y : ys) {
                const double s = ema.push(y);
                if (!std::isfinite(y)) {
                    QVERIFY(std::isnan(s));
                    continue;
                }
                seen.push_back(y);
                const size_t m = seen.size();
                double weighted = 0;
                for (size_t k = 0; k < m; ++k)
                    weighted += (1 - w) * std::pow(w, double(m - 1 - k)) * seen[k];
                const double expected = w == 0.0 ? y : weighted / (1 - std::pow(w, double(m)));
                QVERIFY2(std::fabs(s - expected) < 1e-12,
                         qPrintable(QStringLiteral("w=%1 m=%2: %3 vs %4").arg(w).arg(m).arg(s).arg(expected)));
            }
        }
        // The first value is never pulled towards zero, and a known pair by hand: w=0.5 over 1, 3
        // gives (0.25 + 1.5) / 0.75.
        EmaSmoother half(0.5);
        QCOMPARE(half.push(1.0), 1.0);
        QCOMPARE(half.push(3.0), (0.5 * 0.5 * 1.0 + 0.5 * 3.0) / 0.75);
    }
};

QTEST_GUILESS_MAIN(TestDownsampler)
#include "tst_downsampler.moc"
