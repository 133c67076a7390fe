#include "metrics/JsonlTailer.h"
#include "metrics/MetricRecord.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace corral;

namespace {
const QString kCorral = QStringLiteral(CORRAL_BIN_DIR "/corral");
const QString kDemo = QStringLiteral(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml");

struct Finished {
    int exitCode = -1;
    QString out, err;
};

Finished runCorral(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(kCorral, args);
    Finished f;
    if (!p.waitForFinished(240000)) {
        p.kill();
        p.waitForFinished();
        f.err = QStringLiteral("timed out");
        return f;
    }
    f.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    f.out = QString::fromUtf8(p.readAllStandardOutput());
    f.err = QString::fromUtf8(p.readAllStandardError());
    return f;
}
}  // namespace

class TestHeadlessRun : public QObject {
    Q_OBJECT
private slots:
    void demoRunFinishesAndItsMetricsParse()
    {
        QTemporaryDir tmp;
        const QString runDir = tmp.filePath(QStringLiteral("run"));
        const Finished f = runCorral({QStringLiteral("run"), kDemo, QStringLiteral("--profile"), QStringLiteral("local"),
                                      QStringLiteral("--headless"), QStringLiteral("--output"), runDir,
                                      QStringLiteral("--set"), QStringLiteral("train.max_steps=10"),
                                      QStringLiteral("--set"), QStringLiteral("train.eval_interval=5")});
        QVERIFY2(f.exitCode == 0, qPrintable(f.out + f.err));
        QVERIFY2(f.out.contains(QStringLiteral("step 10/10")), qPrintable(f.out));
        QVERIFY2(f.out.contains(QStringLiteral("finished: 10 steps")), qPrintable(f.out));

        JsonlTailer metrics(QDir(runDir).filePath(QStringLiteral("metrics.jsonl")));
        const JsonlBatch batch = metrics.poll();
        QCOMPARE(batch.malformedLines, 0);
        QList<qint64> trainSteps, valSteps;
        QList<double> valLosses;
        for (const auto &object : batch.objects) {
            const auto record = MetricRecord::fromJson(object);
            QVERIFY(record.has_value());
            if (record->kind == MetricRecord::Kind::Train) {
                trainSteps << record->step;
                QVERIFY(std::isfinite(record->loss) && std::isfinite(record->tokensPerSecond));
            } else {
                valSteps << record->step;
                valLosses << record->loss;
            }
        }
        QCOMPARE(trainSteps, (QList<qint64>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
        QCOMPARE(valSteps, (QList<qint64>{0, 5, 10}));
        QVERIFY2(valLosses.last() < valLosses.first(), "validation loss did not fall");

        JsonlTailer events(QDir(runDir).filePath(QStringLiteral("events.jsonl")));
        const auto eventObjects = events.poll().objects;
        QVERIFY(!eventObjects.isEmpty());
        QCOMPARE(eventObjects.first().value(QLatin1StringView("kind")).toString(), QStringLiteral("started"));
        QCOMPARE(eventObjects.last().value(QLatin1StringView("kind")).toString(), QStringLiteral("finished"));
        for (const char *file : {"run.yaml", "config.yaml", "logs/trainer.out",
                                 "checkpoints/step-00000010/adapter_model.safetensors",
                                 "checkpoints/step-00000010/adapter_config.json", "checkpoints/best"})
            QVERIFY2(QFileInfo::exists(QDir(runDir).filePath(QString::fromLatin1(file))), file);
    }

    void aBadConfigNeverStartsARun()
    {
        QTemporaryDir tmp;
        const QString runDir = tmp.filePath(QStringLiteral("run"));
        const Finished f = runCorral({QStringLiteral("run"), kDemo, QStringLiteral("--headless"),
                                      QStringLiteral("--output"), runDir, QStringLiteral("--set"),
                                      QStringLiteral("lora.rank=0")});
        QCOMPARE(f.exitCode, 2);
        QVERIFY2(f.err.contains(QStringLiteral("lora.rank: must be ≥ 1, got 0 (--set lora.rank=0)")), qPrintable(f.err));
        QVERIFY(!QFileInfo::exists(runDir));
    }

    void withoutADisplayTheRunGoesHeadless()
    {
        QTemporaryDir tmp;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            env.remove(QString::fromLatin1(name));
        const Finished f = runCorral({QStringLiteral("run"), kDemo, QStringLiteral("--output"),
                                      tmp.filePath(QStringLiteral("run")), QStringLiteral("--set"),
                                      QStringLiteral("train.max_steps=2"), QStringLiteral("--set"),
                                      QStringLiteral("train.warmup_steps=1")},
                                     env);
        QVERIFY2(f.exitCode == 0, qPrintable(f.out + f.err));
        QVERIFY(f.out.startsWith(QStringLiteral("no display: running headless")));
        QVERIFY(f.out.contains(QStringLiteral("finished: 2 steps")));
    }

    void aTrainerFailureIsReportedWithItsReason()
    {
        QTemporaryDir tmp;
        const QString data = tmp.filePath(QStringLiteral("small.txt"));
        QFile file(data);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("one short document\n\nand another\n");
        file.close();
        const Finished f = runCorral({QStringLiteral("run"), kDemo, QStringLiteral("--headless"),
                                      QStringLiteral("--output"), tmp.filePath(QStringLiteral("run")),
                                      QStringLiteral("--set"), QStringLiteral("data.files=[%1]").arg(data)});
        QCOMPARE(f.exitCode, 1);
        QVERIFY2(f.out.contains(QStringLiteral("failed: corral-train exited with code 1")), qPrintable(f.out));
        QVERIFY2(f.out.contains(QStringLiteral("data.files: the training split (1 documents) yields no sequence")), qPrintable(f.out));
    }
};

QTEST_GUILESS_MAIN(TestHeadlessRun)
#include "tst_headless_run.moc"
