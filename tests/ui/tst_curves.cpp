#include "CurvesPanel.h"
#include "RunSummaryTable.h"
#include "metrics/SeriesStore.h"

#include <QChart>
#include <QFile>
#include <QImage>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstdlib>

using namespace corral;

// The Curves tab on a store filled directly: overlay, colours, legend, downsampling bound,
// zoom and pan, log scale, markers, tooltip, exports and the summary.
namespace {

const QString kRunA = QStringLiteral("/runs/a");
const QString kRunB = QStringLiteral("/runs/b");

void fill(SeriesStore &store, const QString &id, int steps, double scale)
{
    QVector<MetricRecord> records;
    for (int step = 0; step <= steps; ++step) {
        if (step > 0) {
            MetricRecord r;
            r.kind = MetricRecord::Kind::Train;
            r.step = step;
            r.tokens = step * 4096.0;
            r.loss = scale * (2.0 + 3.0 / std::sqrt(step)) + 0.1 * std::sin(step * 0.7);
            r.lr = 1e-3;
            r.gradNorm = 1.0;
            r.tokensPerSecond = 9000.0;
            r.time = 1000.0 + step;
            r.elapsedSeconds = step;
            records.push_back(r);
        }
        if (step % 50 == 0) {
            MetricRecord v;
            v.kind = MetricRecord::Kind::Val;
            v.step = step;
            v.loss = scale * (2.1 + 3.0 / std::sqrt(step + 1));
            v.time = 1000.5 + step;
            records.push_back(v);
        }
    }
    store.appendMetrics(id, records);
    auto event = [](const char *kind, int step) {
        return QJsonObject{{QStringLiteral("kind"), QString::fromLatin1(kind)},
                           {QStringLiteral("step"), step},
                           {QStringLiteral("time"), 1000.0 + step}};
    };
    store.appendEvents(id, {event("started", 0), event("checkpoint", steps / 2), event("checkpoint", steps)});
}

// The panel shown at 1000 × 700 with `runs` overlaid; false if the window never appeared.
bool showRuns(CurvesPanel &panel, const QList<ChartRun> &runs)
{
    panel.resize(1000, 700);
    panel.show();
    if (!QTest::qWaitForWindowExposed(&panel))
        return false;
    panel.setRuns(runs);
    return true;
}

QStringList visibleLegendLabels(QChart *chart)
{
    QStringList labels;
    for (QLegendMarker *marker : chart->legend()->markers()) {
        if (marker->isVisible())
            labels << marker->label();
    }
    return labels;
}

}  // namespace

class TestCurves : public QObject {
    Q_OBJECT
private slots:
    void twoRunsOverlayInDistinctStableColoursWithALegend()
    {
        SeriesStore store;
        fill(store, kRunA, 300, 1.0);
        fill(store, kRunB, 200, 1.2);
        CurvesPanel panel(store);
        QVERIFY(showRuns(panel, {{kRunA, QStringLiteral("run A")}, {kRunB, QStringLiteral("run B")}}));
        MetricChart *chart = panel.chart();

        const QList<QLineSeries *> a = chart->seriesOf(kRunA);
        const QList<QLineSeries *> b = chart->seriesOf(kRunB);
        QCOMPARE(a.size(), 2);  // train and val
        QCOMPARE(b.size(), 2);
        QVERIFY(chart->drawnLine(kRunA, Metric::TrainLoss).size() > 0);
        QVERIFY(chart->drawnLine(kRunB, Metric::ValLoss).size() > 0);
        QVERIFY(chart->drawnRaw(kRunB, Metric::TrainLoss).size() > 0);  // smoothing on: raw values behind
        const QColor colorA = a[0]->pen().color();
        const QColor colorB = b[0]->pen().color();
        QVERIFY2(colorA != colorB, qPrintable(colorA.name()));
        QCOMPARE(a[1]->pen().color(), colorA);  // one colour per run, train and val alike
        QVERIFY(chart->chart()->legend()->isVisible());
        // The legend lays itself out on the next pass: then it names each run's lines, and
        // not the faint raw lines nor marker kinds without markers.
        const QStringList expected{QStringLiteral("run A · train loss"), QStringLiteral("run A · val loss"),
                                   QStringLiteral("run B · train loss"), QStringLiteral("run B · val loss"),
                                   QStringLiteral("checkpoint")};
        QTRY_COMPARE(visibleLegendLabels(chart->chart()), expected);

        // Stable: B alone, then both in the other order: each run keeps its colour.
        panel.setRuns({{kRunB, QStringLiteral("run B")}});
        QCOMPARE(chart->seriesOf(kRunB)[0]->pen().color(), colorB);
        panel.setRuns({{kRunB, QStringLiteral("run B")}, {kRunA, QStringLiteral("run A")}});
        QCOMPARE(chart->seriesOf(kRunA)[0]->pen().color(), colorA);
        QCOMPARE(chart->seriesOf(kRunB)[0]->pen().color(), colorB);
        // The summary lists both, in their colours.
        QCOMPARE(panel.summary()->rowCount(), 2);
        QCOMPARE(panel.summary()->item(1, RunSummaryTable::Run)->foreground().color(), colorA);
    }

    void dataArrivingLaterIsDrawn()
    {
        SeriesStore store;
        CurvesPanel panel(store);
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setRuns({{kRunA, QStringLiteral("run A")}});
        QCOMPARE(panel.chart()->drawnPointCount(), 0);
        fill(store, kRunA, 120, 1.0);  // as a watcher delivers it: the chart hears and redraws
        QTRY_VERIFY(panel.chart()->drawnPointCount() > 0);
        QTRY_COMPARE(panel.chart()->xRange().second, 120.0);
        QTRY_COMPARE(panel.summary()->item(0, RunSummaryTable::Tokens)->text(), QLocale().toString(120 * 4096.0, 'f', 0));
    }

    void aMillionPointsDrawAsAtMostTwicePerPixel()
    {
        SeriesStore store;
        fill(store, kRunA, 1000000, 1.0);
        CurvesPanel panel(store);
        panel.resize(1200, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setRuns({{kRunA, QStringLiteral("run A")}});
        MetricChart *chart = panel.chart();
        chart->refreshNow();
        const int width = chart->plotWidthPx();
        QVERIFY(width > 100);
        const QList<QPointF> smoothed = chart->drawnLine(kRunA, Metric::TrainLoss);
        QVERIFY(smoothed.size() <= 2 * width);
        QVERIFY(smoothed.size() > width / 2);
        QVERIFY(chart->drawnRaw(kRunA, Metric::TrainLoss).size() <= 2 * width);
        QVERIFY(chart->drawnPointCount() <= 3 * 2 * width);  // raw, smoothed and val
        QCOMPARE(chart->storedPointCount(Metric::TrainLoss), 1000000);

        // Zoom to 500 steps: fewer than two per column, so every stored point is drawn exactly.
        chart->setXRange(400000.0, 400499.0);
        QVERIFY(!chart->isFollowing());
        chart->setSmoothing(0.0);
        chart->refreshNow();
        const QList<QPointF> points = chart->drawnLine(kRunA, Metric::TrainLoss);
        QCOMPARE(points.size(), 500 + 2);  // and the neighbour beyond each edge
        const SeriesRef ref = store.run(kRunA)->series(Metric::TrainLoss, XAxis::Step);
        for (int i = 0; i < 500; ++i)
            QCOMPARE(points[i + 1], QPointF((*ref.x)[400000 + i - 1], (*ref.y)[400000 + i - 1]));
        // Panned by half a view: recomputed for the new range.
        chart->panX(0.5);
        QCOMPARE(chart->xRange().first, 400249.5);
        QCOMPARE(chart->drawnLine(kRunA, Metric::TrainLoss)[1].x(), 400250.0);
        chart->resetView();
        QVERIFY(chart->isFollowing());
        QCOMPARE(chart->xRange().second, 1000000.0);
    }

    void wheelZoomsAroundTheCursorAndReset()
    {
        SeriesStore store;
        fill(store, kRunA, 1000, 1.0);
        CurvesPanel panel(store);
        QVERIFY(showRuns(panel, {{kRunA, QStringLiteral("run A")}}));
        MetricChart *chart = panel.chart();
        const QRectF plot = chart->chart()->plotArea();
        const QPoint centre = chart->mapFromScene(chart->chart()->mapToScene(plot.center()));
        QWheelEvent wheel(centre, chart->mapToGlobal(centre), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(chart->viewport(), &wheel);
        const auto [x0, x1] = chart->xRange();
        QVERIFY2(x1 - x0 < 999.0 * 0.8, qPrintable(QStringLiteral("%1..%2").arg(x0).arg(x1)));
        QVERIFY(x0 > 1.0 && x1 < 1000.0);  // around the middle, not an edge
        QVERIFY(!chart->isFollowing());
        QTest::mouseDClick(chart->viewport(), Qt::LeftButton, {}, centre);
        QVERIFY(chart->isFollowing());
        QCOMPARE(chart->xRange(), (QPair<double, double>(0.0, 1000.0)));  // val at step 0 to step 1000

        // A rubber band over the middle third zooms both axes there, and the view is recomputed.
        const QPointF from = plot.topLeft() + QPointF(plot.width() / 3, plot.height() / 4);
        const QPointF to = plot.topLeft() + QPointF(plot.width() * 2 / 3, plot.height() * 3 / 4);
        const QPoint p0 = chart->mapFromScene(chart->chart()->mapToScene(from));
        const QPoint p1 = chart->mapFromScene(chart->chart()->mapToScene(to));
        QTest::mousePress(chart->viewport(), Qt::LeftButton, {}, p0);
        QTest::mouseMove(chart->viewport(), (p0 + p1) / 2);
        QTest::mouseMove(chart->viewport(), p1);
        QTest::mouseRelease(chart->viewport(), Qt::LeftButton, {}, p1);
        QTRY_VERIFY(!chart->isFollowing());
        const auto [b0, b1] = chart->xRange();
        QVERIFY2(std::fabs(b0 - 1000.0 / 3) < 10 && std::fabs(b1 - 2000.0 / 3) < 10,
                 qPrintable(QStringLiteral("%1..%2").arg(b0).arg(b1)));
        // Recomputed (on the coalescing timer) for the new range only, and a neighbour each side.
        const auto onlyTheNewRange = [&, b0 = b0, b1 = b1]() {
            const QList<QPointF> points = chart->drawnLine(kRunA, Metric::TrainLoss);
            return !points.isEmpty() && std::all_of(points.cbegin(), points.cend(), [&](const QPointF &p) {
                return p.x() >= b0 - 2 && p.x() <= b1 + 2;
            });
        };
        QTRY_VERIFY(onlyTheNewRange());
    }

    void logScaleTokensAndWallTimeAxes()
    {
        SeriesStore store;
        fill(store, kRunA, 400, 1.0);
        CurvesPanel panel(store);
        QVERIFY(showRuns(panel, {{kRunA, QStringLiteral("run A")}}));
        MetricChart *chart = panel.chart();
        chart->setLogY(true);
        QVERIFY(!chart->chart()->axes(Qt::Vertical).isEmpty());
        QVERIFY(qobject_cast<QLogValueAxis *>(chart->chart()->axes(Qt::Vertical).first()));
        QVERIFY(chart->yRange().first > 0);
        chart->setXAxis(XAxis::Tokens);
        QCOMPARE(chart->xRange().second, 400 * 4096.0);
        chart->setXAxis(XAxis::WallTime);
        QCOMPARE(chart->xRange().first, 0.0);  // counted from the run's first record (val at step 0)
        QCOMPARE(chart->xRange().second, 400.0);  // the val record at step 400, half a second after its step
    }

    void markersAndTooltipTellExactValues()
    {
        SeriesStore store;
        fill(store, kRunA, 200, 1.0);
        CurvesPanel panel(store);
        QVERIFY(showRuns(panel, {{kRunA, QStringLiteral("run A")}}));
        panel.setSmoothingPercent(0);
        MetricChart *chart = panel.chart();
        chart->refreshNow();
        QCOMPARE(chart->markerCount(), 2);  // the two checkpoints
        // Hover at step 100: the tooltip gives the stored train loss of step 100, and the val loss.
        const QPointF at = chart->chart()->mapToPosition(QPointF(100.0, chart->yRange().first + 0.5));
        const QPoint viewPos = chart->mapFromScene(chart->chart()->mapToScene(at));
        const QString tip = chart->toolTipAt(viewPos);
        const SeriesRef ref = store.run(kRunA)->series(Metric::TrainLoss, XAxis::Step);
        QVERIFY2(tip.contains(QString::number((*ref.y)[99], 'g', 6)), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("step 100")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("val loss")), qPrintable(tip));
        // On a marker: what it marks.
        // Checkpoints are the only marker kind here: the first row, 3 % above the bottom.
        const double markerY = chart->yRange().first + (chart->yRange().second - chart->yRange().first) * 0.03;
        const QPointF marker = chart->chart()->mapToPosition(QPointF(100.0, markerY));
        const QString markerTip = chart->toolTipAt(chart->mapFromScene(chart->chart()->mapToScene(marker)));
        QVERIFY2(markerTip.contains(QStringLiteral("checkpoint at step 100")), qPrintable(markerTip));
        QVERIFY(chart->toolTipAt(QPoint(1, 1)).isEmpty());  // outside the plot
    }

    // Every marker kind has its own row, legend entry and tooltip: checkpoint, eval, early stop,
    // preemption, and the resume of a requeued job.
    void everyEventKindIsMarkedOnItsOwnRow()
    {
        SeriesStore store;
        fill(store, kRunA, 200, 1.0);  // with checkpoints at steps 100 and 200
        auto event = [](const char *kind, int step, const QJsonObject &more = {}) {
            QJsonObject e = more;
            e.insert(QStringLiteral("kind"), QString::fromLatin1(kind));
            e.insert(QStringLiteral("step"), step);
            e.insert(QStringLiteral("time"), 1000.0 + step);
            return e;
        };
        store.appendEvents(kRunA, {event("eval", 40, {{QStringLiteral("val_loss"), 2.5}}),
                                   event("preempted", 120, {{QStringLiteral("signal"), QStringLiteral("SIGUSR1")}}),
                                   event("resumed", 130),
                                   event("early_stop", 180, {{QStringLiteral("best_step"), 150},
                                                             {QStringLiteral("best_val_loss"), 2.25}})});
        CurvesPanel panel(store);
        QVERIFY(showRuns(panel, {{kRunA, QStringLiteral("run A")}}));
        MetricChart *chart = panel.chart();
        chart->refreshNow();
        QCOMPARE(chart->markerCount(), 6);
        const QStringList legend{QStringLiteral("run A · train loss"), QStringLiteral("run A · val loss"),
                                 QStringLiteral("checkpoint"),         QStringLiteral("eval"),
                                 QStringLiteral("early stop"),         QStringLiteral("preempted"),
                                 QStringLiteral("resumed (requeue)")};
        QTRY_COMPARE(visibleLegendLabels(chart->chart()), legend);
        // Rows in the table's order, from 3 % above the bottom in steps of 4 %.
        const struct {
            int step;
            int row;
            const char *says;
        } expected[] = {{100, 0, "checkpoint at step 100"},
                        {40, 1, "eval at step 40: val loss 2.5"},
                        {180, 2, "early stop at step 180"},
                        {120, 3, "preempted by SIGUSR1 at step 120"},
                        {130, 4, "resumed from step 130"}};
        const auto [low, high] = chart->yRange();
        for (const auto &e : expected) {
            const QPointF at = chart->chart()->mapToPosition(QPointF(e.step, low + (high - low) * (0.03 + 0.04 * e.row)));
            const QString tip = chart->toolTipAt(chart->mapFromScene(chart->chart()->mapToScene(at)));
            QVERIFY2(tip.contains(QLatin1StringView(e.says)), qPrintable(QStringLiteral("%1: %2").arg(QLatin1StringView(e.says), tip)));
        }
    }

    void exportsThePictureAndTheData()
    {
        SeriesStore store;
        fill(store, kRunA, 300, 1.0);
        fill(store, kRunB, 100, 1.1);
        CurvesPanel panel(store);
        QVERIFY(showRuns(panel, {{kRunA, QStringLiteral("run A")}, {kRunB, QStringLiteral("run B")}}));
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("c.png"));
        QVERIFY(panel.chart()->exportPng(png));
        const QImage image(png);
        QCOMPARE(image.size(), panel.chart()->size() * panel.chart()->devicePixelRatio());
        // The picture holds the curves: a line's worth of pixels in each run's colour (near it:
        // antialiased edges blend).
        for (const QString &id : {kRunA, kRunB}) {
            const QColor colour = panel.colors().colorFor(id);
            int near = 0;
            for (int y = 0; y < image.height(); ++y) {
                for (int x = 0; x < image.width(); ++x) {
                    const QColor p = image.pixelColor(x, y);
                    near += std::abs(p.red() - colour.red()) + std::abs(p.green() - colour.green())
                                + std::abs(p.blue() - colour.blue())
                            < 60;
                }
            }
            QVERIFY2(near >= 200, qPrintable(QStringLiteral("%1: %2 pixels").arg(id).arg(near)));
        }
        const QString csv = dir.filePath(QStringLiteral("c.csv"));
        QVERIFY(panel.chart()->exportCsv(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        // Header, 300 + 7 points of A, 100 + 3 of B (train and val: the loss chart), final newline.
        QCOMPARE(lines.size(), 1 + 307 + 103 + 1);
        QVERIFY(lines[1].startsWith("run A,/runs/a,train_loss,1,4096,"));
    }
};

QTEST_MAIN(TestCurves)
#include "tst_curves.moc"
