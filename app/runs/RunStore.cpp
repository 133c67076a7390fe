#include "runs/RunStore.h"

#include <QAtomicInt>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <fcntl.h>
#include <unistd.h>

namespace corral {

namespace {
constexpr int kSchemaVersion = 1;

Error sqlError(const QString &path, const QString &what, const QSqlError &error)
{
    return makeError(ErrorCode::Io, QStringLiteral("%1: %2").arg(what, error.text()).toStdString(), path.toStdString());
}

// QtSql binds a null QString as SQL NULL; empty texts are stored as ''.
QVariant text(const QString &value) { return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value); }
QVariant nullable(const std::optional<int> &value) { return value ? QVariant(*value) : QVariant(); }
std::optional<int> fromNullable(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<int>(value.toInt());
}

const char *kSelectRuns =
    "SELECT id, name, profile, job_id, run_dir, config_yaml, submitted_at, state, reason, exit_code FROM runs ";

StoredRun runFrom(const QSqlQuery &q)
{
    StoredRun run;
    run.id = q.value(0).toLongLong();
    run.name = q.value(1).toString();
    run.profile = q.value(2).toString();
    run.jobId = q.value(3).toString();
    run.runDir = q.value(4).toString();
    run.configYaml = q.value(5).toString();
    run.submittedAt = QDateTime::fromSecsSinceEpoch(q.value(6).toLongLong(), Qt::UTC);
    run.status.jobId = run.jobId;
    run.status.state = slurmJobStateFromText(q.value(7).toString());
    run.status.reason = q.value(8).toString();
    run.status.exitCode = fromNullable(q.value(9));
    return run;
}
}  // namespace

RunStore::RunStore(QString connectionName, QString path) : m_connection(std::move(connectionName)), m_path(std::move(path)) {}

RunStore::~RunStore()
{
    QSqlDatabase::database(m_connection, false).close();
    QSqlDatabase::removeDatabase(m_connection);
}

Result<std::unique_ptr<RunStore>> RunStore::open(const QString &path)
{
    static QAtomicInt counter;
    const QString name = QStringLiteral("corral-runstore-%1").arg(counter.fetchAndAddRelaxed(1));
    std::unique_ptr<RunStore> store(new RunStore(name, path));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    if (!db.isValid())
        return makeError(ErrorCode::Runtime, "the Qt SQLite driver is missing (install libqt6sql6-sqlite)", path.toStdString());
    // Owner only (0600): it holds every run's config, folders and job ids. Created so before
    // SQLite first writes it (its journal files take the database's mode), and older stores
    // are tightened.
    const bool onDisk = path != QLatin1StringView(":memory:") && !path.startsWith(QLatin1StringView("file:"));
    if (onDisk && !QFile::exists(path)) {
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            ::close(fd);
    }
    if (onDisk && QFile::exists(path) && !QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return makeError(ErrorCode::Io, "cannot make the run store private (mode 0600)", path.toStdString());
    db.setDatabaseName(path);
    if (!db.open())
        return sqlError(path, QStringLiteral("cannot open the run store"), db.lastError());
    if (auto st = store->createSchema(); !st)
        return st.error();
    return store;
}

Status RunStore::createSchema()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return sqlError(m_path, QStringLiteral("cannot read the schema version"), q.lastError());
    const int version = q.value(0).toInt();
    if (version == kSchemaVersion)
        return okStatus();
    if (version > kSchemaVersion)
        return makeError(ErrorCode::Validation,
                         QStringLiteral("run store schema %1 is newer than this app's (%2)").arg(version).arg(kSchemaVersion).toStdString(),
                         m_path.toStdString());
    const char *statements[] = {
        "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, profile TEXT NOT NULL, "
        "job_id TEXT NOT NULL, run_dir TEXT NOT NULL, config_yaml TEXT NOT NULL, submitted_at INTEGER NOT NULL, "
        "state TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', exit_code INTEGER, UNIQUE(profile, job_id))",
        "CREATE TABLE run_states (run_id INTEGER NOT NULL REFERENCES runs(id), state TEXT NOT NULL, "
        "reason TEXT NOT NULL DEFAULT '', exit_code INTEGER, at INTEGER NOT NULL)",
        "CREATE INDEX run_states_by_run ON run_states(run_id)",
        "PRAGMA user_version = 1",
    };
    if (!db.transaction())
        return sqlError(m_path, QStringLiteral("cannot start a transaction"), db.lastError());
    for (const char *sql : statements)
        if (!q.exec(QString::fromLatin1(sql))) {
            const Error e = sqlError(m_path, QStringLiteral("cannot create the schema"), q.lastError());
            db.rollback();
            return e;
        }
    if (!db.commit())
        return sqlError(m_path, QStringLiteral("cannot create the schema"), db.lastError());
    return okStatus();
}

Result<qint64> RunStore::addRun(const StoredRun &run)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO runs (name, profile, job_id, run_dir, config_yaml, submitted_at, state, reason, "
                             "exit_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const QVariant &v : {QVariant(run.name), QVariant(run.profile), QVariant(run.jobId), QVariant(run.runDir),
                              text(run.configYaml), QVariant(run.submittedAt.toSecsSinceEpoch()),
                              QVariant(slurmJobStateName(run.status.state)), text(run.status.reason),
                              nullable(run.status.exitCode)})
        q.addBindValue(v);
    if (!db.transaction())
        return sqlError(m_path, QStringLiteral("cannot start a transaction"), db.lastError());
    if (!q.exec()) {
        const Error e = sqlError(m_path, QStringLiteral("cannot add run %1 (job %2)").arg(run.name, run.jobId), q.lastError());
        db.rollback();
        return e;
    }
    const qint64 id = q.lastInsertId().toLongLong();
    QSqlQuery h(db);
    h.prepare(QStringLiteral("INSERT INTO run_states (run_id, state, reason, exit_code, at) VALUES (?, ?, ?, ?, ?)"));
    for (const QVariant &v : {QVariant(id), QVariant(slurmJobStateName(run.status.state)), text(run.status.reason),
                              nullable(run.status.exitCode), QVariant(run.submittedAt.toSecsSinceEpoch())})
        h.addBindValue(v);
    if (!h.exec()) {
        const Error e = sqlError(m_path, QStringLiteral("cannot add run %1").arg(run.name), h.lastError());
        db.rollback();
        return e;
    }
    if (!db.commit())
        return sqlError(m_path, QStringLiteral("cannot add run %1").arg(run.name), db.lastError());
    return id;
}

Result<bool> RunStore::recordStatus(const QString &profile, const SlurmJobStatus &status)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    q.prepare(QString::fromLatin1(kSelectRuns) + QStringLiteral("WHERE profile = ? AND job_id = ?"));
    q.addBindValue(profile);
    q.addBindValue(status.jobId);
    if (!q.exec())
        return sqlError(m_path, QStringLiteral("cannot look up job %1").arg(status.jobId), q.lastError());
    if (!q.next())
        return makeError(ErrorCode::NotFound, QStringLiteral("no run for job %1 on %2").arg(status.jobId, profile).toStdString(),
                         m_path.toStdString());
    const StoredRun run = runFrom(q);
    if (run.status.state == status.state && run.status.reason == status.reason && run.status.exitCode == status.exitCode)
        return false;
    const QVariant state = slurmJobStateName(status.state);
    const QVariant now = QDateTime::currentSecsSinceEpoch();
    QSqlQuery update(db), history(db);
    update.prepare(QStringLiteral("UPDATE runs SET state = ?, reason = ?, exit_code = ? WHERE id = ?"));
    for (const QVariant &v : {state, text(status.reason), nullable(status.exitCode), QVariant(run.id)})
        update.addBindValue(v);
    history.prepare(QStringLiteral("INSERT INTO run_states (run_id, state, reason, exit_code, at) VALUES (?, ?, ?, ?, ?)"));
    for (const QVariant &v : {QVariant(run.id), state, text(status.reason), nullable(status.exitCode), now})
        history.addBindValue(v);
    if (!db.transaction() || !update.exec() || !history.exec() || !db.commit()) {
        db.rollback();
        return sqlError(m_path, QStringLiteral("cannot record the state of job %1").arg(status.jobId), db.lastError());
    }
    return true;
}

Result<QList<StoredRun>> RunStore::runs() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(QString::fromLatin1(kSelectRuns) + QStringLiteral("ORDER BY id")))
        return sqlError(m_path, QStringLiteral("cannot list runs"), q.lastError());
    QList<StoredRun> out;
    while (q.next())
        out << runFrom(q);
    return out;
}

Result<QList<StoredRun>> RunStore::activeRuns(const QString &profile) const
{
    auto all = runs();
    if (!all)
        return all.error();
    QList<StoredRun> active;
    for (const StoredRun &run : all.value())
        if (run.profile == profile && !isFinalState(run.status.state))
            active << run;
    return active;
}

Result<QList<StateChange>> RunStore::history(qint64 runId) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT state, reason, exit_code, at FROM run_states WHERE run_id = ? ORDER BY rowid"));
    q.addBindValue(runId);
    if (!q.exec())
        return sqlError(m_path, QStringLiteral("cannot read the history of run %1").arg(runId), q.lastError());
    QList<StateChange> out;
    while (q.next())
        out << StateChange{slurmJobStateFromText(q.value(0).toString()), q.value(1).toString(),
                           fromNullable(q.value(2)), QDateTime::fromSecsSinceEpoch(q.value(3).toLongLong(), Qt::UTC)};
    return out;
}

}  // namespace corral
