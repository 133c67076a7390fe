// MetricChart's event markers: one scatter series per kind (checkpoint, eval, early stop,
// preempted, resumed), each kind the shown runs have in a row of its own along the bottom
// of the plot, below the data, with the event's description for the tooltip.
#include "MetricChart.h"

#include "metrics/SeriesStore.h"

#include <QChart>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QScatterSeries>

#include <cmath>

namespace corral {

namespace {

struct MarkerStyle {
    RunEvent::Kind kind;
    const char *label;
    QScatterSeries::MarkerShape shape;
    QRgb color;
};
const MarkerStyle kMarkerStyles[] = {
    {RunEvent::Kind::Checkpoint, QT_TRANSLATE_NOOP("MetricChart", "checkpoint"), QScatterSeries::MarkerShapeRectangle,
     0x1a7f37},
    {RunEvent::Kind::Eval, QT_TRANSLATE_NOOP("MetricChart", "eval"), QScatterSeries::MarkerShapeCircle, 0x8c959f},
    {RunEvent::Kind::EarlyStop, QT_TRANSLATE_NOOP("MetricChart", "early stop"), QScatterSeries::MarkerShapeStar,
     0xcf222e},
    {RunEvent::Kind::Preempted, QT_TRANSLATE_NOOP("MetricChart", "preempted"), QScatterSeries::MarkerShapeTriangle,
     0xbf8700},
    {RunEvent::Kind::Resumed, QT_TRANSLATE_NOOP("MetricChart", "resumed (requeue)"),
     QScatterSeries::MarkerShapeRotatedRectangle, 0x8250df},
};

static_assert(std::size(kMarkerStyles) == 5, "MetricChart::m_markerRow holds a row per marker kind");

// Marker rows along the bottom of the plot, as fractions of its height: row r at
// kFirstRow + r * kRowStep; the value range leaves room below the data for the rows in use.
constexpr double kFirstRow = 0.03;
constexpr double kRowStep = 0.04;

}  // namespace

void MetricChart::addMarkerSeries()
{
    for (const MarkerStyle &style : kMarkerStyles) {
        auto *markers = new QScatterSeries;
        markers->setName(tr(style.label));
        markers->setMarkerShape(style.shape);
        markers->setMarkerSize(10.0);
        markers->setColor(QColor::fromRgb(style.color));
        markers->setBorderColor(Qt::white);
        chart()->addSeries(markers);
        markers->attachAxis(m_x);
        markers->attachAxis(m_y);
        m_markerSeries.push_back(markers);
    }
    m_markerKindShown.assign(m_markerSeries.size(), true);  // as a new legend shows them
}

int MetricChart::assignMarkerRows()
{
    // The kinds the shown runs have take a row each, in the table's order.
    int rows = 0;
    for (size_t k = 0; k < std::size(kMarkerStyles); ++k) {
        m_markerRow[k] = -1;
        for (const ChartRun &chartRun : std::as_const(m_runs)) {
            const RunSeries *run = m_store.run(chartRun.id);
            const bool has = run && std::any_of(run->events().cbegin(), run->events().cend(),
                                                [&](const RunEvent &e) { return e.kind == kMarkerStyles[k].kind; });
            if (has) {
                m_markerRow[k] = rows++;
                break;
            }
        }
    }
    return rows;
}

double MetricChart::markerBand(int rows)
{
    return rows > 0 ? kFirstRow + kRowStep * rows : 0.0;
}

void MetricChart::placeMarkers()
{
    m_markers.clear();
    const auto [x0, x1] = m_xView;
    const auto [y0, y1] = m_yView;
    // Along the bottom of the plot, where they cover no curve; a row per kind, so a
    // checkpoint and an eval at the same step are both seen.
    bool legendChanged = false;
    for (size_t k = 0; k < std::size(kMarkerStyles); ++k) {
        const double fraction = kFirstRow + kRowStep * std::max(0, m_markerRow[k]);
        const double y = m_logY ? y0 * std::pow(y1 / y0, fraction) : y0 + (y1 - y0) * fraction;
        QList<QPointF> points;
        for (const ChartRun &chartRun : std::as_const(m_runs)) {
            const RunSeries *run = m_store.run(chartRun.id);
            if (!run)
                continue;
            for (const RunEvent &event : run->events()) {
                if (event.kind != kMarkerStyles[k].kind)
                    continue;
                const double x = run->eventX(event, m_xAxis);
                if (!(x >= x0 && x <= x1))
                    continue;
                points.append(QPointF(x, y));
                m_markers.append({QPointF(x, y), QStringLiteral("%1: %2").arg(chartRun.name, event.description)});
            }
        }
        m_markerSeries[k]->replace(points);
        if (m_markerKindShown[k] != !points.isEmpty()) {
            m_markerKindShown[k] = !points.isEmpty();
            chart()->legend()->markers(m_markerSeries[k]).constFirst()->setVisible(m_markerKindShown[k]);
            legendChanged = true;
        }
    }
    if (legendChanged)
        chart()->legend()->layout()->invalidate();  // else a marker shown later keeps no room of its own
}

int MetricChart::markerCount() const
{
    return int(m_markers.size());
}

}  // namespace corral
