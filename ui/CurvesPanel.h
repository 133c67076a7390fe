#pragma once
// The Curves tab: a row of controls (which chart, which x axis, smoothing, log scale, reset,
// export), the overlaid chart of the runs selected in the run list, and their summary.
#include "MetricChart.h"
#include "RunColors.h"

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;

namespace corral {

class RunSummaryTable;
class SeriesStore;

class CurvesPanel : public QWidget {
    Q_OBJECT
public:
    explicit CurvesPanel(const SeriesStore &store, QWidget *parent = nullptr);

    void setRuns(const QList<ChartRun> &runs);
    void setChartKind(ChartKind kind);
    void setSmoothingPercent(int percent);  // the slider, 0..99

    MetricChart *chart() const { return m_chart; }
    RunSummaryTable *summary() const { return m_summary; }
    RunColors &colors() { return m_colors; }

private:
    void exportPng();
    void exportCsv();
    void refreshSummary();

    const SeriesStore &m_store;
    RunColors m_colors;
    MetricChart *m_chart = nullptr;
    RunSummaryTable *m_summary = nullptr;
    QComboBox *m_kind = nullptr;
    QComboBox *m_axis = nullptr;
    QSlider *m_smoothing = nullptr;
    QLabel *m_smoothingValue = nullptr;
    QCheckBox *m_logY = nullptr;
    QTimer m_summaryRefresh;
};

}  // namespace corral
