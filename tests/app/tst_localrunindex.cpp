#include "runs/LocalRunIndex.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace corral;

// Local runs of earlier sessions, listed again when the app starts.
class TestLocalRunIndex : public QObject {
    Q_OBJECT

    static void write(const QString &path, const QByteArray &bytes)
    {
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }

private slots:
    void namesFromFolders()
    {
        QCOMPARE(runNameFromFolder(QStringLiteral("tiny-demo-20250101-101010")), QStringLiteral("tiny-demo"));
        QCOMPARE(runNameFromFolder(QStringLiteral("tiny-demo-20250101-101010-3")), QStringLiteral("tiny-demo"));
        QCOMPARE(runNameFromFolder(QStringLiteral("my-run")), QStringLiteral("my-run"));
    }

    void statesComeFromTheLastLifecycleEvent()
    {
        QTemporaryDir root;
        const QString r = root.path();
        write(r + QStringLiteral("/done-20250101-100000/run.yaml"), "{}\n");
        write(r + QStringLiteral("/done-20250101-100000/events.jsonl"),
              "{\"kind\":\"started\",\"step\":0,\"max_steps\":6,\"time\":1735725600}\n"
              "{\"kind\":\"finished\",\"step\":6,\"best_val_loss\":3.5,\"time\":1735725660}\n");
        write(r + QStringLiteral("/done-20250101-100000/metrics.jsonl"),
              "{\"kind\":\"val\",\"step\":0,\"loss\":5.0,\"time\":1735725601}\n"
              "{\"kind\":\"train\",\"step\":6,\"loss\":3.9,\"time\":1735725650}\n"
              "{\"kind\":\"val\",\"step\":6,\"loss\":3.6,\"time\":1735725655}\n");
        write(r + QStringLiteral("/broke-20250101-110000/run.yaml"), "{}\n");
        write(r + QStringLiteral("/broke-20250101-110000/events.jsonl"),
              "{\"kind\":\"started\",\"step\":0,\"max_steps\":10,\"time\":1735729200}\n"
              "{\"kind\":\"failed\",\"message\":\"data.files: no such file\",\"time\":1735729201}\n");
        write(r + QStringLiteral("/paused-20250101-120000/run.yaml"), "{}\n");
        write(r + QStringLiteral("/paused-20250101-120000/events.jsonl"),
              "{\"kind\":\"started\",\"step\":0,\"max_steps\":10,\"time\":1735732800}\n"
              "{\"kind\":\"preempted\",\"step\":4,\"signal\":\"SIGTERM\",\"time\":1735732810}\n");
        write(r + QStringLiteral("/killed-20250101-130000/run.yaml"), "{}\n");
        write(r + QStringLiteral("/killed-20250101-130000/events.jsonl"),
              "{\"kind\":\"started\",\"step\":0,\"max_steps\":10,\"time\":1735736400}\n");
        write(r + QStringLiteral("/nostart-20250101-140000/run.yaml"), "{}\n");
        write(r + QStringLiteral("/nostart-20250101-140000/logs/trainer.err"), "loading\ncorral-train: bad model folder\n");
        write(r + QStringLiteral("/not-a-run/notes.txt"), "x\n");

        const QList<RunEntry> runs = scanLocalRuns(r);
        QCOMPARE(runs.size(), 5);
        QHash<QString, RunEntry> byName;
        for (const RunEntry &run : runs)
            byName.insert(run.name, run);

        const RunEntry done = byName.value(QStringLiteral("done"));
        QCOMPARE(done.state, RunState::Finished);
        QCOMPARE(done.step, 6);
        QCOMPARE(done.maxSteps, 6);
        QCOMPARE(done.bestValLoss, 3.5);
        QCOMPARE(done.submitted.toSecsSinceEpoch(), 1735725600);
        QCOMPARE(done.ended.toSecsSinceEpoch(), 1735725660);
        QCOMPARE(RunListModel::durationText(done, QDateTime::currentDateTimeUtc()), QStringLiteral("1:00"));
        QCOMPARE(done.id, QDir(r + QStringLiteral("/done-20250101-100000")).absolutePath());
        QCOMPARE(done.profile, QStringLiteral("local"));

        QCOMPARE(byName.value(QStringLiteral("broke")).state, RunState::Failed);
        QCOMPARE(byName.value(QStringLiteral("broke")).reason, QStringLiteral("data.files: no such file"));
        QCOMPARE(byName.value(QStringLiteral("paused")).state, RunState::Stopped);
        QCOMPARE(byName.value(QStringLiteral("paused")).step, 4);
        QCOMPARE(byName.value(QStringLiteral("killed")).state, RunState::Unknown);
        QVERIFY(!byName.value(QStringLiteral("killed")).ended.isValid());
        QCOMPARE(byName.value(QStringLiteral("nostart")).state, RunState::Failed);
        QCOMPARE(byName.value(QStringLiteral("nostart")).reason, QStringLiteral("corral-train: bad model folder"));

        QCOMPARE(runs.first().name, QStringLiteral("nostart"));  // newest first
        QCOMPARE(scanLocalRuns(r, 2).size(), 2);
        QVERIFY(scanLocalRuns(r + QStringLiteral("/missing")).isEmpty());
    }

    // Found alongside the fuzz targets' float-to-integer reports (tests/fuzz): an event's "time"
    // of 1e300 was converted to qint64 milliseconds, which is undefined behaviour.
    void eventTimesTooLargeForADateAreMissing()
    {
        QTemporaryDir root;
        const QString run = root.path() + QStringLiteral("/far-20250101-100000");
        write(run + QStringLiteral("/run.yaml"), "{}\n");
        write(run + QStringLiteral("/events.jsonl"), "{\"kind\":\"started\",\"step\":0,\"time\":1e300}\n"
                                                     "{\"kind\":\"finished\",\"step\":6,\"time\":1.5e19}\n");
        const auto entry = readLocalRun(run);
        QVERIFY(entry.has_value());
        QCOMPARE(entry->state, RunState::Finished);
        QVERIFY(!entry->ended.isValid());
        QVERIFY(entry->submitted.isValid());  // the folder's run.yaml time instead
    }
};

QTEST_GUILESS_MAIN(TestLocalRunIndex)
#include "tst_localrunindex.moc"
