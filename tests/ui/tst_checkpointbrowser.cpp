// The Checkpoints tab: what the table shows for a run, sorting by a header click, the compare
// dialog, marking the chosen one, the best of each run, live updates and problems; and, in the
// main window with a real corral-train run, the tab wired to the run list, "Resume from here"
// becoming a new run that continues from that step, and the export.
#include "CheckpointBrowser.h"
#include "CheckpointCompareDialog.h"
#include "MainWindow.h"
#include "config/ConfigLoader.h"
#include "metrics/SeriesStore.h"
#include "runs/RunListModel.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace corral;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

// A checkpoint folder as corral-train writes it.
void writeCheckpoint(const QString &runDir, qint64 step, double valLoss, int rank, qint64 adapterBytes)
{
    const QString dir = QDir(runDir).filePath(QStringLiteral("checkpoints/step-%1").arg(step, 8, 10, QLatin1Char('0')));
    writeFile(dir + QStringLiteral("/adapter_model.safetensors"), QByteArray(adapterBytes, 'a'));
    writeFile(dir + QStringLiteral("/adapter_config.json"),
              QJsonDocument(QJsonObject{{QStringLiteral("peft_type"), QStringLiteral("LORA")}, {QStringLiteral("r"), rank}}).toJson());
    writeFile(dir + QStringLiteral("/trainer_state.json"),
              QJsonDocument(QJsonObject{{QStringLiteral("format"), 1},
                                        {QStringLiteral("step"), step},
                                        {QStringLiteral("tokens"), step * 4096},
                                        {QStringLiteral("val_loss"), valLoss},
                                        {QStringLiteral("sampler"), QJsonObject{{QStringLiteral("offset"), step * 32}}},
                                        {QStringLiteral("time"), 1795600000.0 + double(step)}})
                  .toJson());
    writeFile(dir + QStringLiteral("/optimizer.pt"), QByteArray(2 * adapterBytes, 'o'));
}

// Train records 1..n and a val record at every multiple of 10 (val loss falls to step 20, then rises).
void fillSeries(SeriesStore &store, const QString &id, int n)
{
    QVector<MetricRecord> records;
    for (int step = 1; step <= n; ++step) {
        MetricRecord r;
        r.kind = MetricRecord::Kind::Train;
        r.step = step;
        r.tokens = step * 4096.0;
        r.loss = 5.0 - step / 20.0;
        r.time = 1795600000.0 + step;
        records.append(r);
        if (step % 10 == 0) {
            MetricRecord v;
            v.kind = MetricRecord::Kind::Val;
            v.step = step;
            v.loss = 3.0 + std::abs(step - 20) / 10.0;
            v.time = r.time;
            records.append(v);
        }
    }
    store.appendMetrics(id, records);
}

QList<qint64> viewSteps(QTableView *table)
{
    QList<qint64> steps;
    for (int row = 0; row < table->model()->rowCount(); ++row)
        steps << table->model()->index(row, 0).data(CheckpointTableModel::StepRole).toLongLong();
    return steps;
}

QString cell(QTableView *table, int row, int column)
{
    return table->model()->index(row, column).data().toString();
}

}  // namespace

class TestCheckpointBrowser : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_counter = 0;
    QString m_realRun;  // a real corral-train run, made once

    // A finished local run with checkpoints at 10, 20, 30 in the list, its metrics in the store.
    QString addRun(RunListModel &runs, SeriesStore &store, const QString &name, int rank = 16)
    {
        const QString dir = m_dir.filePath(QStringLiteral("run-%1").arg(++m_counter));
        writeCheckpoint(dir, 10, 3.9, rank, 900);
        writeCheckpoint(dir, 20, 3.1, rank, 150000);
        writeCheckpoint(dir, 30, 3.5, rank, 4000);
        writeFile(dir + QStringLiteral("/checkpoints/best"), "{\"step\":20,\"checkpoint\":\"step-00000020\",\"reason\":\"lowest val_loss\"}");
        writeFile(dir + QStringLiteral("/config.yaml"), QStringLiteral("lora:\n  rank: %1\ntrain:\n  lr: 0.003\n").arg(rank).toUtf8());
        fillSeries(store, dir, 30);
        RunEntry entry;
        entry.id = dir;
        entry.name = name;
        entry.state = RunState::Finished;
        runs.addRun(entry);
        return dir;
    }

private slots:
    void initTestCase()
    {
        const QString trainer = QStringLiteral(CORRAL_BIN_DIR "/corral-train");
        m_realRun = m_dir.filePath(QStringLiteral("demo"));
        QProcess train;
        train.setProcessChannelMode(QProcess::MergedChannels);
        train.start(trainer, {QStringLiteral("--config"), QStringLiteral(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml"),
                              QStringLiteral("--output"), m_realRun, QStringLiteral("--set"), QStringLiteral("train.max_steps=4"),
                              QStringLiteral("--set"), QStringLiteral("train.eval_interval=2"), QStringLiteral("--set"),
                              QStringLiteral("train.save_interval=2"), QStringLiteral("--set"), QStringLiteral("train.warmup_steps=1")});
        QVERIFY(train.waitForFinished(240000));
        QVERIFY2(train.exitCode() == 0, train.readAll().constData());
    }

    void theTableShowsTheRunsCheckpointsWithTheirFigures()
    {
        RunListModel runs;
        SeriesStore store;
        const QString run = addRun(runs, store, QStringLiteral("lr-3e-3"));
        CheckpointBrowser browser(runs, store, QString());
        QSignalSpy updated(&browser, &CheckpointBrowser::indexUpdated);
        browser.setCurrentRun(run);
        QTRY_COMPARE(browser.table()->model()->rowCount(), 3);
        QTableView *t = browser.table();
        QCOMPARE(viewSteps(t), (QList<qint64>{10, 20, 30}));
        QCOMPARE(cell(t, 1, CheckpointTableModel::Tokens), QStringLiteral("81,920"));
        QCOMPARE(cell(t, 1, CheckpointTableModel::ValLoss), QStringLiteral("3.0000"));  // the val record at 20
        QCOMPARE(cell(t, 1, CheckpointTableModel::TrainLoss), QStringLiteral("4.0000"));
        QCOMPARE(cell(t, 1, CheckpointTableModel::Perplexity), QString::number(std::exp(3.0), 'f', 3));
        qint64 bytes = 0;
        for (const QFileInfo &f : QDir(run + QStringLiteral("/checkpoints/step-00000020")).entryInfoList(QDir::Files))
            bytes += f.size();
        QVERIFY(bytes > 450000);
        QCOMPARE(cell(t, 1, CheckpointTableModel::Size), QStringLiteral("%1 KiB").arg(double(bytes) / 1024.0, 0, 'f', 1));
        QCOMPARE(cell(t, 1, CheckpointTableModel::Mark), QStringLiteral("best"));
        QVERIFY(!cell(t, 1, CheckpointTableModel::Time).isEmpty());
        QCOMPARE(browser.bestModel()->rowCount(), 1);
        QCOMPARE(browser.findChild<QLabel *>()->text().contains(QStringLiteral("lr-3e-3")), true);
    }

    void aHeaderClickSortsByValueNotByText()
    {
        RunListModel runs;
        SeriesStore store;
        const QString run = addRun(runs, store, QStringLiteral("sizes"));
        CheckpointBrowser browser(runs, store, QString());
        browser.resize(900, 600);
        browser.show();
        browser.setCurrentRun(run);
        QTRY_COMPARE(browser.table()->model()->rowCount(), 3);
        QHeaderView *header = browser.table()->horizontalHeader();
        const auto click = [&](int column) {
            QTest::qWait(QApplication::doubleClickInterval() + 50);  // two clicks, not a double-click
            QTest::mouseClick(header->viewport(), Qt::LeftButton, {},
                              QPoint(header->sectionViewportPosition(column) + 4, header->height() / 2));
        };
        click(CheckpointTableModel::Size);  // 900 B, 439.9 KiB, 11.7 KiB: as text "11.7" < "439.9" < "900"
        QCOMPARE(header->sortIndicatorSection(), int(CheckpointTableModel::Size));
        const QList<qint64> ascending = viewSteps(browser.table());
        QCOMPARE(ascending, (QList<qint64>{10, 30, 20}));
        click(CheckpointTableModel::Size);
        QCOMPARE(viewSteps(browser.table()), (QList<qint64>{20, 30, 10}));
        click(CheckpointTableModel::ValLoss);  // 3.0 at 20, 4.0 at 10 and 30 (ties in step order)
        QCOMPARE(header->sortIndicatorSection(), int(CheckpointTableModel::ValLoss));
        QCOMPARE(viewSteps(browser.table()), header->sortIndicatorOrder() == Qt::AscendingOrder
                                                 ? (QList<qint64>{20, 10, 30})
                                                 : (QList<qint64>{10, 30, 20}));
    }

    void theCompareDialogShowsTheSelectedCheckpointsSideBySide()
    {
        RunListModel runs;
        SeriesStore store;
        const QString run = addRun(runs, store, QStringLiteral("cmp"));
        CheckpointBrowser browser(runs, store, QString());
        browser.setCurrentRun(run);
        QTRY_COMPARE(browser.table()->model()->rowCount(), 3);
        browser.selectSteps({10});
        QVERIFY(!browser.compareSelected());  // one is not a comparison
        browser.selectSteps({10, 20});
        QCOMPARE(browser.selectedSteps(), (QList<qint64>{10, 20}));
        std::unique_ptr<CheckpointCompareDialog> dialog(browser.compareSelected());
        QVERIFY(dialog);
        CheckpointComparisonModel *m = dialog->model();
        QCOMPARE(m->columnCount(), 4);
        QCOMPARE(m->headerData(2, Qt::Horizontal).toString(), QStringLiteral("cmp · step 10"));
        QCOMPARE(m->headerData(3, Qt::Horizontal).toString(), QStringLiteral("cmp · step 20"));
        const int val = m->rowOf(QStringLiteral("checkpoint"), QStringLiteral("val loss"));
        QCOMPARE(m->index(val, 2).data().toString(), QStringLiteral("4.0000"));
        QCOMPARE(m->index(val, 3).data().toString(), QStringLiteral("3.0000"));
        const int offset = m->rowOf(QStringLiteral("trainer_state.json"), QStringLiteral("sampler.offset"));
        QCOMPARE(m->index(offset, 2).data().toString(), QStringLiteral("320"));
        // Tinted where values differ, plain where they agree.
        QTableView *shown = dialog->table();
        QVERIFY(shown->model()->index(val, 2).data(Qt::BackgroundRole).isValid());
        const int rank = m->rowOf(QStringLiteral("adapter_config.json"), QStringLiteral("r"));
        QVERIFY(!shown->model()->index(rank, 2).data(Qt::BackgroundRole).isValid());
        dialog->onlyDifferences()->setChecked(true);
        QCOMPARE(m->rowOf(QStringLiteral("adapter_config.json"), QStringLiteral("r")), -1);
        QVERIFY(m->rowOf(QStringLiteral("checkpoint"), QStringLiteral("val loss")) >= 0);
    }

    void markingTheChosenOneIsSavedAndShown()
    {
        RunListModel runs;
        SeriesStore store;
        const QString run = addRun(runs, store, QStringLiteral("choose"));
        CheckpointBrowser browser(runs, store, QString());
        browser.setCurrentRun(run);
        QTRY_COMPARE(browser.table()->model()->rowCount(), 3);
        browser.selectSteps({30});
        QSignalSpy done(&browser, &CheckpointBrowser::actionFinished);
        QVERIFY(browser.markSelectedChosen());
        QTRY_COMPARE(cell(browser.table(), browser.model()->rowOfStep(30), CheckpointTableModel::Mark), QStringLiteral("chosen"));
        QVERIFY(done.first().at(0).toBool());
        QVERIFY(QFile::exists(run + QStringLiteral("/checkpoints/chosen")));
        QCOMPARE(browser.selectedSteps(), QList<qint64>{30});  // the selection survives the reload
        QCOMPARE(browser.bestModel()->index(0, BestCheckpointsModel::Chosen).data().toString(), QStringLiteral("30"));
    }

    void theBestOfEachRunIsListedAndComparable()
    {
        RunListModel runs;
        SeriesStore store;
        const QString a = addRun(runs, store, QStringLiteral("rank-16"), 16);
        CheckpointBrowser browser(runs, store, QString());
        const QString b = addRun(runs, store, QStringLiteral("rank-32"), 32);  // added later: picked up too
        QTRY_COMPARE(browser.bestModel()->rowCount(), 2);
        QTRY_VERIFY(browser.indexOf(a) && browser.indexOf(b));
        QTableView *best = browser.bestTable();
        QCOMPARE(cell(best, 0, BestCheckpointsModel::BestStep), QStringLiteral("20"));
        QCOMPARE(cell(best, 0, BestCheckpointsModel::ValLoss), QStringLiteral("3.0000"));
        best->selectAll();
        std::unique_ptr<CheckpointCompareDialog> dialog(browser.compareSelectedRuns());
        QVERIFY(dialog);
        const int rank = dialog->model()->rowOf(QStringLiteral("config.yaml"), QStringLiteral("lora.rank"));
        QVERIFY(rank >= 0);
        // Columns in the table's order; each holds its own run's value.
        for (int column = 2; column < 4; ++column) {
            const QString run = dialog->model()->headerData(column, Qt::Horizontal).toString();
            QCOMPARE(dialog->model()->index(rank, column).data().toString(),
                     run.startsWith(QStringLiteral("rank-16")) ? QStringLiteral("16") : QStringLiteral("32"));
        }
        QCOMPARE(dialog->model()->headerData(2, Qt::Horizontal).toString().left(7), cell(best, 0, BestCheckpointsModel::Run));
        QVERIFY(dialog->model()->index(rank, 0).data(CheckpointComparisonModel::DiffersRole).toBool());
    }

    void aNewCheckpointEventBringsItsFolderInAndProblemsAreShown()
    {
        RunListModel runs;
        SeriesStore store;
        const QString run = addRun(runs, store, QStringLiteral("live"));
        CheckpointBrowser browser(runs, store, QString());
        browser.show();
        browser.setCurrentRun(run);
        QTRY_COMPARE(browser.table()->model()->rowCount(), 3);
        writeCheckpoint(run, 40, 3.8, 16, 100);
        writeFile(run + QStringLiteral("/checkpoints/step-00000040/trainer_state.json"), "{\"step\":");
        store.appendEvents(run, {QJsonObject{{QStringLiteral("kind"), QStringLiteral("checkpoint")},
                                             {QStringLiteral("step"), 40},
                                             {QStringLiteral("time"), 1795600040.0}}});
        QTRY_COMPARE(browser.table()->model()->rowCount(), 4);
        // The row may come from a read that saw the folder before its state was spoiled; the
        // read the event started follows and brings the problem in.
        QLabel *problems = nullptr;
        QTRY_VERIFY([&] {
            for (QLabel *label : browser.findChildren<QLabel *>()) {
                if (label->text().contains(QStringLiteral("step-00000040: trainer_state.json: not valid JSON")))
                    problems = label;
            }
            return problems != nullptr;
        }());
        QVERIFY(problems->isVisible());
        QCOMPARE(cell(browser.table(), browser.model()->rowOfStep(40), CheckpointTableModel::ValLoss),
                 QString());  // no eval at 40 in the metrics and no readable state
    }

    void aClusterRunWithoutAConnectionSaysSo()
    {
        RunListModel runs;
        SeriesStore store;
        RunEntry entry;
        entry.id = QStringLiteral("hpc:/scratch/a/run-1");
        entry.name = QStringLiteral("on hpc");
        entry.profile = QStringLiteral("hpc");
        entry.runDir = QStringLiteral("/scratch/a/run-1");
        entry.state = RunState::Finished;
        runs.addRun(entry);
        CheckpointBrowser browser(runs, store, QString());
        browser.setCurrentRun(entry.id);
        QTRY_VERIFY(browser.statusText().contains(QStringLiteral("no connection to the cluster profile 'hpc'")));
        QVERIFY(!browser.resumeFromSelected());
        QVERIFY(!browser.downloadSelected(m_dir.filePath(QStringLiteral("nowhere"))));
    }

    void inTheMainWindowTheTabFollowsTheRunListAndResumesAndExports()
    {
        QTemporaryDir runsRoot;
        qputenv("CORRAL_RUNS_DIR", runsRoot.path().toUtf8());
        MainWindow window(QStringLiteral(CORRAL_BIN_DIR "/corral-train"));
        window.show();
        const QString id = window.openRunFolder(m_realRun);
        QVERIFY(!id.isEmpty());
        window.showCurvesOf({id});
        CheckpointBrowser *browser = window.checkpoints();
        QCOMPARE(browser->currentRun(), id);
        QTabWidget *tabs = window.detailTabs();
        QVERIFY(tabs->indexOf(browser) >= 0);
        QCOMPARE(tabs->tabText(tabs->indexOf(browser)), QStringLiteral("Checkpoints"));
        QTRY_COMPARE_WITH_TIMEOUT(browser->table()->model()->rowCount(), 2, 10000);
        // Joined with the metrics the window follows: a val loss at each checkpoint's step.
        QTRY_VERIFY_WITH_TIMEOUT(!cell(browser->table(), 0, CheckpointTableModel::TrainLoss).isEmpty(), 10000);
        QVERIFY(!cell(browser->table(), 0, CheckpointTableModel::ValLoss).endsWith(QLatin1Char('*')));

        // Export (merge) of the selected checkpoint with the real trainer.
        browser->selectSteps({4});
        QSignalSpy done(browser, &CheckpointBrowser::actionFinished);
        const QString out = runsRoot.filePath(QStringLiteral("merged"));
        QVERIFY(browser->exportSelected(out));
        QVERIFY(done.wait(180000));
        QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
        QVERIFY(browser->statusText().startsWith(QStringLiteral("exported the merged model")));
        QVERIFY(QFile::exists(out + QStringLiteral("/model.safetensors")));

        // "Resume from here": a new draft, started from step 2, continues at step 3.
        browser->selectSteps({2});
        QVERIFY(browser->resumeFromSelected());
        QCOMPARE(window.runModel()->rowCount(), 2);
        QVERIFY(window.selectedRunId() != id);  // the new draft is selected
        const RunEntry draft = window.runModel()->runAt(window.runModel()->rowOf(window.selectedRunId()));
        QCOMPARE(draft.state, RunState::Draft);
        QCOMPARE(draft.name, QStringLiteral("demo-from-step-00000002"));
        QVERIFY(window.startSelected());
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->runAt(window.runModel()->rowOf(draft.id)).state, RunState::Finished,
                                  180000);
        QFile metrics(draft.id + QStringLiteral("/metrics.jsonl"));
        QVERIFY(metrics.open(QIODevice::ReadOnly));
        QList<qint64> trainSteps;
        for (const QByteArray &line : metrics.readAll().split('\n')) {
            const QJsonObject r = QJsonDocument::fromJson(line).object();
            if (r.value(QStringLiteral("kind")).toString() == QStringLiteral("train"))
                trainSteps << r.value(QStringLiteral("step")).toInteger();
        }
        QCOMPARE(trainSteps, (QList<qint64>{3, 4}));
        // The new run's own checkpoints show once it is selected.
        QCOMPARE(browser->currentRun(), draft.id);
        QTRY_COMPARE_WITH_TIMEOUT(browser->table()->model()->rowCount(), 1, 10000);  // step 4 (step 2 was the source's)
    }
};

QTEST_MAIN(TestCheckpointBrowser)
#include "tst_checkpointbrowser.moc"
