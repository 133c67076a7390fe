#include "runs/RunStore.h"

#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace corral;

namespace {
StoredRun sampleRun(const QString &jobId)
{
    StoredRun run;
    run.name = QStringLiteral("tiny-demo 'quoted'");
    run.profile = QStringLiteral("cluster");
    run.jobId = jobId;
    run.runDir = QStringLiteral("/scratch/runs/tiny-demo-") + jobId;
    run.configYaml = QStringLiteral("train:\n  max_steps: 3\n");
    run.submittedAt = QDateTime::fromSecsSinceEpoch(1790000000, Qt::UTC);
    run.status.jobId = jobId;
    run.status.state = SlurmJobState::Pending;
    return run;
}

SlurmJobStatus status(const QString &jobId, SlurmJobState state, std::optional<int> exitCode = std::nullopt)
{
    SlurmJobStatus s;
    s.jobId = jobId;
    s.state = state;
    s.exitCode = exitCode;
    return s;
}
}  // namespace

class TestRunStore : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString dbPath(const char *name) const { return m_dir.filePath(QLatin1StringView(name)); }

private slots:
    void runsAndTheirHistorySurviveAReopen()
    {
        const QString path = dbPath("reopen.sqlite");
        qint64 id = 0;
        {
            auto store = RunStore::open(path);
            QVERIFY2(store.ok(), store.ok() ? "" : store.error().toString().c_str());
            auto added = store.value()->addRun(sampleRun(QStringLiteral("17")));
            QVERIFY2(added.ok(), added.ok() ? "" : added.error().toString().c_str());
            id = added.value();
            QVERIFY(store.value()->recordStatus(QStringLiteral("cluster"), status(QStringLiteral("17"), SlurmJobState::Running)).value());
        }
        auto store = RunStore::open(path);
        QVERIFY(store.ok());
        const auto runs = store.value()->runs();
        QVERIFY(runs.ok());
        QCOMPARE(runs.value().size(), 1);
        const StoredRun run = runs.value().first();
        QCOMPARE(run.id, id);
        QCOMPARE(run.name, QStringLiteral("tiny-demo 'quoted'"));
        QCOMPARE(run.runDir, QStringLiteral("/scratch/runs/tiny-demo-17"));
        QCOMPARE(run.configYaml, QStringLiteral("train:\n  max_steps: 3\n"));
        QCOMPARE(run.submittedAt, QDateTime::fromSecsSinceEpoch(1790000000, Qt::UTC));
        QCOMPARE(run.status.state, SlurmJobState::Running);
        const auto history = store.value()->history(id);
        QVERIFY(history.ok());
        QCOMPARE(history.value().size(), 2);
        QCOMPARE(history.value().at(0).state, SlurmJobState::Pending);
        QCOMPARE(history.value().at(1).state, SlurmJobState::Running);
    }

    void aRepeatedStatusIsNotADuplicateTransition()
    {
        auto store = RunStore::open(dbPath("dupes.sqlite"));
        QVERIFY(store.ok());
        const auto id = store.value()->addRun(sampleRun(QStringLiteral("5")));
        QVERIFY(id.ok());
        RunStore &s = *store.value();
        QCOMPARE(s.recordStatus(QStringLiteral("cluster"), status(QStringLiteral("5"), SlurmJobState::Running)).value(), true);
        QCOMPARE(s.recordStatus(QStringLiteral("cluster"), status(QStringLiteral("5"), SlurmJobState::Running)).value(), false);
        QCOMPARE(s.recordStatus(QStringLiteral("cluster"), status(QStringLiteral("5"), SlurmJobState::Failed, 1)).value(), true);
        QCOMPARE(s.recordStatus(QStringLiteral("cluster"), status(QStringLiteral("5"), SlurmJobState::Failed, 1)).value(), false);
        const auto history = s.history(id.value());
        QCOMPARE(history.value().size(), 3);
        QCOMPARE(history.value().last().exitCode, std::optional<int>(1));
    }

    void activeRunsAreThoseNotEndedOnThatProfile()
    {
        auto store = RunStore::open(dbPath("active.sqlite"));
        QVERIFY(store.ok());
        RunStore &s = *store.value();
        for (const char *job : {"1", "2", "3"})
            QVERIFY(s.addRun(sampleRun(QString::fromLatin1(job))).ok());
        StoredRun other = sampleRun(QStringLiteral("4"));
        other.profile = QStringLiteral("elsewhere");
        QVERIFY(s.addRun(other).ok());
        QVERIFY(s.recordStatus(QStringLiteral("cluster"), status(QStringLiteral("2"), SlurmJobState::Completed, 0)).ok());
        QVERIFY(s.recordStatus(QStringLiteral("cluster"), status(QStringLiteral("3"), SlurmJobState::Requeued)).ok());
        const auto active = s.activeRuns(QStringLiteral("cluster"));
        QVERIFY(active.ok());
        QStringList ids;
        for (const auto &run : active.value())
            ids << run.jobId;
        QCOMPARE(ids, (QStringList{QStringLiteral("1"), QStringLiteral("3")}));
    }

    void unknownJobsAndDuplicateSubmissionsAreErrors()
    {
        auto store = RunStore::open(dbPath("errors.sqlite"));
        QVERIFY(store.ok());
        RunStore &s = *store.value();
        const auto missing = s.recordStatus(QStringLiteral("cluster"), status(QStringLiteral("99"), SlurmJobState::Running));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(s.addRun(sampleRun(QStringLiteral("8"))).ok());
        const auto again = s.addRun(sampleRun(QStringLiteral("8")));
        QVERIFY(!again.ok());
        QVERIFY2(again.error().context.find("errors.sqlite") != std::string::npos, again.error().toString().c_str());
    }

    // It holds every run's config and folders: the owner's alone, even where the umask is lax,
    // and a store an older version left readable is tightened when opened.
    void theStoreFileIsPrivate()
    {
        const mode_t before = ::umask(0);
        const QString path = dbPath("private.sqlite");
        {
            auto store = RunStore::open(path);
            QVERIFY(store.ok());
            StoredRun run;
            run.name = QStringLiteral("r");
            run.profile = QStringLiteral("hpc");
            run.jobId = QStringLiteral("1");
            run.runDir = QStringLiteral("/w/r");
            run.submittedAt = QDateTime::currentDateTimeUtc();
            QVERIFY(store.value()->addRun(run).ok());
        }
        ::umask(before);
        QCOMPARE(QFile::permissions(path), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser
                                               | QFileDevice::WriteUser);
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther));
        QVERIFY(RunStore::open(path).ok());
        QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup
                                             | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
    }

    void anUnopenablePathIsAnErrorNamingIt()
    {
        const auto store = RunStore::open(QStringLiteral("/nonexistent-folder/x/runs.sqlite"));
        QVERIFY(!store.ok());
        QVERIFY(store.error().context.find("/nonexistent-folder") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestRunStore)
#include "tst_runstore.moc"
