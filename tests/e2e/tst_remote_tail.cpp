// The remote tail against the real sshd on 127.0.0.1 (tests/e2e/cluster-fixture): lines
// appended on the "cluster" (the fixture's work folder, which the test can also write
// directly) reach the series store once, through a killed and restarted sshd too.
#include "Await.h"
#include "ClusterFixture.h"
#include "metrics/RemoteRunTailer.h"
#include "metrics/SeriesStore.h"
#include "remote/ShellQuote.h"
#include "remote/SshConnection.h"
#include "runs/Paths.h"
#include "runs/RemoteRunFollower.h"
#include "runs/RunStore.h"
#include "slurm/JobMonitor.h"
#include "slurm/SlurmClient.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QTest>

using namespace corral;
using corral::test::await;

#define REQUIRE_OK(result) QVERIFY2((result).ok(), (result).ok() ? "" : (result).error().toString().c_str())

namespace {

QByteArray trainLine(int step, double loss = 2.5)
{
    return QByteArrayLiteral("{\"kind\":\"train\",\"step\":") + QByteArray::number(step) + QByteArrayLiteral(",\"loss\":")
        + QByteArray::number(loss) + QByteArrayLiteral(",\"tokens\":") + QByteArray::number(step * 4096)
        + QByteArrayLiteral(",\"time\":1700000000.5}\n");
}

QList<qint64> range(int from, int to)
{
    QList<qint64> out;
    for (int i = from; i <= to; ++i)
        out << i;
    return out;
}

// What a tailer delivered for each run, as a consumer that honours `restarted` sees it.
struct Received {
    QHash<QString, QList<qint64>> steps;
    QHash<QString, int> events;
    QHash<QString, QStringList> problems;
    int restarts = 0;

    void listen(RemoteRunTailer &tailer, QObject *context)
    {
        QObject::connect(&tailer, &RemoteRunTailer::metricsArrived, context,
                         [this](const QString &id, const QVector<MetricRecord> &records, bool restarted) {
                             if (restarted) {
                                 steps[id].clear();
                                 ++restarts;
                             }
                             for (const MetricRecord &r : records)
                                 steps[id] << r.step;
                         });
        QObject::connect(&tailer, &RemoteRunTailer::eventsArrived, context,
                         [this](const QString &id, const QVector<QJsonObject> &e) { events[id] += int(e.size()); });
        QObject::connect(&tailer, &RemoteRunTailer::problemsFound, context,
                         [this](const QString &id, const QStringList &p) { problems[id] += p; });
    }
};

}  // namespace

class TestRemoteTail : public QObject {
    Q_OBJECT
    test::ClusterFixture m_cluster;
    test::ScriptedPrompter m_prompter;
    QTemporaryDir m_local;
    std::unique_ptr<SshConnection> m_ssh;
    int m_counter = 0;

    // A fresh run folder in the fixture's work area, readable by the remote user.
    QString newRunDir()
    {
        const QString dir = m_cluster.value("WORK") + QStringLiteral("/tail-%1").arg(++m_counter);
        QDir().mkpath(dir);
        QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                       | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
        return dir;
    }
    static void append(const QString &path, const QByteArray &bytes, QIODevice::OpenMode mode = QIODevice::Append)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | mode));
        QCOMPARE(f.write(bytes), bytes.size());
        f.close();
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    }
    static QString metrics(const QString &dir) { return dir + QStringLiteral("/metrics.jsonl"); }
    static QString events(const QString &dir) { return dir + QStringLiteral("/events.jsonl"); }
    void sshd(const char *command)
    {
        const auto [code, output] = m_cluster.script(QLatin1StringView(command));
        QVERIFY2(code == 0, qPrintable(output));
    }

private slots:
    void initTestCase()
    {
        CORRAL_START_CLUSTER_OR_SKIP(m_cluster);
        const QString trusted = m_cluster.trustingKnownHosts(m_local.filePath(QStringLiteral("known_hosts")));
        m_ssh = std::make_unique<SshConnection>(m_cluster.endpoint(trusted), &m_prompter);
        QVERIFY(await(m_ssh->connectToHost()).value_or(makeError(ErrorCode::Runtime, "timeout")).ok());
    }

    void linesAppendedOnTheClusterArriveOnceInTheSeriesStore()
    {
        const QString a = newRunDir(), b = newRunDir();
        RemoteRunTailer tailer(*m_ssh, 50);
        SeriesStore store;
        Received got;
        got.listen(tailer, this);
        tailer.deliverTo(store);
        QList<RemoteTailRoundStats> rounds;
        connect(&tailer, &RemoteRunTailer::roundFinished, this,
                [&rounds](const RemoteTailRoundStats &s) { rounds << s; });
        tailer.follow(QStringLiteral("a"), a);
        tailer.follow(QStringLiteral("b"), b);

        append(events(a), QByteArrayLiteral("{\"kind\":\"started\",\"step\":0,\"time\":1700000000}\n"));
        for (int step = 1; step <= 60; ++step) {
            // Half a line, a pause long enough for a round, then the rest: it must wait for its newline.
            const QByteArray line = trainLine(step);
            append(metrics(a), line.left(15));
            append(metrics(b), trainLine(step, 3.0));
            if (step % 10 == 0)
                QTest::qWait(120);
            append(metrics(a), line.mid(15));
        }
        append(events(a), QByteArrayLiteral("{\"kind\":\"finished\",\"step\":60,\"time\":1700000100}\n"));
        QTRY_COMPARE_WITH_TIMEOUT(got.steps.value(QStringLiteral("a")).size(), 60, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(got.steps.value(QStringLiteral("b")).size(), 60, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(got.events.value(QStringLiteral("a")), 2, 10000);
        QTest::qWait(300);  // more rounds: nothing more, nothing twice
        QCOMPARE(got.steps.value(QStringLiteral("a")), range(1, 60));
        QCOMPARE(got.steps.value(QStringLiteral("b")), range(1, 60));
        QCOMPARE(got.restarts, 0);
        QVERIFY(got.problems.isEmpty());
        QCOMPARE(store.run(QStringLiteral("a"))->trainCount(), qsizetype(60));
        QCOMPARE(store.run(QStringLiteral("b"))->trainCount(), qsizetype(60));
        QCOMPARE(store.run(QStringLiteral("a"))->events().size(), 2);

        // One round per interval covers both runs; idle, it asks one thing per file (4 files).
        QVERIFY(rounds.size() > 10);
        for (int i = rounds.size() - 3; i < rounds.size(); ++i) {
            QCOMPARE(rounds.at(i).files, 4);
            QCOMPARE(rounds.at(i).requests, qint64(4));
        }
        // After idling, a file that grew costs its size and a read in one round (+1 each, +1 more
        // should a line be seen in two halves); every other round one request per file.
        rounds.clear();
        append(metrics(a), trainLine(61));
        append(metrics(b), trainLine(61));
        QTRY_COMPARE_WITH_TIMEOUT(got.steps.value(QStringLiteral("b")).size(), 61, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(got.steps.value(QStringLiteral("a")).size(), 61, 5000);
        qint64 requests = 0;
        for (const auto &r : rounds)
            requests += r.requests;
        QVERIFY2(requests <= qint64(rounds.size()) * 4 + 4, qPrintable(QStringLiteral("%1 requests in %2 rounds")
                                                                       .arg(requests).arg(rounds.size())));
    }

    void aMalformedLineIsCountedAndReportedAndTheRestGoesOn()
    {
        const QString dir = newRunDir();
        RemoteRunTailer tailer(*m_ssh, 50);
        Received got;
        got.listen(tailer, this);
        tailer.follow(QStringLiteral("m"), dir);
        append(metrics(dir), trainLine(1) + QByteArrayLiteral("{\"kind\":\"train\",\"step\":2,\"loss\":\n") + trainLine(3));
        QTRY_COMPARE_WITH_TIMEOUT(got.steps.value(QStringLiteral("m")), (QList<qint64>{1, 3}), 10000);
        QCOMPARE(got.problems.value(QStringLiteral("m")).size(), 1);
        QVERIFY2(got.problems.value(QStringLiteral("m")).first().startsWith(QStringLiteral("metrics.jsonl:2: ")),
                 qPrintable(got.problems.value(QStringLiteral("m")).first()));
        QCOMPARE(tailer.malformedLines(QStringLiteral("m")), 1);
    }

    void aShrunkOrReplacedFileIsReadAgainWithoutDuplicates()
    {
        const QString dir = newRunDir();
        RemoteRunTailer tailer(*m_ssh, 50);
        SeriesStore store;
        Received got;
        got.listen(tailer, this);
        tailer.deliverTo(store);
        tailer.follow(QStringLiteral("r"), dir);
        QByteArray content;
        for (int step = 1; step <= 20; ++step)
            content += trainLine(step);
        append(metrics(dir), content);
        QTRY_COMPARE_WITH_TIMEOUT(got.steps.value(QStringLiteral("r")).size(), 20, 10000);

        // Truncated in place to a shorter, different history (size shrinks).
        QByteArray shorter;
        for (int step = 1; step <= 8; ++step)
            shorter += trainLine(step, 1.25);
        append(metrics(dir), shorter, QIODevice::Truncate);
        QTRY_COMPARE_WITH_TIMEOUT(got.restarts, 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(got.steps.value(QStringLiteral("r")), range(1, 8), 10000);

        // Replaced by rename (as corral-train's resume does) with a longer file.
        QByteArray longer;
        for (int step = 1; step <= 30; ++step)
            longer += trainLine(step, 0.75);
        append(metrics(dir) + QStringLiteral(".tmp"), longer);
        QVERIFY(QFile::remove(metrics(dir)));
        QVERIFY(QFile::rename(metrics(dir) + QStringLiteral(".tmp"), metrics(dir)));
        QTRY_COMPARE_WITH_TIMEOUT(got.steps.value(QStringLiteral("r")), range(1, 30), 10000);
        QCOMPARE(got.restarts, 2);
        const RunSeries *series = store.run(QStringLiteral("r"));
        QCOMPARE(series->trainCount(), qsizetype(30));
        const SeriesRef loss = series->series(Metric::TrainLoss, XAxis::Step);
        for (qsizetype i = 0; i < loss.size(); ++i)
            QCOMPARE((*loss.y)[i], 0.75);
    }

    // sshd SIGKILLed, with the processes serving the connection, while lines stream in and the
    // tailer reads them every 50 ms; lines and half a line are appended while it is down. Once
    // it is back, reading goes on from the stored offsets: every step exactly once, no restart,
    // and the bytes read add up to the file's size (nothing read twice, nothing skipped).
    void aKilledSshdMidTailResumesAtTheStoredOffset()
    {
        const QString dir = newRunDir();
        RemoteRunTailer tailer(*m_ssh, 50);
        Received got;
        got.listen(tailer, this);
        QSignalSpy failed(&tailer, &RemoteRunTailer::roundFailed);
        qint64 bytesRead = 0;
        connect(&tailer, &RemoteRunTailer::roundFinished, this,
                [&bytesRead](const RemoteTailRoundStats &s) { bytesRead += s.bytes; });
        tailer.follow(QStringLiteral("d"), dir);
        for (int step = 1; step <= 30; ++step) {
            append(metrics(dir), trainLine(step));
            QTest::qWait(5);  // rounds run while it grows
        }
        append(metrics(dir), trainLine(31).left(20));  // half a line, waiting for its newline
        QTRY_VERIFY_WITH_TIMEOUT(got.steps.value(QStringLiteral("d")).size() >= 20, 10000);
        QVERIFY(m_cluster.killSshd() >= 3);  // the listener and the connection's processes
        append(metrics(dir), trainLine(31).mid(20));
        for (int step = 32; step <= 60; ++step)
            append(metrics(dir), trainLine(step));
        append(metrics(dir), trainLine(61).left(20));  // and half a line again
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() >= 2, 10000);  // rounds fail while it is down
        const QList<qint64> before = got.steps.value(QStringLiteral("d"));
        QVERIFY(before.size() <= 30);
        QCOMPARE(before, range(1, int(before.size())));  // what arrived before the kill, once, in order
        sshd("start-sshd");
        append(metrics(dir), trainLine(61).mid(20));
        for (int step = 62; step <= 90; ++step)
            append(metrics(dir), trainLine(step));
        QTRY_COMPARE_WITH_TIMEOUT(got.steps.value(QStringLiteral("d")).size(), 90, 30000);
        QTest::qWait(300);
        QCOMPARE(got.steps.value(QStringLiteral("d")), range(1, 90));
        QCOMPARE(got.restarts, 0);
        QCOMPARE(bytesRead, QFileInfo(metrics(dir)).size());
    }

    // Following a run again (after a resume, a requeue) reads its files from the start, even
    // when the worker still holds the old offsets; the caller resets the store first.
    void aRunFollowedAgainIsReadFromTheStart()
    {
        const QString dir = newRunDir();
        RemoteRunTailer tailer(*m_ssh, 50);
        Received got;
        got.listen(tailer, this);
        for (int step = 1; step <= 5; ++step)
            append(metrics(dir), trainLine(step));
        tailer.follow(QStringLiteral("f"), dir);
        QTRY_COMPARE_WITH_TIMEOUT(got.steps.value(QStringLiteral("f")), range(1, 5), 10000);
        tailer.unfollow(QStringLiteral("f"));
        got.steps.remove(QStringLiteral("f"));
        tailer.follow(QStringLiteral("f"), dir);
        QTRY_COMPARE_WITH_TIMEOUT(got.steps.value(QStringLiteral("f")), range(1, 5), 10000);
        tailer.follow(QStringLiteral("f"), dir);  // already followed: goes on, nothing again
        append(metrics(dir), trainLine(6));
        QTRY_COMPARE_WITH_TIMEOUT(got.steps.value(QStringLiteral("f")), range(1, 6), 10000);
        QTest::qWait(200);
        QCOMPARE(got.steps.value(QStringLiteral("f")), range(1, 6));
    }

    // The follower ties it to SLURM: a submitted job's files are tailed until the job ends, and
    // its last lines still arrive after SLURM says COMPLETED.
    void aFollowedJobIsTailedToItsLastLine()
    {
        SlurmClient slurm(*m_ssh);
        auto store = RunStore::open(m_local.filePath(QStringLiteral("runs.sqlite")));
        REQUIRE_OK(store);
        JobMonitor monitor(slurm, 200);
        RemoteRunTailer tailer(*m_ssh, 100);
        RemoteRunFollower follower(*store.value(), monitor, QStringLiteral("fixture"));
        follower.setTailer(&tailer);
        Received got;
        got.listen(tailer, this);

        const QString dir = m_cluster.value("WORK") + QStringLiteral("/job run 'quoted'");
        const QString script = QStringLiteral(
                                   "#!/bin/bash\n#SBATCH --job-name=tail\n#SBATCH --output=%1/logs/slurm-%j.out\n"
                                   "cd %1 || exit 1\n"
                                   "for i in $(seq 1 40); do\n"
                                   "  printf '{\"kind\":\"train\",\"step\":%d,\"loss\":1.5}\\n' \"$i\" >> metrics.jsonl\n"
                                   "  sleep 0.02\n"
                                   "done\n"
                                   "echo '{\"kind\":\"finished\",\"step\":40}' >> events.jsonl\n")
                                   .arg(shellQuote(dir));
        const auto id = await(slurm.submit({dir, QByteArrayLiteral("{}\n"), script, {}}), 60000);
        QVERIFY(id);
        REQUIRE_OK(*id);
        StoredRun run;
        run.name = QStringLiteral("tail");
        run.profile = QStringLiteral("fixture");
        run.jobId = id->value();
        run.runDir = dir;
        run.submittedAt = QDateTime::currentDateTimeUtc();
        run.status.state = SlurmJobState::Pending;
        REQUIRE_OK(follower.track(run));
        const QString runId = remoteRunId(QStringLiteral("fixture"), dir);
        QVERIFY(tailer.isFollowing(runId));

        QTRY_VERIFY_WITH_TIMEOUT(isFinalState(monitor.status(run.jobId).state), 120000);
        QCOMPARE(monitor.status(run.jobId).state, SlurmJobState::Completed);
        QTRY_VERIFY_WITH_TIMEOUT(!tailer.isFollowing(runId), 10000);  // one last round, then let go
        QCOMPARE(got.steps.value(runId), range(1, 40));
        QCOMPARE(got.events.value(runId), 1);
    }

    void cleanupTestCase() { m_ssh.reset(); }
};

QTEST_GUILESS_MAIN(TestRemoteTail)
#include "tst_remote_tail.moc"
