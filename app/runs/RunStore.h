#pragma once
// Every run submitted to a cluster, in a local SQLite database (QtSql), so a restarted app
// lists them all and resumes following the ones still active. Schema in docs/formats.md
// (run store, version 1). One RunStore per database file and thread: QSqlDatabase connections
// are not shared between threads.
#include "config/Result.h"
#include "slurm/SlurmJobState.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>

namespace corral {

struct StoredRun {
    qint64 id = 0;
    QString name;
    QString profile;
    QString jobId;
    QString runDir;      // remote RUN_DIR
    QString configYaml;  // the run.yaml that was submitted
    QDateTime submittedAt;
    SlurmJobStatus status;  // the latest recorded
};

struct StateChange {
    SlurmJobState state = SlurmJobState::Unknown;
    QString reason;
    std::optional<int> exitCode;
    QDateTime at;
};

class RunStore {
public:
    static Result<std::unique_ptr<RunStore>> open(const QString &path);
    ~RunStore();
    RunStore(const RunStore &) = delete;
    RunStore &operator=(const RunStore &) = delete;

    Result<qint64> addRun(const StoredRun &run);
    // Appends to the run's history only when the status differs from the latest one, so a
    // repeated poll (or a replay after reconnecting) never duplicates a transition.
    Result<bool> recordStatus(const QString &profile, const SlurmJobStatus &status);
    Result<QList<StoredRun>> runs() const;
    Result<QList<StoredRun>> activeRuns(const QString &profile) const;  // not in a final state
    Result<QList<StateChange>> history(qint64 runId) const;

private:
    explicit RunStore(QString connectionName, QString path);
    Status createSchema();

    QString m_connection;
    QString m_path;
};

}  // namespace corral
