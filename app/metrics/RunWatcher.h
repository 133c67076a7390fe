#pragma once
// Follows a run directory's metrics.jsonl and events.jsonl from a worker thread, so file
// reads and JSON parsing never run on the GUI thread. Results arrive as queued signals on
// the watcher's own thread, in the order they were written.
#include "metrics/MetricRecord.h"

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QThread>
#include <QVector>

#include <atomic>
#include <memory>

namespace corral {

class RunDirectoryPoller;

class RunWatcher : public QObject {
    Q_OBJECT
public:
    // The files are watched for changes; `intervalMs` is how often they are read regardless,
    // for filesystems that send no change notices.
    explicit RunWatcher(const QString &runDir, int intervalMs = 200, QObject *parent = nullptr);
    ~RunWatcher() override;

    void start();
    // Polls once more, then emits drained(): everything written before this call has been delivered.
    void drain();

signals:
    void metricsArrived(const QVector<corral::MetricRecord> &records, bool restarted);
    // `restarted`: events.jsonl was truncated or replaced; the events delivered before are void.
    void eventsArrived(const QVector<QJsonObject> &events, bool restarted);
    // Lines that are no record, "metrics.jsonl:12: …"; never fatal, counted in malformedLines().
    void problemsFound(const QStringList &problems);
    void drained();

public:
    int malformedLines() const { return m_malformed; }
    // Records and malformed lines read so far, counted on the reading thread as it goes: it
    // grows while this thread is busy and the signals carrying them wait in its queue.
    qint64 linesRead() const { return m_linesRead->load(); }

private:
    int m_malformed = 0;  // on the watcher's (GUI) thread
    std::shared_ptr<std::atomic<qint64>> m_linesRead = std::make_shared<std::atomic<qint64>>(0);
    QThread m_thread;
    RunDirectoryPoller *m_poller = nullptr;  // lives on m_thread
};

}  // namespace corral
