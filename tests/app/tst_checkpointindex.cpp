// The checkpoint model on run folders written the way corral-train writes them: scanning,
// joining with the metric series, best and chosen, problems with trainer_state.json, the
// table's numeric sort, the across-runs list and the comparison.
#include "checkpoints/BestCheckpointsModel.h"
#include "checkpoints/CheckpointComparison.h"
#include "checkpoints/CheckpointIndex.h"
#include "checkpoints/CheckpointTableModel.h"
#include "checkpoints/CheckpointText.h"
#include "checkpoints/ChosenCheckpoint.h"
#include "metrics/RunSeries.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace corral;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QByteArray trainerState(qint64 step, double valLoss, qint64 tokens)
{
    QJsonObject state{{QStringLiteral("format"), 1},
                      {QStringLiteral("step"), step},
                      {QStringLiteral("epoch"), step / 50.0},
                      {QStringLiteral("tokens"), tokens},
                      {QStringLiteral("val_loss"), valLoss},
                      {QStringLiteral("best_step"), 2},
                      {QStringLiteral("sampler"), QJsonObject{{QStringLiteral("epoch"), 0}, {QStringLiteral("offset"), step * 32}}},
                      {QStringLiteral("elapsed_s"), step * 1.5},
                      {QStringLiteral("time"), 1795600000.0 + double(step)}};
    return QJsonDocument(state).toJson();
}

QByteArray adapterConfig(int rank)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("peft_type"), QStringLiteral("LORA")},
                                     {QStringLiteral("r"), rank},
                                     {QStringLiteral("lora_alpha"), 32.0},
                                     {QStringLiteral("target_modules"), QJsonArray{QStringLiteral("q_proj"), QStringLiteral("v_proj")}}})
        .toJson();
}

// A complete checkpoint folder: the four files, the adapter `adapterBytes` long.
void writeCheckpoint(const QString &runDir, qint64 step, double valLoss, int rank = 16, qint64 adapterBytes = 1000)
{
    const QString dir = QDir(runDir).filePath(QStringLiteral("checkpoints/step-%1").arg(step, 8, 10, QLatin1Char('0')));
    writeFile(dir + QStringLiteral("/adapter_model.safetensors"), QByteArray(adapterBytes, 'a'));
    writeFile(dir + QStringLiteral("/adapter_config.json"), adapterConfig(rank));
    writeFile(dir + QStringLiteral("/trainer_state.json"), trainerState(step, valLoss, step * 4096));
    writeFile(dir + QStringLiteral("/optimizer.pt"), QByteArray(2 * adapterBytes, 'o'));
}

void writeBest(const QString &runDir, qint64 step)
{
    writeFile(QDir(runDir).filePath(QStringLiteral("checkpoints/best")),
              QStringLiteral("{\"step\":%1,\"checkpoint\":\"step-%2\",\"val_loss\":1.0,\"reason\":\"lowest val_loss\"}")
                  .arg(step)
                  .arg(step, 8, 10, QLatin1Char('0'))
                  .toUtf8());
}

// Train records for steps 1..n (loss 5 - step/10) and val records every `evalEvery` steps from 0.
RunSeries series(int n, int evalEvery)
{
    RunSeries s;
    for (int step = 0; step <= n; ++step) {
        if (step > 0) {
            MetricRecord r;
            r.kind = MetricRecord::Kind::Train;
            r.step = step;
            r.tokens = step * 4096.0;
            r.loss = 5.0 - step / 10.0;
            r.time = 1795600000.0 + step;
            s.append(r);
        }
        if (step % evalEvery == 0) {
            MetricRecord v;
            v.kind = MetricRecord::Kind::Val;
            v.step = step;
            v.loss = 4.0 - step / 20.0;
            v.time = 1795600000.5 + step;
            s.append(v);
        }
    }
    return s;
}

QList<qint64> stepsInViewOrder(const CheckpointTableModel &model)
{
    QList<qint64> steps;
    for (int row = 0; row < model.rowCount(); ++row)
        steps << model.data(model.index(row, 0), CheckpointTableModel::StepRole).toLongLong();
    return steps;
}

}  // namespace

class TestCheckpointIndex : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_runs = 0;
    QString newRun() { return m_dir.filePath(QStringLiteral("run-%1").arg(++m_runs)); }

private slots:
    void scanListsCompleteAndIncompleteFoldersAndSkipsTemporaryOnes()
    {
        const QString run = newRun();
        writeCheckpoint(run, 20, 3.0, 16, 5000);
        writeCheckpoint(run, 40, 2.5);
        writeCheckpoint(run, 60, 2.7);
        QVERIFY(QFile::remove(QDir(run).filePath(QStringLiteral("checkpoints/step-00000060/optimizer.pt"))));
        writeCheckpoint(run, 80, 2.0);  // then renamed as an interrupted save leaves it
        QVERIFY(QDir(run).rename(QStringLiteral("checkpoints/step-00000080"), QStringLiteral("checkpoints/.tmp-step-00000080")));
        QVERIFY(QDir(run).mkpath(QStringLiteral("checkpoints/step-abc")));
        writeFile(QDir(run).filePath(QStringLiteral("config.yaml")), "lora:\n  rank: 16\n  target_modules: [q_proj, v_proj]\n");

        const RunCheckpointFiles files = readLocalCheckpoints(run);
        QVERIFY(files.error.isEmpty());
        QCOMPARE(files.folders.size(), 3);
        const CheckpointIndex index = buildCheckpointIndex(files, nullptr);
        QCOMPARE(index.checkpoints.size(), 3);
        QCOMPARE(index.checkpoints.at(0).step, qint64(20));
        QCOMPARE(index.checkpoints.at(0).sizeBytes, qint64(5000 + 10000) + QFileInfo(QDir(run).filePath(QStringLiteral("checkpoints/step-00000020/adapter_config.json"))).size()
                                                           + QFileInfo(QDir(run).filePath(QStringLiteral("checkpoints/step-00000020/trainer_state.json"))).size());
        QCOMPARE(index.checkpoints.at(0).fileSizes.value(QStringLiteral("adapter_model.safetensors")), qint64(5000));
        QCOMPARE(index.checkpoints.at(0).tokens, 20.0 * 4096);
        QVERIFY(index.checkpoints.at(0).complete);
        QVERIFY(!index.checkpoints.at(2).complete);
        QVERIFY2(index.checkpoints.at(2).problem.contains(QStringLiteral("optimizer.pt missing")),
                 qPrintable(index.checkpoints.at(2).problem));
        QCOMPARE(index.checkpoints.at(1).adapterConfig.value(QStringLiteral("r")).toInt(), 16);
        QCOMPARE(index.runConfig.value(QStringLiteral("lora.rank")), QStringLiteral("16"));
        QCOMPARE(index.runConfig.value(QStringLiteral("lora.target_modules")), QStringLiteral("[q_proj, v_proj]"));
        // No checkpoints/best and no metrics: nothing is called best.
        QCOMPARE(index.bestStep, qint64(-1));
    }

    void aRunWithoutCheckpointsIsAnEmptyIndexNotAnError()
    {
        const QString run = newRun();
        QVERIFY(QDir().mkpath(run));
        const CheckpointIndex index = buildCheckpointIndex(readLocalCheckpoints(run), nullptr);
        QVERIFY(index.checkpoints.isEmpty());
        QVERIFY(index.problems.isEmpty());
    }

    void figuresJoinTheMetricsAtTheCheckpointStep()
    {
        const QString run = newRun();
        writeCheckpoint(run, 20, 9.9);  // an eval at 20: the metrics' val loss wins over the state's
        writeCheckpoint(run, 30, 3.25);  // no eval at 30: the state's (the last eval before) with a mark
        const RunSeries s = series(40, 20);
        const CheckpointIndex index = buildCheckpointIndex(readLocalCheckpoints(run), &s);
        const CheckpointInfo *at20 = index.find(20);
        const CheckpointInfo *at30 = index.find(30);
        QVERIFY(at20 && at30);
        QCOMPARE(at20->valLoss, 4.0 - 20 / 20.0);
        QVERIFY(at20->valLossAtStep);
        QCOMPARE(at20->perplexity, std::exp(3.0));
        QCOMPARE(at20->trainLoss, 5.0 - 2.0);
        QCOMPARE(at30->valLoss, 3.25);
        QVERIFY(!at30->valLossAtStep);
        QCOMPARE(at30->trainLoss, 5.0 - 3.0);
        QCOMPARE(at30->time, 1795600030.0);

        // More records past the last checkpoint change nothing shown; one at a checkpoint's step does.
        RunSeries more = series(40, 20);
        QVERIFY(sameFigures(index, buildCheckpointIndex(readLocalCheckpoints(run), &more)));
        MetricRecord later;
        later.kind = MetricRecord::Kind::Train;
        later.step = 41;
        later.loss = 0.5;
        more.append(later);
        QVERIFY(sameFigures(index, buildCheckpointIndex(readLocalCheckpoints(run), &more)));
        QVERIFY(!sameFigures(index, buildCheckpointIndex(readLocalCheckpoints(run), nullptr)));

        CheckpointTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setIndex(index);
        QCOMPARE(model.data(model.index(0, CheckpointTableModel::ValLoss)).toString(), QStringLiteral("3.0000"));
        QCOMPARE(model.data(model.index(1, CheckpointTableModel::ValLoss)).toString(), QStringLiteral("3.2500 *"));
        QVERIFY(model.data(model.index(1, CheckpointTableModel::ValLoss), Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("no evaluation at this step")));
        QCOMPARE(model.data(model.index(0, CheckpointTableModel::TrainLoss)).toString(), QStringLiteral("3.0000"));
        QCOMPARE(model.data(model.index(0, CheckpointTableModel::Tokens)).toString(), QStringLiteral("81,920"));
        QCOMPARE(model.data(model.index(0, CheckpointTableModel::Perplexity)).toString(), QStringLiteral("20.086"));
    }

    // Format 3 runs save checksums.json: a file whose size differs from it (a truncated copy)
    // is named; the hashes are left to corral-train. trainer_state format 2 reads as format 1.
    void aFileWhoseSizeDiffersFromChecksumsJsonIsNamedDamaged()
    {
        const QString run = newRun();
        writeCheckpoint(run, 20, 3.0);
        writeCheckpoint(run, 40, 2.0);
        const QDir dir(QDir(run).filePath(QStringLiteral("checkpoints")));
        for (const QString &step : {QStringLiteral("step-00000020"), QStringLiteral("step-00000040")}) {
            QJsonObject files;
            for (const QString &name : {QStringLiteral("adapter_model.safetensors"), QStringLiteral("adapter_config.json"),
                                       QStringLiteral("trainer_state.json"), QStringLiteral("optimizer.pt")})
                files.insert(name, QJsonObject{{QStringLiteral("bytes"), QFileInfo(dir.filePath(step + QLatin1Char('/') + name)).size()},
                                               {QStringLiteral("fnv1a64"), QStringLiteral("0123456789abcdef")}});
            writeFile(dir.filePath(step + QStringLiteral("/checksums.json")),
                      QJsonDocument(QJsonObject{{QStringLiteral("format"), 1}, {QStringLiteral("algorithm"), QStringLiteral("fnv1a64")},
                                                {QStringLiteral("files"), files}})
                          .toJson());
        }
        writeFile(dir.filePath(QStringLiteral("step-00000040/optimizer.pt")), QByteArray(1500, 'o'));  // was 2000
        const CheckpointIndex index = buildCheckpointIndex(readLocalCheckpoints(run), nullptr);
        QCOMPARE(index.checkpoints.size(), 2);
        QCOMPARE(index.find(20)->problem, QString());
        QVERIFY(index.find(20)->complete);
        QCOMPARE(index.find(40)->problem, QStringLiteral("damaged: optimizer.pt is 1500 bytes, checksums.json says 2000"));
        QCOMPARE(index.find(40)->valLoss, 2.0);  // the rest still reads
    }

    void aMissingOrCorruptTrainerStateIsNamedAndTheRestStillShows()
    {
        const QString run = newRun();
        writeCheckpoint(run, 20, 3.0);
        writeCheckpoint(run, 40, 2.0);
        writeCheckpoint(run, 60, 1.0);
        const QDir dir(QDir(run).filePath(QStringLiteral("checkpoints")));
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("step-00000040/trainer_state.json"))));
        writeFile(dir.filePath(QStringLiteral("step-00000060/trainer_state.json")), "{\"step\": 60, \"tokens\": ");
        const RunSeries s = series(60, 20);
        const CheckpointIndex index = buildCheckpointIndex(readLocalCheckpoints(run), &s);
        QCOMPARE(index.checkpoints.size(), 3);

        const CheckpointInfo *missing = index.find(40);
        QVERIFY(missing);
        QVERIFY2(missing->problem.startsWith(QStringLiteral("trainer_state.json is missing")), qPrintable(missing->problem));
        QCOMPARE(missing->valLoss, 2.0);  // from the metrics: an eval at 40
        QCOMPARE(missing->tokens, 40 * 4096.0);  // from the train record
        QVERIFY(!missing->complete);

        const CheckpointInfo *corrupt = index.find(60);
        QVERIFY(corrupt);
        QVERIFY2(corrupt->problem.startsWith(QStringLiteral("trainer_state.json: not valid JSON (")),
                 qPrintable(corrupt->problem));
        QCOMPARE(corrupt->trainLoss, 5.0 - 6.0);
        QVERIFY(corrupt->complete);  // the file is there; its content is the problem
        QVERIFY(index.problems.contains(QStringLiteral("step-00000040: ") + missing->problem));
        QVERIFY(index.problems.contains(QStringLiteral("step-00000060: ") + corrupt->problem));

        CheckpointTableModel model;
        model.setIndex(index);
        QCOMPARE(model.data(model.index(model.rowOfStep(60), 0), CheckpointTableModel::ProblemRole).toString(),
                 corrupt->problem);
        QVERIFY(model.data(model.index(model.rowOfStep(60), 0), Qt::ToolTipRole).toString().contains(corrupt->problem));
    }

    void bestFollowsThePointerElseTheLowestEvaluatedLoss()
    {
        const QString run = newRun();
        writeCheckpoint(run, 20, 3.0);
        writeCheckpoint(run, 40, 2.0);
        const RunSeries s = series(40, 20);
        CheckpointIndex index = buildCheckpointIndex(readLocalCheckpoints(run), &s);
        QCOMPARE(index.bestStep, qint64(40));  // val 2.0 at 40 < 3.0 at 20
        QVERIFY(index.bestReason.contains(QStringLiteral("no checkpoints/best")));

        writeBest(run, 20);  // the trainer's word wins
        index = buildCheckpointIndex(readLocalCheckpoints(run), &s);
        QCOMPARE(index.bestStep, qint64(20));
        QCOMPARE(index.bestReason, QStringLiteral("lowest val_loss"));
        QVERIFY(index.find(20)->best);
        QVERIFY(!index.find(40)->best);

        writeBest(run, 99);  // names a folder that is gone
        index = buildCheckpointIndex(readLocalCheckpoints(run), &s);
        QVERIFY(index.problems.contains(QStringLiteral("checkpoints/best names step 99, which is not in the folder")));
    }

    void theChosenCheckpointIsPersistedInTheRunFolder()
    {
        const QString run = newRun();
        writeCheckpoint(run, 20, 3.0);
        writeCheckpoint(run, 40, 2.0);
        QVERIFY(saveChosenLocal(run, 20, QDateTime::fromSecsSinceEpoch(1795600000, Qt::UTC)).ok());
        QFile pointer(QDir(run).filePath(QStringLiteral("checkpoints/chosen")));
        QVERIFY(pointer.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(pointer.readAll()).object();
        QCOMPARE(json.value(QStringLiteral("step")).toInt(), 20);
        QCOMPARE(json.value(QStringLiteral("checkpoint")).toString(), QStringLiteral("step-00000020"));
        QCOMPARE(json.value(QStringLiteral("chosen_at")).toDouble(), 1795600000.0);
        QCOMPARE(json.value(QStringLiteral("format")).toInt(), 1);

        CheckpointIndex index = buildCheckpointIndex(readLocalCheckpoints(run), nullptr);
        QCOMPARE(index.chosenStep, qint64(20));
        QVERIFY(index.chosen()->chosen);
        QVERIFY(!index.find(40)->chosen);

        QVERIFY(saveChosenLocal(run, 40).ok());  // a new choice replaces the old
        index = buildCheckpointIndex(readLocalCheckpoints(run), nullptr);
        QCOMPARE(index.chosenStep, qint64(40));
        QCOMPARE(QDir(QDir(run).filePath(QStringLiteral("checkpoints"))).entryList(QDir::Files),
                 QStringList{QStringLiteral("chosen")});  // no temporary left behind

        writeFile(pointer.fileName(), "not json");
        index = buildCheckpointIndex(readLocalCheckpoints(run), nullptr);
        QCOMPARE(index.chosenStep, qint64(-1));
        QVERIFY(index.problems.contains(QStringLiteral("checkpoints/chosen: not a JSON object")));
    }

    void theTableSortsNumericallyWithMissingValuesLast()
    {
        const QString run = newRun();
        writeCheckpoint(run, 2, 3.0, 16, 900);
        writeCheckpoint(run, 10, 2.0, 16, 50000);
        writeCheckpoint(run, 100, 2.5, 16, 3000);
        QVERIFY(QFile::remove(QDir(run).filePath(QStringLiteral("checkpoints/step-00000010/trainer_state.json"))));
        writeBest(run, 100);
        QVERIFY(saveChosenLocal(run, 2).ok());
        CheckpointTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setIndex(buildCheckpointIndex(readLocalCheckpoints(run), nullptr));
        QCOMPARE(stepsInViewOrder(model), (QList<qint64>{2, 10, 100}));  // not "10, 100, 2"
        model.sort(CheckpointTableModel::Step, Qt::DescendingOrder);
        QCOMPARE(stepsInViewOrder(model), (QList<qint64>{100, 10, 2}));

        // Step 10 has no val loss (no state, no metrics): last in both directions.
        model.sort(CheckpointTableModel::ValLoss, Qt::AscendingOrder);
        QCOMPARE(stepsInViewOrder(model), (QList<qint64>{100, 2, 10}));
        model.sort(CheckpointTableModel::ValLoss, Qt::DescendingOrder);
        QCOMPARE(stepsInViewOrder(model), (QList<qint64>{2, 100, 10}));

        // Sizes by bytes, not by their text ("48.9 KiB" < "900 B" as strings would have it).
        model.sort(CheckpointTableModel::Size, Qt::AscendingOrder);
        QCOMPARE(stepsInViewOrder(model).first(), qint64(2));
        QCOMPARE(stepsInViewOrder(model).last(), qint64(10));

        model.sort(CheckpointTableModel::Mark, Qt::DescendingOrder);
        QCOMPARE(stepsInViewOrder(model).first(), qint64(2));  // chosen before best
        QCOMPARE(model.data(model.index(0, CheckpointTableModel::Mark)).toString(), QStringLiteral("chosen"));
        QCOMPARE(model.data(model.index(1, CheckpointTableModel::Mark)).toString(), QStringLiteral("best"));

        // A persistent index (the view's selection) follows its checkpoint through a sort.
        const QPersistentModelIndex selected = model.index(model.rowOfStep(10), 0);
        model.sort(CheckpointTableModel::Step, Qt::AscendingOrder);
        QCOMPARE(selected.row(), 1);
        QCOMPARE(selected.data(CheckpointTableModel::StepRole).toLongLong(), qint64(10));
    }

    void sortedRowsOrdersNumbersAndTextAndKeepsTies()
    {
        const QVariantList keys{9.0, QVariant(), 10.0, std::nan(""), 9.0, -1.0};
        const auto key = [&](int row) { return keys.at(row); };
        QCOMPARE(sortedRows(int(keys.size()), key, Qt::AscendingOrder), (std::vector<int>{5, 0, 4, 2, 1, 3}));
        QCOMPARE(sortedRows(int(keys.size()), key, Qt::DescendingOrder), (std::vector<int>{2, 0, 4, 5, 1, 3}));
        QCOMPARE(formatBytes(1536), QStringLiteral("1.50 KiB"));
        QCOMPARE(formatBytes(5 * 1024 * 1024 + 1), QStringLiteral("5.00 MiB"));
        QCOMPARE(formatCount(1234567), QStringLiteral("1,234,567"));
    }

    void theBestOfEachRunListsRunsForModelSelection()
    {
        const QString a = newRun(), b = newRun(), c = newRun();
        writeCheckpoint(a, 20, 3.0);
        writeCheckpoint(a, 40, 2.6);
        writeBest(a, 40);
        writeCheckpoint(b, 20, 2.2);
        writeBest(b, 20);
        QVERIFY(saveChosenLocal(b, 20).ok());
        QVERIFY(QDir().mkpath(c));  // no checkpoints yet
        BestCheckpointsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRun(a, QStringLiteral("lr-3e-3"), buildCheckpointIndex(readLocalCheckpoints(a), nullptr));
        model.setRun(b, QStringLiteral("lr-1e-3"), buildCheckpointIndex(readLocalCheckpoints(b), nullptr));
        model.setRun(c, QStringLiteral("fresh"), buildCheckpointIndex(readLocalCheckpoints(c), nullptr));
        QCOMPARE(model.rowCount(), 3);
        model.sort(BestCheckpointsModel::ValLoss, Qt::AscendingOrder);
        QCOMPARE(model.data(model.index(0, BestCheckpointsModel::Run)).toString(), QStringLiteral("lr-1e-3"));
        QCOMPARE(model.data(model.index(0, BestCheckpointsModel::ValLoss)).toString(), QStringLiteral("2.2000"));
        QCOMPARE(model.data(model.index(0, BestCheckpointsModel::Chosen)).toString(), QStringLiteral("20"));
        QCOMPARE(model.data(model.index(1, BestCheckpointsModel::BestStep)).toString(), QStringLiteral("40"));
        QCOMPARE(model.data(model.index(2, BestCheckpointsModel::BestStep)).toString(), QStringLiteral("none yet"));
        QVERIFY(model.data(model.index(1, 0), BestCheckpointsModel::PathRole).toString().endsWith(QStringLiteral("step-00000040")));

        // A run's index changes (a new best): its row updates in place and the sort holds.
        writeCheckpoint(a, 60, 1.5);
        writeBest(a, 60);
        model.setRun(a, QStringLiteral("lr-3e-3"), buildCheckpointIndex(readLocalCheckpoints(a), nullptr));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.data(model.index(0, BestCheckpointsModel::Run)).toString(), QStringLiteral("lr-3e-3"));
        QCOMPARE(model.data(model.index(0, BestCheckpointsModel::BestStep)).toString(), QStringLiteral("60"));
    }

    void aComparisonMarksWhatDiffers()
    {
        const QString a = newRun(), b = newRun();
        writeCheckpoint(a, 20, 3.0, 16);
        writeCheckpoint(b, 20, 2.0, 32);
        writeFile(QDir(a).filePath(QStringLiteral("config.yaml")), "lora:\n  rank: 16\n  alpha: 32\ntrain:\n  lr: 0.003\n");
        writeFile(QDir(b).filePath(QStringLiteral("config.yaml")), "lora:\n  rank: 32\n  alpha: 32\ntrain:\n  lr: 0.003\n");
        const CheckpointIndex ia = buildCheckpointIndex(readLocalCheckpoints(a), nullptr);
        const CheckpointIndex ib = buildCheckpointIndex(readLocalCheckpoints(b), nullptr);
        CheckpointComparisonModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setCheckpoints({{QStringLiteral("a"), *ia.find(20), ia.runConfig}, {QStringLiteral("b"), *ib.find(20), ib.runConfig}});
        QCOMPARE(model.columnCount(), 4);
        QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("a · step 20"));
        const QString config = QStringLiteral("config.yaml"), adapter = QStringLiteral("adapter_config.json");
        const int rank = model.rowOf(config, QStringLiteral("lora.rank"));
        QVERIFY(rank >= 0);
        QCOMPARE(model.data(model.index(rank, 2)).toString(), QStringLiteral("16"));
        QCOMPARE(model.data(model.index(rank, 3)).toString(), QStringLiteral("32"));
        QVERIFY(model.data(model.index(rank, 0), CheckpointComparisonModel::DiffersRole).toBool());
        const int lr = model.rowOf(config, QStringLiteral("train.lr"));
        QVERIFY(lr >= 0);
        QVERIFY(!model.data(model.index(lr, 0), CheckpointComparisonModel::DiffersRole).toBool());
        QVERIFY(model.data(model.index(model.rowOf(adapter, QStringLiteral("r")), 0), CheckpointComparisonModel::DiffersRole).toBool());
        const int val = model.rowOf(QStringLiteral("checkpoint"), QStringLiteral("val loss"));
        QCOMPARE(model.data(model.index(val, 2)).toString(), QStringLiteral("3.0000"));
        QCOMPARE(model.data(model.index(val, 3)).toString(), QStringLiteral("2.0000"));

        model.setOnlyDifferences(true);
        QCOMPARE(model.rowOf(config, QStringLiteral("train.lr")), -1);
        QCOMPARE(model.rowOf(config, QStringLiteral("lora.alpha")), -1);
        QVERIFY(model.rowOf(config, QStringLiteral("lora.rank")) >= 0);
        QVERIFY(model.rowOf(QStringLiteral("checkpoint"), QStringLiteral("step")) >= 0);  // says which column is which
        for (int row = 0; row < model.rowCount(); ++row) {
            const bool identity = model.data(model.index(row, 0)).toString() == QStringLiteral("checkpoint")
                && (model.data(model.index(row, 1)).toString() == QStringLiteral("step")
                    || model.data(model.index(row, 1)).toString() == QStringLiteral("run"));
            QVERIFY(identity || model.data(model.index(row, 0), CheckpointComparisonModel::DiffersRole).toBool());
        }
    }

    // Found by fuzzing (tests/fuzz, fuzz_checkpoint_index): checkpoints/chosen's "chosen_at" and a
    // trainer state's "time" were converted to integer seconds or milliseconds whatever their
    // size, so 1e75 overflowed qint64 (undefined behaviour). Times past the year 9999 are no times.
    void timesTooLargeForADateAreMissingNotUndefined()
    {
        const auto chosen = parseChosenPointer(R"({"format": 1, "step": 40, "chosen_at": 1.11e75})");
        QVERIFY(chosen.ok());
        QCOMPARE(chosen.value().step, 40);
        QVERIFY(!chosen.value().chosenAt.isValid());
        QVERIFY(parseChosenPointer(R"({"step": 40, "chosen_at": 1764059600})").value().chosenAt.isValid());
        QCOMPARE(formatUnixTime(1e300), QString());
        QCOMPARE(formatUnixTime(kLastUnixSecond), QString());
        QVERIFY(!formatUnixTime(1764059600).isEmpty());

        RunCheckpointFiles files;
        CheckpointFolder folder;
        folder.name = QStringLiteral("step-00000040");
        folder.trainerState = QByteArray(R"({"step": 40, "time": 1e300})");
        files.folders.append(folder);
        CheckpointTableModel table;
        table.setIndex(buildCheckpointIndex(files, nullptr));
        QCOMPARE(table.data(table.index(0, CheckpointTableModel::Time)).toString(), QString());
    }
};

QTEST_GUILESS_MAIN(TestCheckpointIndex)
#include "tst_checkpointindex.moc"
