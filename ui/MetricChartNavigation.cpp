// MetricChart's navigation: the view's range (zoom, pan, reset, a rubber band's result),
// the mouse and keyboard that move it, and the hover tooltip with the exact stored values
// under the cursor. (Building and drawing the chart is in MetricChart.cpp.)
#include "MetricChart.h"

#include "RunColors.h"
#include "metrics/SeriesStore.h"

#include <QChart>
#include <QKeyEvent>
#include <QLineSeries>
#include <QLocale>
#include <QMouseEvent>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>

namespace corral {

namespace {

constexpr double kWheelZoomPerNotch = 0.85;
constexpr double kMarkerHitPx = 8.0;

QString formatX(XAxis axis, double x)
{
    switch (axis) {
    case XAxis::Step: return MetricChart::tr("step %1").arg(qint64(std::llround(x)));
    case XAxis::Tokens: return MetricChart::tr("%1 tokens").arg(QLocale().toString(qint64(std::llround(x))));
    case XAxis::WallTime: return MetricChart::tr("%1 s").arg(QString::number(x, 'f', 1));
    }
    return {};
}

QString formatValue(double v)
{
    return std::isfinite(v) ? QString::number(v, 'g', 6) : QStringLiteral("–");
}

// The stored point nearest to x (axis units) with a value, or -1.
qsizetype nearestIndex(const SeriesRef &ref, double x)
{
    const qsizetype n = ref.size();
    if (n == 0)
        return -1;
    const qsizetype at = std::min(ref.x->lowerBound(x + ref.xOrigin), n - 1);
    qsizetype best = -1;
    double bestDistance = std::numeric_limits<double>::infinity();
    // Look a few points to each side, so a record without this value is stepped over.
    for (qsizetype i = std::max<qsizetype>(0, at - 4); i < std::min(n, at + 5); ++i) {
        const double d = std::fabs((*ref.x)[i] - ref.xOrigin - x);
        if (std::isfinite((*ref.y)[i]) && d < bestDistance) {
            best = i;
            bestDistance = d;
        }
    }
    return best;
}

}  // namespace

void MetricChart::onAxisRangeChanged(bool xAxis, double min, double max)
{
    if (m_settingAxes)
        return;
    // A rubber band or the chart's own zoom moved an axis: the view stops following.
    if (xAxis) {
        m_manualX = true;
        m_xView = {min, max};
    } else {
        m_manualY = true;
        m_yView = {min, max};
    }
    scheduleRefresh();
    emit viewChanged();
}

void MetricChart::resetView()
{
    m_manualX = m_manualY = false;
    refreshNow();
    emit viewChanged();
}

void MetricChart::setXRange(double x0, double x1)
{
    if (!(x1 > x0))
        return;
    m_manualX = true;
    m_xView = {x0, x1};
    refreshNow();
    emit viewChanged();
}

void MetricChart::zoomX(double factor, double anchorX)
{
    const auto [x0, x1] = m_xView;
    setXRange(anchorX + (x0 - anchorX) * factor, anchorX + (x1 - anchorX) * factor);
}

void MetricChart::panX(double fraction)
{
    const auto [x0, x1] = m_xView;
    const double dx = (x1 - x0) * fraction;
    setXRange(x0 + dx, x1 + dx);
}

QPair<double, double> MetricChart::xRange() const
{
    return m_xView;
}

QPair<double, double> MetricChart::yRange() const
{
    return m_yView;
}

QPointF MetricChart::valueAt(const QPoint &viewPos) const
{
    const QPointF scenePos = mapToScene(viewPos);
    return chart()->mapToValue(chart()->mapFromScene(scenePos));
}

QString MetricChart::toolTipAt(const QPoint &viewPos) const
{
    const QPointF chartPos = chart()->mapFromScene(mapToScene(viewPos));
    if (!chart()->plotArea().contains(chartPos))
        return {};
    // An event marker under the cursor says what it marks.
    QStringList events;
    for (const Marker &marker : m_markers) {
        const QPointF at = chart()->mapToPosition(marker.value);
        if (std::hypot(at.x() - chartPos.x(), at.y() - chartPos.y()) <= kMarkerHitPx)
            events << marker.text.toHtmlEscaped();
    }
    if (!events.isEmpty())
        return events.join(QStringLiteral("<br>"));

    const double x = valueAt(viewPos).x();
    QStringList lines;
    for (const ChartRun &chartRun : m_runs) {
        const RunSeries *run = m_store.run(chartRun.id);
        if (!run)
            continue;
        QStringList values;
        for (const auto &curve : m_curves) {
            if (curve->runId != chartRun.id)
                continue;
            const SeriesRef ref = run->series(curve->metric, m_xAxis);
            const qsizetype i = nearestIndex(ref, x);
            if (i < 0)
                continue;
            QString value = QStringLiteral("%1 %2").arg(metricLabel(curve->metric), formatValue((*ref.y)[i]));
            if (isPerStep(curve->metric) && m_smoothing > 0 && i < curve->smoothed.size())
                value += tr(" (EMA %1)").arg(formatValue(curve->smoothed[i]));
            value += QStringLiteral(" @ ") + formatX(m_xAxis, (*ref.x)[i] - ref.xOrigin);
            if (m_xAxis != XAxis::Step)
                value += QStringLiteral(", ") + formatX(XAxis::Step, (*run->series(curve->metric, XAxis::Step).x)[i]);
            values << value.toHtmlEscaped();
        }
        if (values.isEmpty())
            continue;
        const QString swatch = QStringLiteral("<span style=\"color:%1\">&#9632;</span>")
                                   .arg(m_colors.colorFor(chartRun.id).name());
        lines << QStringLiteral("%1 <b>%2</b><br>&nbsp;&nbsp;%3")
                     .arg(swatch, chartRun.name.toHtmlEscaped(), values.join(QStringLiteral("<br>&nbsp;&nbsp;")));
    }
    return lines.join(QStringLiteral("<br>"));
}

void MetricChart::wheelEvent(QWheelEvent *event)
{
    const double notches = event->angleDelta().y() / 120.0;
    if (notches == 0) {
        event->ignore();
        return;
    }
    const double factor = std::pow(kWheelZoomPerNotch, notches);
    const QPointF anchor = valueAt(event->position().toPoint());
    if (event->modifiers() & Qt::ShiftModifier) {
        // Shift: the value axis, around the cursor (in log space on a log axis).
        auto [y0, y1] = m_yView;
        if (m_logY && y0 > 0 && anchor.y() > 0) {
            const double a = std::log(anchor.y());
            y0 = std::exp(a + (std::log(y0) - a) * factor);
            y1 = std::exp(a + (std::log(y1) - a) * factor);
        } else {
            y0 = anchor.y() + (y0 - anchor.y()) * factor;
            y1 = anchor.y() + (y1 - anchor.y()) * factor;
        }
        m_manualY = true;
        m_yView = {y0, y1};
        refreshNow();
        emit viewChanged();
    } else {
        zoomX(factor, anchor.x());
    }
    event->accept();
}

void MetricChart::mousePressEvent(QMouseEvent *event)
{
    const bool pan = event->button() == Qt::MiddleButton
        || (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ControlModifier));
    if (pan) {
        m_panning = true;
        m_panFrom = event->position().toPoint();
        setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void MetricChart::panByPixels(QPointF delta)
{
    const QRectF plot = chart()->plotArea();
    if (plot.width() <= 0 || plot.height() <= 0)
        return;
    const auto [x0, x1] = m_xView;
    const double dx = -delta.x() / plot.width() * (x1 - x0);
    m_manualX = true;
    m_xView = {x0 + dx, x1 + dx};
    if (m_manualY) {
        auto [y0, y1] = m_yView;
        const double fraction = delta.y() / plot.height();
        if (m_logY && y0 > 0) {
            const double f = std::pow(y1 / y0, fraction);
            m_yView = {y0 * f, y1 * f};
        } else {
            const double dy = fraction * (y1 - y0);
            m_yView = {y0 + dy, y1 + dy};
        }
    }
    refreshNow();
    emit viewChanged();
}

void MetricChart::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (m_panning) {
        panByPixels(pos - m_panFrom);
        m_panFrom = pos;
        event->accept();
        return;
    }
    QChartView::mouseMoveEvent(event);
    if (event->buttons() == Qt::NoButton) {
        const QString tip = toolTipAt(pos);
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(event->globalPosition().toPoint(), tip, this);
    }
}

void MetricChart::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_panning) {
        m_panning = false;
        unsetCursor();
        event->accept();
        return;
    }
    if (event->button() == Qt::RightButton) {
        // QChartView would zoom out by a fixed step; a right click resets instead.
        resetView();
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void MetricChart::mouseDoubleClickEvent(QMouseEvent *event)
{
    resetView();
    event->accept();
}

void MetricChart::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Home: resetView(); break;
    case Qt::Key_Left: panX(-0.1); break;
    case Qt::Key_Right: panX(0.1); break;
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomX(0.8, (m_xView.first + m_xView.second) / 2); break;
    case Qt::Key_Minus: zoomX(1.25, (m_xView.first + m_xView.second) / 2); break;
    default: QChartView::keyPressEvent(event); return;
    }
    event->accept();
}

void MetricChart::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    scheduleRefresh();  // another width: another set of pixel columns
}

}  // namespace corral
