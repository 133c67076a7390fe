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

namespace corral {

class RunDirectoryPoller;

class RunWatcher : public QObject {
    Q_OBJECT
public:
    explicit RunWatcher(const QString &runDir, int intervalMs = 200, QObject *parent = nullptr);
    ~RunWatcher() override;

    void start();
    // Polls once more, then emits drained(): everything written before this call has been delivered.
    void drain();

signals:
    void metricsArrived(const QVector<corral::MetricRecord> &records, bool restarted);
    void eventsArrived(const QVector<QJsonObject> &events);
    void problemsFound(const QStringList &problems);
    void drained();

private:
    QThread m_thread;
    RunDirectoryPoller *m_poller = nullptr;  // lives on m_thread
};

}  // namespace corral
