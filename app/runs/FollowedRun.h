#pragma once
// A run folder the app follows without having started it: a run from the command line, an
// earlier session, or a cluster's shared filesystem mounted here. Its metrics and events are
// read live (RunWatcher, on a worker thread); its progress is folded from the records and
// its state told by the lifecycle events (started/resumed, preempted, finished, failed).
#include "metrics/MetricRecord.h"
#include "runs/RunListModel.h"
#include "runs/RunProgress.h"

#include <QJsonObject>
#include <QObject>

namespace corral {

class RunWatcher;

class FollowedRun : public QObject {
    Q_OBJECT
public:
    explicit FollowedRun(QString runDir, QObject *parent = nullptr);

    void start();
    const QString &runDir() const { return m_runDir; }
    const RunProgress &progress() const { return m_progress; }
    // Running until an event says otherwise: the files cannot tell a live trainer from one
    // that died without a word.
    RunState state() const { return m_state; }
    int malformedLines() const;

signals:
    void metricsArrived(const QVector<corral::MetricRecord> &records, bool restarted);
    void eventsArrived(const QVector<QJsonObject> &events, bool restarted);
    // Lines of metrics.jsonl or events.jsonl that are no record: counted, reported, skipped.
    void problemsFound(const QStringList &problems);
    void progressChanged();

private:
    QString m_runDir;
    RunWatcher *m_watcher = nullptr;
    RunProgress m_progress;
    RunState m_state = RunState::Running;
};

}  // namespace corral
