#include "metrics/RunWatcher.h"

#include "metrics/JsonlTailer.h"

#include <QDir>
#include <QTimer>

namespace corral {

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
        JsonlBatch metrics = m_metrics.poll();
        QVector<MetricRecord> records;
        records.reserve(metrics.objects.size());
        for (const QJsonObject &object : metrics.objects) {
            if (auto record = MetricRecord::fromJson(object))
                records.push_back(*record);
        }
        if (!records.isEmpty() || metrics.restarted)
            emit metricsArrived(records, metrics.restarted);
        JsonlBatch events = m_events.poll();
        if (!events.objects.isEmpty())
            emit eventsArrived(events.objects);
        const QStringList problems = metrics.problems + events.problems;
        if (!problems.isEmpty())
            emit problemsFound(problems);
    }

signals:
    void metricsArrived(const QVector<corral::MetricRecord> &records, bool restarted);
    void eventsArrived(const QVector<QJsonObject> &events);
    void problemsFound(const QStringList &problems);
    void drained();

private:
    JsonlTailer m_metrics;
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
