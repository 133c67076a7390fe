#pragma once
// A run on the local profile: writes the requested config into the run folder, starts
// corral-train out of process (QProcess, so a crash of the trainer cannot take the app down),
// follows its metrics and events, and reports the end once every record has been read.
#include "config/RunConfig.h"
#include "metrics/MetricRecord.h"
#include "runs/RunProgress.h"

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QStringList>

namespace corral {

class RunWatcher;

class LocalRun : public QObject {
    Q_OBJECT
public:
    LocalRun(RunConfig config, QString runDir, QString trainerPath, QObject *parent = nullptr);
    ~LocalRun() override;

    // Writes RUN_DIR/run.yaml and starts the trainer; false with a message when it cannot.
    // `resume`: continue the run in RUN_DIR from its newest checkpoint (--resume auto).
    bool start(QString *error, bool resume = false);
    // Starts from this checkpoint folder (of this run or another) instead: the run continues
    // at its step in RUN_DIR (`corral-train --resume CHECKPOINT`). Set before start().
    void setResumeFrom(const QString &checkpointDir) { m_resumeFrom = checkpointDir; }
    const QString &resumeFrom() const { return m_resumeFrom; }
    QStringList trainerArguments() const { return m_process.arguments(); }

    // Asks the trainer to stop (SIGTERM): it saves a checkpoint at the step boundary and
    // exits; the run can be resumed later.
    void stop();
    bool wasStopped() const { return m_stopped; }  // ended by a stop request, with a checkpoint

    const QString &runDir() const { return m_runDir; }
    const RunConfig &config() const { return m_config; }
    const RunProgress &progress() const { return m_progress; }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    int malformedLines() const;

signals:
    void metricsArrived(const QVector<corral::MetricRecord> &records, bool restarted);
    void eventsArrived(const QVector<QJsonObject> &events, bool restarted);
    // Lines of metrics.jsonl or events.jsonl that are no record: counted, reported, skipped.
    void problemsFound(const QStringList &problems);
    void progressChanged();
    // After the trainer exited and all its records were delivered.
    void finished(bool ok, const QString &message);

private:
    void onProcessFinished(int exitCode, QProcess::ExitStatus status);
    void onDrained();

    RunConfig m_config;
    QString m_runDir;
    QString m_trainerPath;
    QString m_resumeFrom;
    QProcess m_process;
    RunWatcher *m_watcher = nullptr;
    RunProgress m_progress;
    QString m_lastFailure;  // message of a "failed" event
    bool m_ok = false;
    bool m_stopped = false;
    QString m_endMessage;
};

}  // namespace corral
