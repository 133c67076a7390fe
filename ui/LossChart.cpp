#include "LossChart.h"

#include <QChart>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>
#include <QScatterSeries>
#include <QValueAxis>

#include <cmath>

namespace corral {

LossChart::LossChart(QWidget *parent) : QChartView(parent)
{
    auto *chart = new QChart;
    chart->setTitle(tr("Loss"));
    m_train = new QLineSeries(chart);
    m_train->setName(tr("train loss"));
    m_val = new QLineSeries(chart);
    m_val->setName(tr("val loss"));
    QPen valPen(QColor(0xd1, 0x5f, 0x1f));
    valPen.setWidthF(2.0);
    m_val->setPen(valPen);
    m_valMarkers = new QScatterSeries(chart);
    m_valMarkers->setMarkerSize(7.0);
    m_valMarkers->setColor(valPen.color());
    chart->addSeries(m_train);
    chart->addSeries(m_val);
    chart->addSeries(m_valMarkers);
    m_x = new QValueAxis(chart);
    m_x->setTitleText(tr("step"));
    m_x->setLabelFormat(QStringLiteral("%d"));
    m_y = new QValueAxis(chart);
    m_y->setTitleText(tr("loss"));
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);
    for (auto *series : {static_cast<QXYSeries *>(m_train), static_cast<QXYSeries *>(m_val),
                         static_cast<QXYSeries *>(m_valMarkers)}) {
        series->attachAxis(m_x);
        series->attachAxis(m_y);
    }
    chart->legend()->markers(m_valMarkers).first()->setVisible(false);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    m_repaint.setSingleShot(true);
    m_repaint.setInterval(50);
    connect(&m_repaint, &QTimer::timeout, this, &LossChart::flush);
    clear();
}

void LossChart::clear()
{
    m_pendingTrain.clear();
    m_pendingVal.clear();
    m_train->clear();
    m_val->clear();
    m_valMarkers->clear();
    m_empty = true;
    m_maxX = 1.0;
    m_minY = 0.0;
    m_maxY = 1.0;
    m_x->setRange(0, 1);
    m_y->setRange(0, 1);
}

void LossChart::appendRecords(const QVector<MetricRecord> &records)
{
    for (const MetricRecord &r : records) {
        if (!std::isfinite(r.loss))
            continue;
        const QPointF p(static_cast<double>(r.step), r.loss);
        if (r.kind == MetricRecord::Kind::Train)
            m_pendingTrain.push_back(p);
        else if (r.kind == MetricRecord::Kind::Val)
            m_pendingVal.push_back(p);
    }
    if (!m_repaint.isActive())
        m_repaint.start();
}

void LossChart::flush()
{
    for (const auto *points : {&m_pendingTrain, &m_pendingVal}) {
        for (const QPointF &p : *points) {
            m_maxX = std::max(m_maxX, p.x());
            m_minY = m_empty ? p.y() : std::min(m_minY, p.y());
            m_maxY = m_empty ? p.y() : std::max(m_maxY, p.y());
            m_empty = false;
        }
    }
    m_train->append(m_pendingTrain);
    m_val->append(m_pendingVal);
    m_valMarkers->append(m_pendingVal);
    m_pendingTrain.clear();
    m_pendingVal.clear();
    if (!m_empty) {
        const double pad = std::max(0.05, (m_maxY - m_minY) * 0.05);
        m_x->setRange(0, m_maxX);
        m_y->setRange(std::max(0.0, m_minY - pad), m_maxY + pad);
    }
}

int LossChart::trainPointCount() const
{
    return static_cast<int>(m_train->count() + m_pendingTrain.size());
}

int LossChart::valPointCount() const
{
    return static_cast<int>(m_val->count() + m_pendingVal.size());
}

}  // namespace corral
