// What the checkpoint browser does with a real run: a short corral-train run of the tiny demo
// (4 steps, an evaluation and a checkpoint every 2), scanned and joined with its metrics,
// loaded off the GUI thread, marked as chosen, exported (adapter and merged model) by the real
// `corral-train export`, and a new run resumed from one of its checkpoints through LocalRun.
#include "checkpoints/CheckpointExport.h"
#include "checkpoints/CheckpointIndex.h"
#include "checkpoints/CheckpointLoader.h"
#include "config/ConfigLoader.h"
#include "metrics/MetricTailer.h"
#include "metrics/RunSeries.h"
#include "runs/LocalRun.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace corral;

namespace {

const QString kTrainer = QStringLiteral(CORRAL_BIN_DIR "/corral-train");
const std::vector<std::string> kShortRun = {"train.max_steps=4", "train.eval_interval=2", "train.save_interval=2",
                                            "train.warmup_steps=1"};

RunSeries readSeries(const QString &runDir)
{
    RunSeries series;
    MetricTailer tailer(QDir(runDir).filePath(QStringLiteral("metrics.jsonl")));
    for (const MetricRecord &r : tailer.poll().records)
        series.append(r);
    return series;
}

QList<QJsonObject> jsonLines(const QString &path)
{
    QList<QJsonObject> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            out << QJsonDocument::fromJson(line).object();
    }
    return out;
}

qint64 folderBytes(const QString &dir)
{
    qint64 bytes = 0;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        bytes += it.fileInfo().size();
    }
    return bytes;
}

}  // namespace

class TestCheckpointActions : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_run;

    QString checkpoint(int step) const
    {
        return QDir(m_run).filePath(QStringLiteral("checkpoints/step-%1").arg(step, 8, 10, QLatin1Char('0')));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(kTrainer).isExecutable(), "build corral-train first");
        m_run = m_dir.filePath(QStringLiteral("demo"));
        QProcess train;
        QStringList args{QStringLiteral("--config"), QStringLiteral(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml"),
                         QStringLiteral("--output"), m_run};
        for (const std::string &s : kShortRun)
            args << QStringLiteral("--set") << QString::fromStdString(s);
        train.setProcessChannelMode(QProcess::MergedChannels);
        train.start(kTrainer, args);
        QVERIFY(train.waitForFinished(240000));
        QVERIFY2(train.exitCode() == 0, train.readAll().constData());
    }

    void aRealRunsCheckpointsJoinItsMetrics()
    {
        const RunSeries series = readSeries(m_run);
        const CheckpointIndex index = buildCheckpointIndex(readLocalCheckpoints(m_run), &series);
        QVERIFY2(index.problems.isEmpty(), qPrintable(index.problems.join(QLatin1Char('\n'))));
        QCOMPARE(index.checkpoints.size(), 2);
        QCOMPARE(index.checkpoints.at(0).step, qint64(2));
        QCOMPARE(index.checkpoints.at(1).step, qint64(4));

        QFile bestFile(QDir(m_run).filePath(QStringLiteral("checkpoints/best")));
        QVERIFY(bestFile.open(QIODevice::ReadOnly));
        const QJsonObject best = QJsonDocument::fromJson(bestFile.readAll()).object();
        QCOMPARE(index.bestStep, best.value(QStringLiteral("step")).toInteger());

        for (const CheckpointInfo &info : index.checkpoints) {
            QVERIFY(info.complete);
            QVERIFY(info.valLossAtStep);
            QCOMPARE(info.sizeBytes, folderBytes(info.path));
            QCOMPARE(info.adapterConfig.value(QStringLiteral("peft_type")).toString(), QStringLiteral("LORA"));
            QCOMPARE(info.tokens, info.trainerState.value(QStringLiteral("tokens")).toDouble());
        }
        // The values are the metric file's own records at those steps.
        for (const QJsonObject &record : jsonLines(QDir(m_run).filePath(QStringLiteral("metrics.jsonl")))) {
            const qint64 step = record.value(QStringLiteral("step")).toInteger();
            const CheckpointInfo *info = index.find(step);
            if (!info)
                continue;
            const QString kind = record.value(QStringLiteral("kind")).toString();
            if (kind == QStringLiteral("train"))
                QCOMPARE(info->trainLoss, record.value(QStringLiteral("loss")).toDouble());
            else if (kind == QStringLiteral("val"))
                QCOMPARE(info->valLoss, record.value(QStringLiteral("loss")).toDouble());
        }
        QCOMPARE(index.runConfig.value(QStringLiteral("train.max_steps")), QStringLiteral("4"));
    }

    void theLoaderReadsOffThisThreadAndRecordsTheChoice()
    {
        CheckpointLoader loader;
        QSignalSpy loaded(&loader, &CheckpointLoader::loaded);
        QSignalSpy saved(&loader, &CheckpointLoader::chosenSaved);
        const CheckpointRun run{m_run, QStringLiteral("demo"), m_run, QStringLiteral("local")};
        loader.load(run);
        // Counted, not waited for: a load that is already done may report before load() returns.
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 10000);
        QCOMPARE(loaded.first().at(0).toString(), m_run);
        QCOMPARE(loaded.first().at(1).value<RunCheckpointFiles>().folders.size(), 2);

        loader.markChosen(run, 2);
        QCOMPARE(saved.size(), 1);
        loader.load(run);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 2, 10000);
        QCOMPARE(buildCheckpointIndex(loaded.last().at(1).value<RunCheckpointFiles>(), nullptr).chosenStep, qint64(2));

        // A cluster run without a connection says so instead of hanging.
        QSignalSpy failed(&loader, &CheckpointLoader::failed);
        loader.load({QStringLiteral("hpc:/x"), QStringLiteral("x"), QStringLiteral("/x"), QStringLiteral("hpc")});
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("'hpc'")));
    }

    void aSlowReadNeverReplacesANewerOne()
    {
        // The first read blocks on a FIFO standing in for a slow disk or a loaded machine; a
        // second read of the same run starts and finishes meanwhile. When the first one
        // finally returns, its older listing must not replace the newer one.
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("config.yaml"));
        QCOMPARE(::mkfifo(QFile::encodeName(config).constData(), 0600), 0);
        CheckpointLoader loader;
        QSignalSpy loaded(&loader, &CheckpointLoader::loaded);
        const CheckpointRun run{dir.path(), QStringLiteral("slow"), dir.path(), QStringLiteral("local")};
        loader.load(run);
        int writer = -1;  // opens only once the reader is there: then the first read is in flight
        for (int i = 0; i < 1000 && writer < 0; ++i) {
            writer = ::open(QFile::encodeName(config).constData(), O_WRONLY | O_NONBLOCK);
            if (writer < 0)
                QTest::qWait(10);
        }
        QVERIFY2(writer >= 0, "the first read never opened config.yaml");
        QVERIFY(QFile::remove(config));
        {
            QFile fresh(config);
            QVERIFY(fresh.open(QIODevice::WriteOnly));
            fresh.write("new: true\n");
        }
        loader.load(run);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 10000);
        QCOMPARE(*loaded.first().at(1).value<RunCheckpointFiles>().runConfig, QByteArray("new: true\n"));
        QCOMPARE(::write(writer, "old: true\n", 10), ssize_t(10));
        ::close(writer);
        QVERIFY(QThreadPool::globalInstance()->waitForDone(10000));
        QTest::qWait(50);  // the stale result's continuation runs on this thread
        QCOMPARE(loaded.size(), 1);
    }

    void exportMergesWithTheRealTrainerAndShowsProgress()
    {
        const QString out = m_dir.filePath(QStringLiteral("merged"));
        CheckpointExport job(kTrainer);
        QSignalSpy progress(&job, &CheckpointExport::progress);
        QSignalSpy finished(&job, &CheckpointExport::finished);
        QString error;
        QVERIFY2(job.start(checkpoint(4), out, /*merge=*/true, &error), qPrintable(error));
        QCOMPARE(job.arguments(), (QStringList{QStringLiteral("export"), QStringLiteral("--checkpoint"), checkpoint(4),
                                               QStringLiteral("--output"), out, QStringLiteral("--merge")}));
        QVERIFY(!job.start(checkpoint(2), out, true, &error));  // one at a time
        QVERIFY(finished.wait(180000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QVERIFY2(finished.first().at(1).toString().startsWith(QStringLiteral("exported the merged model")),
                 qPrintable(finished.first().at(1).toString()));
        QVERIFY(QFileInfo(QDir(out).filePath(QStringLiteral("config.json"))).size() > 0);
        QVERIFY(QFileInfo(QDir(out).filePath(QStringLiteral("model.safetensors"))).size() > 1000000);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(0).toLongLong(), folderBytes(out));  // the last report is the whole output
    }

    void exportOfTheAdapterAloneCopiesItUnchanged()
    {
        const QString out = m_dir.filePath(QStringLiteral("adapter"));
        CheckpointExport job(kTrainer);
        QSignalSpy finished(&job, &CheckpointExport::finished);
        QString error;
        QVERIFY(job.start(checkpoint(2), out, /*merge=*/false, &error));
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        for (const QString &name : {QStringLiteral("adapter_model.safetensors"), QStringLiteral("adapter_config.json")}) {
            QFile a(QDir(checkpoint(2)).filePath(name)), b(QDir(out).filePath(name));
            QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
            QCOMPARE(b.readAll(), a.readAll());
        }
    }

    void aFailedExportSaysWhyInTheTrainersWords()
    {
        const QString notACheckpoint = m_dir.filePath(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(notACheckpoint));
        CheckpointExport job(kTrainer);
        QSignalSpy finished(&job, &CheckpointExport::finished);
        QString error;
        QVERIFY(job.start(notACheckpoint, m_dir.filePath(QStringLiteral("never")), true, &error));
        QVERIFY(finished.wait(60000));
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY2(finished.first().at(1).toString().contains(QStringLiteral("neither a checkpoint")),
                 qPrintable(finished.first().at(1).toString()));

        CheckpointExport none(QString{});
        QVERIFY(!none.start(checkpoint(2), m_dir.filePath(QStringLiteral("x")), true, &error));
        QVERIFY(error.contains(QStringLiteral("corral-train was not found")));
    }

    void aNewRunResumesFromACheckpointOfThisOne()
    {
        const ConfigReport report =
            loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml", kShortRun);
        QVERIFY2(report.ok(), report.summary().c_str());
        const QString runDir = m_dir.filePath(QStringLiteral("from-step-2"));
        LocalRun run(report.config, runDir, kTrainer);
        run.setResumeFrom(checkpoint(2));
        QSignalSpy finished(&run, &LocalRun::finished);
        QString error;
        QVERIFY2(run.start(&error), qPrintable(error));
        QVERIFY(run.trainerArguments().contains(checkpoint(2)));
        QCOMPARE(run.trainerArguments().at(run.trainerArguments().indexOf(checkpoint(2)) - 1), QStringLiteral("--resume"));
        QVERIFY(finished.wait(240000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));

        QList<qint64> trainSteps;
        for (const QJsonObject &r : jsonLines(QDir(runDir).filePath(QStringLiteral("metrics.jsonl")))) {
            if (r.value(QStringLiteral("kind")).toString() == QStringLiteral("train"))
                trainSteps << r.value(QStringLiteral("step")).toInteger();
        }
        QCOMPARE(trainSteps, (QList<qint64>{3, 4}));  // it went on from step 2, in its own folder
        const QList<QJsonObject> events = jsonLines(QDir(runDir).filePath(QStringLiteral("events.jsonl")));
        QVERIFY(!events.isEmpty());
        QCOMPARE(events.first().value(QStringLiteral("kind")).toString(), QStringLiteral("resumed"));
        QCOMPARE(events.first().value(QStringLiteral("step")).toInteger(), qint64(2));
        QVERIFY(QFileInfo(QDir(runDir).filePath(QStringLiteral("checkpoints/step-00000004"))).isDir());
    }
};

QTEST_GUILESS_MAIN(TestCheckpointActions)
#include "tst_checkpointactions.moc"
