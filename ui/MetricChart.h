#pragma once
// One chart of the Curves tab: a metric family (loss, perplexity, tokens/s, learning rate,
// gradient norm) for every run the user selected, overlaid, each run in its own colour.
// It never holds the data: on every refresh it asks the SeriesStore for a min/max view of
// the visible x range at the plot's pixel width, so a million stored points draw as a few
// thousand. Qt Charts draws the axes, grid, legend and event markers; the lines are drawn
// by a CurveLayer over the plot area (see there why). Refreshes are coalesced (a one-shot timer, 50 ms, as PlotJuggler does), so a
// burst of records costs one redraw; when a redraw costs more than a third of that, the
// interval grows, so following a huge run never takes over the GUI thread. Zoom with the wheel (Shift: y) or a rubber band, pan with the
// middle button or Ctrl+drag (or the arrow keys), reset with a double-click or Home; a
// zoomed view stays put while data arrives, a reset one follows the run.
#include "ChartKind.h"
#include "metrics/ChunkedColumn.h"
#include "metrics/Ema.h"
#include "metrics/MinMaxSummary.h"
#include "metrics/RunSeries.h"

#include <QChartView>
#include <QList>
#include <QPair>
#include <QPointF>
#include <QTimer>

#include <array>
#include <memory>
#include <vector>

class QAbstractAxis;
class QLineSeries;
class QScatterSeries;

namespace corral {

class CurveLayer;
class RunColors;
class SeriesStore;

struct ChartRun {
    QString id;    // the run folder: the SeriesStore key
    QString name;  // what the legend says
};

class MetricChart : public QChartView {
    Q_OBJECT
public:
    MetricChart(const SeriesStore &store, RunColors &colors, QWidget *parent = nullptr);
    ~MetricChart() override;

    void setRuns(const QList<ChartRun> &runs);
    const QList<ChartRun> &runs() const { return m_runs; }
    void setKind(ChartKind kind);
    ChartKind kind() const { return m_kind; }
    void setXAxis(XAxis axis);
    XAxis xAxis() const { return m_xAxis; }
    void setSmoothing(double weight);  // EMA weight, 0 (off) .. 0.999
    double smoothing() const { return m_smoothing; }
    void setLogY(bool on);
    bool logY() const { return m_logY; }

    // The view: `following` is the reset state, where the x range spans all the data.
    void resetView();
    void setXRange(double x0, double x1);       // as a zoom or pan would: the view stops following
    void zoomX(double factor, double anchorX);  // factor < 1 zooms in, around anchorX
    void panX(double fraction);                 // by a fraction of the visible width
    QPair<double, double> xRange() const;
    QPair<double, double> yRange() const;
    bool isFollowing() const { return !m_manualX && !m_manualY; }

    // Recompute the downsampled view now (normally the coalescing timer does it).
    void refreshNow();
    // Data arrived for a run (the store's runChanged): refresh soon if it is one of ours.
    void runChanged(const QString &runId);

    // What is drawn, for tests and benchmarks.
    qsizetype drawnPointCount() const;
    qsizetype storedPointCount(Metric metric) const;  // over the shown runs
    int plotWidthPx() const;
    double lastRefreshMs() const { return m_lastRefreshMs; }  // the last recompute of the view
    double lastPaintMs() const { return m_lastPaintMs; }
    QList<QLineSeries *> seriesOf(const QString &runId) const;  // the legend's entries (name, pen); no data
    // The points drawn for a run's metric: its line (smoothed when smoothing is on), and the
    // raw values drawn faint behind a smoothed line (empty otherwise).
    QList<QPointF> drawnLine(const QString &runId, Metric metric) const;
    QList<QPointF> drawnRaw(const QString &runId, Metric metric) const;
    int markerCount() const;
    QString toolTipAt(const QPoint &viewPos) const;  // rich text; empty outside the plot

    bool exportPng(const QString &path);
    bool exportCsv(const QString &path) const;

signals:
    void viewChanged();  // zoomed, panned or reset

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    // One run's metric: the line the legend names (smoothed when smoothing is on) and,
    // behind it, the raw values drawn faint. The smoothed values are cached and extended as
    // points arrive; a rewound run (new generation) or a new weight rebuilds them.
    struct Curve {
        QString runId;
        Metric metric = Metric::TrainLoss;
        QLineSeries *legend = nullptr;  // the legend entry: name and pen, no points
        QList<QPointF> line, raw;       // the downsampled view being drawn
        ChunkedColumn smoothed;
        EmaSmoother ema;
        // Of the stored values and of `smoothed`, for the downsampler; follow `generation`.
        MinMaxSummary valuesSummary, smoothedSummary;
        quint64 generation = ~quint64(0);  // of `smoothed`
        quint64 valuesGeneration = ~quint64(0);
        double weight = -1;
    };
    struct Marker {
        QPointF value;  // chart coordinates
        QString text;
    };
    void rebuild();
    void scheduleRefresh();
    void updateSmoothing(Curve &curve, const RunSeries &run);
    void updateLayer();
    QPair<double, double> dataXExtent() const;
    void applyRanges(QPair<double, double> x, QPair<double, double> y);
    void addMarkerSeries();
    int assignMarkerRows();  // returns the rows in use
    static double markerBand(int rows);  // their height, as a fraction of the plot
    void placeMarkers();
    QPointF valueAt(const QPoint &viewPos) const;
    void onAxisRangeChanged(bool xAxis, double min, double max);
    void panByPixels(QPointF delta);

    const SeriesStore &m_store;
    RunColors &m_colors;
    QList<ChartRun> m_runs;
    ChartKind m_kind = ChartKind::Loss;
    XAxis m_xAxis = XAxis::Step;
    double m_smoothing = 0.6;
    bool m_logY = false;

    std::vector<std::unique_ptr<Curve>> m_curves;
    CurveLayer *m_layer = nullptr;  // a child of the chart: lives as long as it
    std::vector<QScatterSeries *> m_markerSeries;  // one per marker kind
    std::vector<bool> m_markerKindShown;            // in the legend: the kinds with markers in view
    std::array<int, 5> m_markerRow{};               // per marker kind: its row at the bottom, -1 when unused
    QList<Marker> m_markers;
    QAbstractAxis *m_x = nullptr;
    QAbstractAxis *m_y = nullptr;
    bool m_manualX = false, m_manualY = false;
    QPair<double, double> m_xView{0, 1}, m_yView{0, 1};
    bool m_settingAxes = false;  // while we move the axes ourselves: not a user zoom
    QTimer m_refresh;
    double m_lastRefreshMs = 0, m_lastPaintMs = 0, m_frameCostMs = 0;
    bool m_panning = false;
    QPoint m_panFrom;
};

}  // namespace corral
