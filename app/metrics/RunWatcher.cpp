#include "metrics/RunWatcher.h"

#include "metrics/JsonlTailer.h"
#include "metrics/MetricTailer.h"

#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

namespace corral {

namespace {
// A long file arrives in batches of about this many bytes (some 25,000 records), so the
// receiving thread takes it in slices and memory per signal stays bounded.
constexpr qint64 kBatchBytes = 4 << 20;
// A change notice reads this much later, so a trainer flushing record after record costs one
// read per burst rather than one per line.
constexpr int kCoalesceMs = 20;
}  // namespace

// The worker: owns the tailers and the timer, all on the watcher's thread.
class RunDirectoryPoller : public QObject {
    Q_OBJECT
public:
    RunDirectoryPoller(const QString &runDir, int intervalMs, std::shared_ptr<std::atomic<qint64>> linesRead)
        : m_dir(runDir)
        , m_metrics(QDir(runDir).filePath(QStringLiteral("metrics.jsonl")))
        , m_events(QDir(runDir).filePath(QStringLiteral("events.jsonl")))
        , m_intervalMs(intervalMs)
        , m_linesRead(std::move(linesRead))
    {
    }

    // The files are watched (inotify), so a line is read within kCoalesceMs of its write; the
    // timer stays as the fallback for filesystems that send no notices, such as a cluster's
    // NFS or Lustre mounted here, where another machine writes.
    void start()
    {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, &RunDirectoryPoller::poll);
        m_timer->start(m_intervalMs);
        m_soon = new QTimer(this);
        m_soon->setSingleShot(true);
        m_soon->setInterval(kCoalesceMs);
        connect(m_soon, &QTimer::timeout, this, &RunDirectoryPoller::poll);
        m_watcher = new QFileSystemWatcher(this);
        connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &RunDirectoryPoller::readSoon);
        connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &RunDirectoryPoller::readSoon);  // a file appeared
        if (QFileInfo::exists(m_dir))
            m_watcher->addPath(m_dir);
        poll();
    }

    void readSoon()
    {
        if (!m_soon->isActive())
            m_soon->start();
    }

    void drain()
    {
        poll();
        emit drained();
    }

    void poll()
    {
        watchFiles();
        QStringList problems;
        int malformed = 0;
        bool more = true;
        while (more) {
            MetricBatch metrics = m_metrics.poll(kBatchBytes, &more);
            if (!metrics.records.isEmpty() || metrics.restarted)
                emit metricsArrived(metrics.records, metrics.restarted);
            problems += metrics.problems;
            malformed += metrics.malformedLines;
            *m_linesRead += metrics.records.size() + metrics.malformedLines;
        }
        JsonlBatch events = m_events.poll();
        *m_linesRead += events.objects.size() + events.malformedLines;
        if (!events.objects.isEmpty() || events.restarted)
            emit eventsArrived(events.objects, events.restarted);
        problems += events.problems;
        malformed += events.malformedLines;
        if (malformed > 0 || !problems.isEmpty())
            emit problemsFound(problems, malformed);
    }

signals:
    void metricsArrived(const QVector<corral::MetricRecord> &records, bool restarted);
    void eventsArrived(const QVector<QJsonObject> &events, bool restarted);
    void problemsFound(const QStringList &problems, int malformedLines);
    void drained();

private:
    // A file is watched once it exists; a replaced file (new inode) drops its watch, and the
    // next read watches the new one.
    void watchFiles()
    {
        if (!m_watcher)
            return;
        const QStringList watched = m_watcher->files();
        for (const QString &path : {m_metrics.lines().path(), m_events.path()}) {
            if (!watched.contains(path) && QFileInfo::exists(path))
                m_watcher->addPath(path);
        }
        if (m_watcher->directories().isEmpty() && QFileInfo::exists(m_dir))
            m_watcher->addPath(m_dir);
    }

    QString m_dir;
    MetricTailer m_metrics;
    JsonlTailer m_events;
    int m_intervalMs;
    std::shared_ptr<std::atomic<qint64>> m_linesRead;
    QTimer *m_timer = nullptr;
    QTimer *m_soon = nullptr;
    QFileSystemWatcher *m_watcher = nullptr;
};

RunWatcher::RunWatcher(const QString &runDir, int intervalMs, QObject *parent) : QObject(parent)
{
    qRegisterMetaType<QVector<corral::MetricRecord>>();
    m_poller = new RunDirectoryPoller(runDir, intervalMs, m_linesRead);
    m_poller->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_poller, &QObject::deleteLater);
    connect(m_poller, &RunDirectoryPoller::metricsArrived, this, &RunWatcher::metricsArrived);
    connect(m_poller, &RunDirectoryPoller::eventsArrived, this, &RunWatcher::eventsArrived);
    connect(m_poller, &RunDirectoryPoller::problemsFound, this, [this](const QStringList &problems, int malformed) {
        m_malformed += malformed;
        emit problemsFound(problems);
    });
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
