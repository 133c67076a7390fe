#include "CurvesPanel.h"

#include "RunSummaryTable.h"
#include "metrics/SeriesStore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>

namespace corral {

CurvesPanel::CurvesPanel(const SeriesStore &store, QWidget *parent) : QWidget(parent), m_store(store)
{
    m_chart = new MetricChart(store, m_colors, this);
    m_summary = new RunSummaryTable(this);

    m_kind = new QComboBox(this);
    for (const ChartKind kind : {ChartKind::Loss, ChartKind::Perplexity, ChartKind::TokensPerSecond,
                                 ChartKind::LearningRate, ChartKind::GradNorm})
        m_kind->addItem(chartTitle(kind), int(kind));
    m_axis = new QComboBox(this);
    for (const XAxis axis : {XAxis::Step, XAxis::Tokens, XAxis::WallTime})
        m_axis->addItem(xAxisTitle(axis), int(axis));
    m_smoothing = new QSlider(Qt::Horizontal, this);
    m_smoothing->setRange(0, 99);
    m_smoothing->setMinimumWidth(90);
    m_smoothing->setMaximumWidth(160);
    m_smoothing->setToolTip(tr("Exponential moving average of the per-step curves; the raw values stay faint "
                               "behind. Validation curves are drawn as measured."));
    m_smoothingValue = new QLabel(this);
    m_smoothingValue->setMinimumWidth(QFontMetrics(font()).horizontalAdvance(QStringLiteral("0.99")));
    m_logY = new QCheckBox(tr("Log y"), this);
    auto *reset = new QPushButton(tr("Reset view"), this);
    reset->setToolTip(tr("Fit all data and follow new points (also: double-click, right-click or Home)"));
    auto *png = new QPushButton(tr("PNG…"), this);
    png->setToolTip(tr("Save the chart as shown"));
    auto *csv = new QPushButton(tr("CSV…"), this);
    csv->setToolTip(tr("Save every stored point of this chart's metrics, for all shown runs"));

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Chart"), this));
    controls->addWidget(m_kind);
    controls->addSpacing(8);
    controls->addWidget(new QLabel(tr("x"), this));
    controls->addWidget(m_axis);
    controls->addSpacing(8);
    controls->addWidget(new QLabel(tr("Smoothing"), this));
    controls->addWidget(m_smoothing);
    controls->addWidget(m_smoothingValue);
    controls->addWidget(m_logY);
    controls->addStretch();
    controls->addWidget(reset);
    controls->addWidget(png);
    controls->addWidget(csv);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_chart);
    split->addWidget(m_summary);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    split->setSizes({520, 110});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(split);

    connect(m_kind, &QComboBox::currentIndexChanged, this,
            [this]() { m_chart->setKind(static_cast<ChartKind>(m_kind->currentData().toInt())); });
    connect(m_axis, &QComboBox::currentIndexChanged, this,
            [this]() { m_chart->setXAxis(static_cast<XAxis>(m_axis->currentData().toInt())); });
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int value) {
        m_smoothingValue->setText(QString::number(value / 100.0, 'f', 2));
        m_chart->setSmoothing(value / 100.0);
    });
    connect(m_logY, &QCheckBox::toggled, m_chart, &MetricChart::setLogY);
    connect(reset, &QPushButton::clicked, m_chart, &MetricChart::resetView);
    connect(png, &QPushButton::clicked, this, &CurvesPanel::exportPng);
    connect(csv, &QPushButton::clicked, this, &CurvesPanel::exportCsv);
    connect(&store, &SeriesStore::runChanged, this, [this]() {
        if (!m_summaryRefresh.isActive())
            m_summaryRefresh.start();
    });
    m_summaryRefresh.setSingleShot(true);
    m_summaryRefresh.setInterval(250);
    connect(&m_summaryRefresh, &QTimer::timeout, this, &CurvesPanel::refreshSummary);
    setSmoothingPercent(60);
    m_smoothingValue->setText(QString::number(m_smoothing->value() / 100.0, 'f', 2));
}

void CurvesPanel::setRuns(const QList<ChartRun> &runs)
{
    m_chart->setRuns(runs);
    refreshSummary();
}

void CurvesPanel::setChartKind(ChartKind kind)
{
    m_kind->setCurrentIndex(m_kind->findData(int(kind)));
}

void CurvesPanel::setSmoothingPercent(int percent)
{
    m_smoothing->setValue(percent);
}

void CurvesPanel::refreshSummary()
{
    m_summary->showRuns(m_chart->runs(), m_store, m_colors);
}

void CurvesPanel::exportPng()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save chart as PNG"),
                                                      QDir::home().filePath(QStringLiteral("curves.png")),
                                                      tr("PNG images (*.png)"));
    if (!path.isEmpty() && !m_chart->exportPng(path))
        QMessageBox::warning(this, tr("Not saved"), tr("Could not write %1").arg(path));
}

void CurvesPanel::exportCsv()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save chart data as CSV"),
                                                      QDir::home().filePath(QStringLiteral("curves.csv")),
                                                      tr("CSV files (*.csv)"));
    if (!path.isEmpty() && !m_chart->exportCsv(path))
        QMessageBox::warning(this, tr("Not saved"), tr("Could not write %1").arg(path));
}

}  // namespace corral
