#include "CurveLayer.h"

#include <QPainter>

#include <cmath>

namespace corral {

namespace {
constexpr double kDotRadius = 2.5;
}

CurveLayer::CurveLayer(QGraphicsItem *parent) : QGraphicsItem(parent)
{
    setAcceptedMouseButtons(Qt::NoButton);
    setAcceptHoverEvents(false);
    setFlag(QGraphicsItem::ItemClipsToShape);
}

void CurveLayer::setView(const QRectF &plot, QPair<double, double> x, QPair<double, double> y, bool logY)
{
    if (plot != m_plot)
        prepareGeometryChange();
    m_plot = plot;
    m_x = x;
    m_y = y;
    m_logY = logY;
    update();
}

void CurveLayer::setLines(std::vector<Line> lines)
{
    m_lines = std::move(lines);
    update();
}

QRectF CurveLayer::boundingRect() const
{
    return m_plot.adjusted(-kDotRadius - 1, -kDotRadius - 1, kDotRadius + 1, kDotRadius + 1);
}

void CurveLayer::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    if (m_plot.isEmpty() || !(m_x.second > m_x.first) || !(m_y.second > m_y.first))
        return;
    const auto yOf = [this](double v) { return m_logY ? std::log10(v) : v; };
    if (m_logY && !(m_y.first > 0))
        return;
    const double sx = m_plot.width() / (m_x.second - m_x.first);
    const double y0 = yOf(m_y.first);
    const double sy = m_plot.height() / (yOf(m_y.second) - y0);
    painter->save();
    painter->setClipRect(m_plot.adjusted(-1, -1, 1, 1));
    for (const Line &line : m_lines) {
        m_pixels.resize(line.points.size());
        for (qsizetype i = 0; i < line.points.size(); ++i) {
            const QPointF &p = line.points[i];
            m_pixels[i] = QPointF(m_plot.left() + (p.x() - m_x.first) * sx, m_plot.bottom() - (yOf(p.y()) - y0) * sy);
        }
        painter->setPen(line.pen);
        painter->setRenderHint(QPainter::Antialiasing, line.antialiased);
        painter->drawPolyline(m_pixels);
        if (line.dots) {
            painter->setBrush(line.pen.color());
            painter->setPen(Qt::NoPen);
            for (const QPointF &p : std::as_const(m_pixels))
                painter->drawEllipse(p, kDotRadius, kDotRadius);
            painter->setBrush(Qt::NoBrush);
        }
    }
    painter->restore();
}

}  // namespace corral
