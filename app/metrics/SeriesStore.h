#pragma once
// The series of every run the app follows, by run id (the run folder). Lives on the GUI
// thread: the watchers parse on their worker threads and deliver records in slices of a few
// thousand, and folding a slice into the columns is a few hundred microseconds. Views
// (charts, summaries) read it and listen to runChanged.
#include "metrics/RunSeries.h"

#include <QObject>
#include <QString>

#include <map>
#include <memory>

namespace corral {

class SeriesStore : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~SeriesStore() override;

    // `restarted`: metrics.jsonl was rewritten, the run's points so far are void.
    void appendMetrics(const QString &runId, const QVector<MetricRecord> &records, bool restarted = false);
    // `restarted`: events.jsonl was rewritten, the run's events so far are void.
    void appendEvents(const QString &runId, const QVector<QJsonObject> &events, bool restarted = false);
    // A new watcher will read the run's files again from the start: drop what it had.
    void resetRun(const QString &runId);
    void removeRun(const QString &runId);

    const RunSeries *run(const QString &runId) const;  // nullptr when unknown
    qsizetype pointCount() const;
    qsizetype bytesHeld() const;

signals:
    void runChanged(const QString &runId);

private:
    RunSeries &series(const QString &runId);

    std::map<QString, std::unique_ptr<RunSeries>> m_runs;
};

}  // namespace corral
