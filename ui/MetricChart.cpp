#include "MetricChart.h"

#include "CurveLayer.h"
#include "RunColors.h"
#include "metrics/Downsampler.h"
#include "metrics/SeriesCsv.h"
#include "metrics/SeriesStore.h"

#include <QChart>
#include <QElapsedTimer>
#include <QLegend>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPixmap>
#include <QSaveFile>
#include <QScopedValueRollback>
#include <QValueAxis>

#include <cmath>
#include <limits>

namespace corral {

namespace {

constexpr int kRefreshMs = 50;           // coalesces bursts of records into one redraw
constexpr int kSlowestRefreshMs = 1000;

constexpr double kPad = 0.05;  // space above and below the data, as a fraction of the plot

// A tick interval of 1, 2 or 5 times a power of ten, about span / 6.
double niceInterval(double span)
{
    if (!(span > 0))
        return 1.0;
    const double raw = span / 6.0;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / power;
    return power * (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0);
}

void extendRange(double &lo, double &hi, double v0, double v1)
{
    if (std::isfinite(v0) && !(v0 >= lo))
        lo = v0;
    if (std::isfinite(v1) && !(v1 <= hi))
        hi = v1;
}

}  // namespace

MetricChart::MetricChart(const SeriesStore &store, RunColors &colors, QWidget *parent)
    : QChartView(parent), m_store(store), m_colors(colors)
{
    auto *chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setDropShadowEnabled(false);
    chart->setMargins(QMargins(6, 6, 6, 6));
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setRubberBand(QChartView::RectangleRubberBand);
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    m_refresh.setSingleShot(true);
    m_refresh.setInterval(kRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, &MetricChart::refreshNow);
    connect(&m_store, &SeriesStore::runChanged, this, &MetricChart::runChanged);
    m_layer = new CurveLayer(chart);
    m_layer->setZValue(1000);  // over the grid and Qt Charts' series; markers sit below the data
    connect(chart, &QChart::plotAreaChanged, this, [this]() { updateLayer(); });
    rebuild();
}

MetricChart::~MetricChart() = default;

void MetricChart::setRuns(const QList<ChartRun> &runs)
{
    bool same = runs.size() == m_runs.size();
    for (qsizetype i = 0; same && i < runs.size(); ++i)
        same = runs[i].id == m_runs[i].id && runs[i].name == m_runs[i].name;
    if (same)
        return;
    m_runs = runs;
    rebuild();
}

void MetricChart::setKind(ChartKind kind)
{
    if (kind == m_kind)
        return;
    m_kind = kind;
    m_manualY = false;  // another metric: its own value range
    rebuild();
}

void MetricChart::setXAxis(XAxis axis)
{
    if (axis == m_xAxis)
        return;
    m_xAxis = axis;
    m_manualX = m_manualY = false;  // another unit: a zoom in steps means nothing in seconds
    rebuild();
    emit viewChanged();
}

void MetricChart::setSmoothing(double weight)
{
    weight = std::clamp(weight, 0.0, 0.999);
    if (weight == m_smoothing)
        return;
    m_smoothing = weight;
    scheduleRefresh();
}

void MetricChart::setLogY(bool on)
{
    if (on == m_logY)
        return;
    m_logY = on;
    m_manualY = false;
    rebuild();
}

void MetricChart::rebuild()
{
    // Adding axes and series moves axis ranges (Qt Charts fits them): not a user zoom.
    const QScopedValueRollback guard(m_settingAxes, true);
    QChart *c = chart();
    c->removeAllSeries();
    m_curves.clear();
    m_markerSeries.clear();
    m_markers.clear();
    for (QAbstractAxis *axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
    c->setTitle(chartTitle(m_kind));

    auto *x = new QValueAxis;
    x->setTitleText(xAxisTitle(m_xAxis));
    x->setLabelFormat(QStringLiteral("%g"));
    x->setTickType(QValueAxis::TicksDynamic);
    m_x = x;
    if (m_logY) {
        auto *y = new QLogValueAxis;
        y->setBase(10.0);
        y->setLabelFormat(QStringLiteral("%g"));
        y->setMinorTickCount(8);
        m_y = y;
        connect(y, &QLogValueAxis::rangeChanged, this, [this](qreal a, qreal b) { onAxisRangeChanged(false, a, b); });
    } else {
        auto *y = new QValueAxis;
        y->setLabelFormat(QStringLiteral("%g"));
        y->setTickType(QValueAxis::TicksDynamic);
        m_y = y;
        connect(y, &QValueAxis::rangeChanged, this, [this](qreal a, qreal b) { onAxisRangeChanged(false, a, b); });
    }
    connect(x, &QValueAxis::rangeChanged, this, [this](qreal a, qreal b) { onAxisRangeChanged(true, a, b); });
    m_y->setTitleText(m_kind == ChartKind::Loss ? tr("loss") : metricLabel(chartMetrics(m_kind).first()));
    c->addAxis(m_x, Qt::AlignBottom);
    c->addAxis(m_y, Qt::AlignLeft);

    const QList<Metric> metrics = chartMetrics(m_kind);
    auto addSeries = [&](QXYSeries *series) {
        c->addSeries(series);
        series->attachAxis(m_x);
        series->attachAxis(m_y);
    };
    for (const ChartRun &run : std::as_const(m_runs)) {
        for (const Metric metric : metrics) {
            auto curve = std::make_unique<Curve>();
            curve->runId = run.id;
            curve->metric = metric;
            curve->legend = new QLineSeries;
            QPen pen(m_colors.colorFor(run.id), 2.0);
            if (!isPerStep(metric) && m_kind == ChartKind::Loss)
                pen.setStyle(Qt::DashLine);
            curve->legend->setPen(pen);
            curve->legend->setName(metrics.size() > 1 ? QStringLiteral("%1 · %2").arg(run.name, metricLabel(metric))
                                                      : run.name);
            addSeries(curve->legend);
            m_curves.push_back(std::move(curve));
        }
    }
    addMarkerSeries();
    refreshNow();
}

void MetricChart::scheduleRefresh()
{
    if (m_refresh.isActive())
        return;
    // At most a third of the GUI thread for drawing: when a frame (recompute + paint) costs
    // more than a third of the interval, as with a million points on a slow machine, redraw
    // less often instead of falling behind.
    m_refresh.start(std::clamp(int(3.0 * m_frameCostMs), kRefreshMs, kSlowestRefreshMs));
}

void MetricChart::paintEvent(QPaintEvent *event)
{
    QElapsedTimer clock;
    clock.start();
    QChartView::paintEvent(event);
    m_lastPaintMs = double(clock.nsecsElapsed()) / 1e6;
    m_frameCostMs = m_lastRefreshMs + m_lastPaintMs;
}

void MetricChart::runChanged(const QString &runId)
{
    for (const ChartRun &run : std::as_const(m_runs)) {
        if (run.id == runId) {
            scheduleRefresh();
            return;
        }
    }
}

void MetricChart::updateSmoothing(Curve &curve, const RunSeries &run)
{
    const SeriesRef ref = run.series(curve.metric, m_xAxis);
    if (curve.generation != run.generation() || curve.weight != m_smoothing || curve.smoothed.size() > ref.size()) {
        curve.smoothed.clear();
        curve.smoothedSummary.reset();
        curve.ema = EmaSmoother(m_smoothing);
        curve.generation = run.generation();
        curve.weight = m_smoothing;
    }
    for (qsizetype i = curve.smoothed.size(); i < ref.size(); ++i)
        curve.smoothed.append(curve.ema.push((*ref.y)[i]));
    curve.smoothedSummary.extend(curve.smoothed);
}

void MetricChart::updateLayer()
{
    // Raw values first, so every run's faint lines lie behind every run's main line.
    const int width = plotWidthPx();
    std::vector<CurveLayer::Line> lines;
    for (const auto &curve : m_curves) {
        if (curve->raw.isEmpty())
            continue;
        QColor faint = curve->legend->pen().color();
        faint.setAlpha(70);
        lines.push_back({curve->raw, QPen(faint, 1.0), false, curve->raw.size() <= width});
    }
    for (const auto &curve : m_curves) {
        QPen pen = curve->legend->pen();
        // A line dense enough to fill its pixel columns looks the same at 1 px, and 1 px goes
        // through the raster engine's fast cosmetic stroker; sparse lines keep 2 px.
        const bool dense = curve->line.size() > width / 2;
        pen.setWidthF(dense ? 1.0 : 2.0);
        // Evaluations are marked with a dot while there is room for one.
        const bool dots = !isPerStep(curve->metric) && curve->line.size() * 6 < width;
        lines.push_back({curve->line, pen, dots, curve->line.size() <= width});
    }
    m_layer->setLines(std::move(lines));
    m_layer->setView(chart()->plotArea(), m_xView, m_yView, m_logY);
}

QPair<double, double> MetricChart::dataXExtent() const
{
    double lo = std::numeric_limits<double>::quiet_NaN(), hi = lo;
    for (const auto &curve : m_curves) {
        const RunSeries *run = m_store.run(curve->runId);
        if (!run)
            continue;
        const SeriesRef ref = run->series(curve->metric, m_xAxis);
        const qsizetype first = ref.x->lowerBound(-std::numeric_limits<double>::infinity());
        if (first >= ref.size())
            continue;
        extendRange(lo, hi, (*ref.x)[first] - ref.xOrigin, (*ref.x)[ref.size() - 1] - ref.xOrigin);
    }
    if (!std::isfinite(lo))
        return {0.0, 1.0};
    if (hi <= lo)
        hi = lo + 1.0;
    return {lo, hi};
}

int MetricChart::plotWidthPx() const
{
    const int plot = int(chart()->plotArea().width());
    return std::max(2, plot > 10 ? plot : viewport()->width());
}

void MetricChart::refreshNow()
{
    QElapsedTimer clock;
    clock.start();
    const QScopedValueRollback guard(m_settingAxes, true);
    m_refresh.stop();
    const QPair<double, double> x = m_manualX ? m_xView : dataXExtent();
    const int width = plotWidthPx();
    const bool smoothing = m_smoothing > 0;
    double yLo = std::numeric_limits<double>::quiet_NaN(), yHi = yLo;
    for (auto &curve : m_curves) {
        curve->line.clear();
        curve->raw.clear();
        const RunSeries *run = m_store.run(curve->runId);
        if (!run)
            continue;
        const SeriesRef ref = run->series(curve->metric, m_xAxis);
        const DownsampleRequest request{x.first, x.second, ref.xOrigin, width, m_logY};
        // The stored values are only ever appended to within a generation (a rewritten file
        // starts a new one): the summary can follow them by their size.
        if (curve->valuesGeneration != run->generation()) {
            curve->valuesSummary.reset();
            curve->valuesGeneration = run->generation();
        }
        curve->valuesSummary.extend(*ref.y);
        if (isPerStep(curve->metric) && smoothing) {
            updateSmoothing(*curve, *run);
            const Downsampled raw = downsampleMinMax(*ref.x, *ref.y, request, &curve->valuesSummary);
            const Downsampled smooth = downsampleMinMax(*ref.x, curve->smoothed, request, &curve->smoothedSummary);
            curve->raw = raw.points;
            curve->line = smooth.points;
            extendRange(yLo, yHi, raw.yMin, raw.yMax);
            extendRange(yLo, yHi, smooth.yMin, smooth.yMax);
        } else {
            const Downsampled values = downsampleMinMax(*ref.x, *ref.y, request, &curve->valuesSummary);
            curve->line = values.points;
            extendRange(yLo, yHi, values.yMin, values.yMax);
        }
    }
    const int rows = assignMarkerRows();
    QPair<double, double> y = m_yView;
    if (!m_manualY) {
        if (!std::isfinite(yLo)) {
            yLo = m_logY ? 0.1 : 0.0;
            yHi = m_logY ? 10.0 : 1.0;
        }
        // Below the data: the padding plus the marker rows, so markers never cover a curve.
        const double below = kPad + markerBand(rows);
        if (m_logY) {
            const double span = std::max(std::log(yHi / yLo), 0.1);
            y = {yLo * std::exp(-span * below), yHi * std::exp(span * kPad)};
        } else {
            const double span = yHi > yLo ? yHi - yLo : std::max(std::fabs(yHi) * 0.1, 1e-9);
            y = {yLo - span * below, yHi + span * kPad};
        }
    }
    applyRanges(x, y);
    placeMarkers();
    updateLayer();
    m_lastRefreshMs = double(clock.nsecsElapsed()) / 1e6;
}

void MetricChart::applyRanges(QPair<double, double> x, QPair<double, double> y)
{
    const QScopedValueRollback guard(m_settingAxes, true);
    auto *xAxis = static_cast<QValueAxis *>(m_x);
    xAxis->setRange(x.first, x.second);
    xAxis->setTickInterval(niceInterval(x.second - x.first));
    xAxis->setTickAnchor(0.0);
    if (auto *linear = qobject_cast<QValueAxis *>(m_y)) {
        linear->setRange(y.first, y.second);
        linear->setTickInterval(niceInterval(y.second - y.first));
        linear->setTickAnchor(0.0);
    } else {
        static_cast<QLogValueAxis *>(m_y)->setRange(y.first, y.second);
    }
    if (!m_manualX)
        m_xView = x;
    if (!m_manualY)
        m_yView = y;
}

qsizetype MetricChart::drawnPointCount() const
{
    qsizetype n = 0;
    for (const auto &curve : m_curves)
        n += curve->line.size() + curve->raw.size();
    return n;
}

QList<QPointF> MetricChart::drawnLine(const QString &runId, Metric metric) const
{
    for (const auto &curve : m_curves) {
        if (curve->runId == runId && curve->metric == metric)
            return curve->line;
    }
    return {};
}

QList<QPointF> MetricChart::drawnRaw(const QString &runId, Metric metric) const
{
    for (const auto &curve : m_curves) {
        if (curve->runId == runId && curve->metric == metric)
            return curve->raw;
    }
    return {};
}

qsizetype MetricChart::storedPointCount(Metric metric) const
{
    qsizetype n = 0;
    for (const ChartRun &chartRun : m_runs) {
        if (const RunSeries *run = m_store.run(chartRun.id))
            n += run->series(metric, m_xAxis).size();
    }
    return n;
}

QList<QLineSeries *> MetricChart::seriesOf(const QString &runId) const
{
    QList<QLineSeries *> out;
    for (const auto &curve : m_curves) {
        if (curve->runId == runId)
            out << curve->legend;
    }
    return out;
}

bool MetricChart::exportPng(const QString &path)
{
    return grab().save(path, "PNG");
}

bool MetricChart::exportCsv(const QString &path) const
{
    QList<CsvRun> runs;
    for (const ChartRun &run : m_runs)
        runs.append({run.name, run.id, m_store.run(run.id)});
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    return writeSeriesCsv(file, runs, chartMetrics(m_kind)) && file.commit();
}

}  // namespace corral
