#pragma once
// Train and validation loss against step for one run, growing live. Incoming records are
// buffered and drawn by a one-shot timer (~50 ms), so a burst of lines costs one repaint.
#include "metrics/MetricRecord.h"

#include <QChartView>
#include <QPointF>
#include <QTimer>
#include <QVector>

class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace corral {

class LossChart : public QChartView {
    Q_OBJECT
public:
    explicit LossChart(QWidget *parent = nullptr);

    void clear();
    void appendRecords(const QVector<MetricRecord> &records);
    int trainPointCount() const;
    int valPointCount() const;

private:
    void flush();

    QLineSeries *m_train = nullptr;
    QLineSeries *m_val = nullptr;
    QScatterSeries *m_valMarkers = nullptr;
    QValueAxis *m_x = nullptr;
    QValueAxis *m_y = nullptr;
    QVector<QPointF> m_pendingTrain, m_pendingVal;
    double m_maxX = 1.0, m_minY = 0.0, m_maxY = 1.0;
    bool m_empty = true;
    QTimer m_repaint;
};

}  // namespace corral
