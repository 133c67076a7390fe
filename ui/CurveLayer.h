#pragma once
// The lines of a MetricChart, drawn by one graphics item over the chart's plot area. Qt
// Charts' own line items rebuild a stroked outline of every line on each update (for mouse
// hit tests: QPainterPathStroker with miter joins), which for a 3,000-point min/max view
// costs tens of milliseconds per line; this layer only maps the points to pixels and draws
// polylines, 1 px ones through the raster engine's fast cosmetic stroker. Axes, grid, legend
// and event markers stay Qt Charts'; the layer takes no mouse input, so zoom and pan reach
// the chart underneath.
#include <QGraphicsItem>
#include <QList>
#include <QPair>
#include <QPen>
#include <QPointF>

#include <vector>

namespace corral {

class CurveLayer : public QGraphicsItem {
public:
    struct Line {
        QList<QPointF> points;  // value coordinates, x ascending
        QPen pen;
        bool dots = false;  // a dot on every point (evaluations, while there is room)
        // Drawn with antialiasing. A line with more points than pixel columns is a min/max
        // envelope, a vertical span per column: antialiasing its thousands of short, steep
        // segments costs some 25 ms a frame (bench_render) and changes little that shows.
        bool antialiased = true;
    };

    explicit CurveLayer(QGraphicsItem *parent = nullptr);

    // The plot rectangle (parent coordinates) and the value ranges it shows.
    void setView(const QRectF &plot, QPair<double, double> x, QPair<double, double> y, bool logY);
    void setLines(std::vector<Line> lines);  // painted in order: later lines on top
    const std::vector<Line> &lines() const { return m_lines; }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QRectF m_plot;
    QPair<double, double> m_x{0, 1}, m_y{0, 1};
    bool m_logY = false;
    std::vector<Line> m_lines;
    QPolygonF m_pixels;  // reused between paints
};

}  // namespace corral
