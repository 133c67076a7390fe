#include "metrics/RunWatcher.h"

#include "metrics/JsonlTailer.h"
#include "metrics/MetricTailer.h"

#include <QDir>
#include <QTimer>

namespace corral {

namespace {
// A long file arrives in batches of about this many bytes (some 25,000 records), so the
// receiving thread takes it in slices and memory per signal stays bounded.
constexpr qint64 kBatchBytes = 4 << 20;
}  // namespace

// The worker: owns the tailers and the timer, all on the watcher's thread.
class RunDirectoryPoller : public QObject {
    Q_OBJECT
public:
    RunDirectoryPoller(const QString &runDir, int intervalMs)
        : m_metrics(QDir(runDir).filePath(QStringLiteral("metrics.jsonl")))
        , m_events(QDir(runDir).filePath(QStringLiteral("events.jsonl")))
        , m_intervalMs(intervalMs)
    {
    }

    void start()
    {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, &RunDirectoryPoller::poll);
        m_timer->start(m_intervalMs);
        poll();
    }

    void drain()
    {
        poll();
        emit drained();
    }

    void poll()
    {
        QStringList problems;
        bool more = true;
        while (more) {
            MetricBatch metrics = m_metrics.poll(kBatchBytes, &more);
            if (!metrics.records.isEmpty() || metrics.restarted)
                emit metricsArrived(metrics.records, metrics.restarted);
            problems += metrics.problems;
        }
        JsonlBatch events = m_events.poll();
        if (!events.objects.isEmpty())
            emit eventsArrived(events.objects);
        problems += events.problems;
        if (!problems.isEmpty())
            emit problemsFound(problems);
    }

signals:
    void metricsArrived(const QVector<corral::MetricRecord> &records, bool restarted);
    void eventsArrived(const QVector<QJsonObject> &events);
    void problemsFound(const QStringList &problems);
    void drained();

private:
    MetricTailer m_metrics;
    JsonlTailer m_events;
    int m_intervalMs;
    QTimer *m_timer = nullptr;
};

RunWatcher::RunWatcher(const QString &runDir, int intervalMs, QObject *parent) : QObject(parent)
{
    qRegisterMetaType<QVector<corral::MetricRecord>>();
    m_poller = new RunDirectoryPoller(runDir, intervalMs);
    m_poller->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_poller, &QObject::deleteLater);
    connect(m_poller, &RunDirectoryPoller::metricsArrived, this, &RunWatcher::metricsArrived);
    connect(m_poller, &RunDirectoryPoller::eventsArrived, this, &RunWatcher::eventsArrived);
    connect(m_poller, &RunDirectoryPoller::problemsFound, this, &RunWatcher::problemsFound);
    connect(m_poller, &RunDirectoryPoller::drained, this, &RunWatcher::drained);
    m_thread.setObjectName(QStringLiteral("RunWatcher"));
    m_thread.start();
}

RunWatcher::~RunWatcher()
{
    m_thread.quit();
    m_thread.wait();
}

void RunWatcher::start()
{
    QMetaObject::invokeMethod(m_poller, &RunDirectoryPoller::start, Qt::QueuedConnection);
}

void RunWatcher::drain()
{
    QMetaObject::invokeMethod(m_poller, &RunDirectoryPoller::drain, Qt::QueuedConnection);
}

}  // namespace corral

#include "RunWatcher.moc"
