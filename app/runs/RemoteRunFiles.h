#pragma once
// A cluster run's metrics.jsonl and events.jsonl, read over SFTP from the last offset (FileTail
// on the profile's connection), so the run list shows its step and best validation loss and the
// Curves tab draws it like a local run. Lines count only once their newline has arrived; a
// rewritten metrics file (a resume trims records past the checkpoint) starts the run over.
#include "metrics/MetricRecord.h"
#include "runs/FileTail.h"
#include "runs/RunProgress.h"

#include <QJsonObject>
#include <QObject>

namespace corral {

class RemoteRunFiles : public QObject {
    Q_OBJECT
public:
    RemoteRunFiles(ChunkReader reader, const QString &runDir, int intervalMs, QObject *parent = nullptr);

    void start();
    void finish();  // reads each file to its end once more, then stops (the job ended)
    const RunProgress &progress() const { return m_progress; }

signals:
    void metricsArrived(const QVector<corral::MetricRecord> &records, bool restarted);
    void eventsArrived(const QVector<QJsonObject> &events);
    void progressChanged();

private:
    static QList<QByteArray> completeLines(QByteArray &pending, const QByteArray &bytes);

    FileTail *m_metrics;
    FileTail *m_events;
    QByteArray m_metricsPending;
    QByteArray m_eventsPending;
    bool m_metricsRestarted = false;
    RunProgress m_progress;
};

}  // namespace corral
