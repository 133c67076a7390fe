#include "CurvesPanel.h"
#include "LogsPanel.h"
#include "MainWindow.h"
#include "RunTableView.h"
#include "SubmitDialog.h"
#include "config/ConfigLoader.h"

#include <QAction>
#include <QHeaderView>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace corral;

// The GUI's whole path on the local profile: a draft run is started, corral-train runs
// out of process, and the chart fills from metrics.jsonl while the event loop stays free.
class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // Settings (window geometry, last run) go to a throwaway location, never the user's.
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
    }

    void theRunListShowsEveryColumnAndColoursStates()
    {
        QTemporaryDir runs;
        qputenv("CORRAL_RUNS_DIR", runs.path().toUtf8());
        MainWindow window(QString{});
        QAbstractItemModelTester tester(window.runModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QDateTime start = QDateTime::fromSecsSinceEpoch(1735725600, Qt::UTC);
        const QList<RunState> states{RunState::Draft,   RunState::Pending,   RunState::Running, RunState::Finished,
                                     RunState::Failed,  RunState::Cancelled, RunState::Timeout, RunState::Stopped};
        for (int i = 0; i < states.size(); ++i) {
            RunEntry e;
            e.id = QStringLiteral("/runs/r%1").arg(i);
            e.name = QStringLiteral("r%1").arg(i);
            e.profile = i % 2 ? QStringLiteral("hpc") : QStringLiteral("local");
            e.state = states[i];
            e.step = 30;
            e.maxSteps = 120;
            e.bestValLoss = 2.5 + i;
            if (states[i] != RunState::Draft)
                e.submitted = start;
            if (states[i] == RunState::Finished || states[i] == RunState::Failed)
                e.ended = start.addSecs(3723);
            window.runModel()->addRun(e);
        }
        QAbstractItemModel *view = window.runTable()->model();  // what the table draws: the colouring proxy
        QStringList headers;
        for (int c = 0; c < view->columnCount(); ++c)
            headers << view->headerData(c, Qt::Horizontal).toString();
        QCOMPARE(headers, (QStringList{QStringLiteral("Run"), QStringLiteral("Profile"), QStringLiteral("State"),
                                       QStringLiteral("Step"), QStringLiteral("Best val loss"), QStringLiteral("Submitted"),
                                       QStringLiteral("Duration")}));
        auto cell = [&](int row, int column, int role = Qt::DisplayRole) { return view->index(row, column).data(role); };
        QCOMPARE(cell(3, RunListModel::Name).toString(), QStringLiteral("r3"));
        QCOMPARE(cell(3, RunListModel::Profile).toString(), QStringLiteral("hpc"));
        QCOMPARE(cell(3, RunListModel::State).toString(), QStringLiteral("COMPLETED"));
        QCOMPARE(cell(3, RunListModel::Progress).toString(), QStringLiteral("30/120"));
        QCOMPARE(cell(3, RunListModel::Progress, RunListModel::ProgressRole).toDouble(), 0.25);
        QCOMPARE(cell(3, RunListModel::BestValLoss).toString(), QStringLiteral("5.5000"));
        QCOMPARE(cell(3, RunListModel::Submitted).toString(), start.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
        QCOMPARE(cell(3, RunListModel::Duration).toString(), QStringLiteral("1:02:03"));
        QVERIFY(!cell(2, RunListModel::Duration).toString().isEmpty());  // running: up to now
        QCOMPARE(cell(0, RunListModel::Duration).toString(), QString());  // a draft has none
        QCOMPARE(cell(0, RunListModel::State).toString(), QStringLiteral("DRAFT"));
        QCOMPARE(cell(4, RunListModel::State).toString(), QStringLiteral("FAILED"));

        // Each state its own colour on the State column; other columns keep the palette's.
        QSet<QRgb> colours;
        for (int row = 1; row < states.size(); ++row) {
            const QVariant brush = cell(row, RunListModel::State, Qt::ForegroundRole);
            QVERIFY2(brush.isValid(), qPrintable(cell(row, RunListModel::State).toString()));
            QCOMPARE(brush.value<QBrush>().color(), runStateColor(states[row]));
            colours.insert(brush.value<QBrush>().color().rgb());
            QVERIFY(!cell(row, RunListModel::Name, Qt::ForegroundRole).isValid());
        }
        QCOMPARE(colours.size(), states.size() - 1);
        QCOMPARE(runStateColor(RunState::Finished), QColor(0x1a, 0x7f, 0x37));  // green
        QCOMPARE(runStateColor(RunState::Failed), QColor(0xcf, 0x22, 0x2e));    // red
        QVERIFY(!cell(0, RunListModel::State, Qt::ForegroundRole).isValid());  // a draft: plain
    }

    void layoutAndTheLastSelectedRunComeBackAfterARestart()
    {
        QTemporaryDir runs;
        qputenv("CORRAL_RUNS_DIR", runs.path().toUtf8());
        for (const char *name : {"alpha-20250101-100000", "beta-20250101-110000"}) {
            const QString dir = runs.filePath(QLatin1StringView(name));
            QVERIFY(QDir().mkpath(dir));
            QFile yaml(dir + QStringLiteral("/run.yaml"));
            QVERIFY(yaml.open(QIODevice::WriteOnly));
            QFile events(dir + QStringLiteral("/events.jsonl"));
            QVERIFY(events.open(QIODevice::WriteOnly));
            events.write("{\"kind\":\"started\",\"step\":0,\"max_steps\":4,\"time\":1735725600}\n"
                         "{\"kind\":\"finished\",\"step\":4,\"time\":1735725660}\n");
        }
        const QString beta = QDir(runs.filePath(QStringLiteral("beta-20250101-110000"))).absolutePath();
        QList<int> sizes;
        {
            MainWindow first(QString{});
            first.show();
            QCOMPARE(first.runModel()->rowCount(), 2);  // listed again from their folders
            QCOMPARE(first.runModel()->runAt(first.runModel()->rowOf(beta)).state, RunState::Finished);
            first.resize(1010, 650);
            auto *splitter = first.findChild<QSplitter *>(QStringLiteral("mainSplitter"));
            QVERIFY(splitter);
            splitter->setSizes({300, 710});
            sizes = splitter->sizes();
            first.runTable()->horizontalHeader()->resizeSection(RunListModel::Name, 177);
            first.selectRun(beta);
            first.detailTabs()->setCurrentIndex(2);
            QVERIFY(first.close());
        }
        MainWindow second(QString{});
        second.show();
        QCOMPARE(second.size(), QSize(1010, 650));
        QCOMPARE(second.findChild<QSplitter *>(QStringLiteral("mainSplitter"))->sizes(), sizes);
        QCOMPARE(second.runTable()->horizontalHeader()->sectionSize(RunListModel::Name), 177);
        QCOMPARE(second.selectedRunId(), beta);
        QCOMPARE(second.detailTabs()->currentIndex(), 2);
        QVERIFY(QFile::exists(QSettings().fileName()));
        QVERIFY2(QSettings().fileName().startsWith(m_settings.path()), qPrintable(QSettings().fileName()));
    }

    void anInvalidConfigDisablesSubmitAndSaysWhy()
    {
        QTemporaryDir runs;
        qputenv("CORRAL_RUNS_DIR", runs.path().toUtf8());
        ConfigReport report = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml");
        QVERIFY(report.ok());
        RunConfig bad = report.config;
        bad.lora.rank = 0;
        MainWindow window(QStringLiteral(CORRAL_BIN_DIR "/corral-train"));
        window.show();
        window.addDraft(bad, QStringLiteral("bad"));
        QAction *submit = window.action(QStringLiteral("submit"));
        QVERIFY(!window.isConfigValid());
        QVERIFY(!submit->isEnabled());
        QVERIFY2(window.noticeText().contains(QStringLiteral("lora.rank")), qPrintable(window.noticeText()));
        QVERIFY(submit->toolTip().contains(QStringLiteral("lora.rank")));
        QVERIFY(window.submitSelected() == nullptr);
        QVERIFY(!window.startSelected());

        // Fixed in the Config tab: Submit comes back and the notice goes.
        auto *rank = window.findChild<QSpinBox *>(QStringLiteral("lora.rank"));
        QVERIFY(rank);
        rank->setValue(rank->value() == 4 ? 5 : 4);  // an edit: the refused 0 is shown as the default
        QVERIFY(window.isConfigValid());
        QVERIFY(submit->isEnabled());
        QCOMPARE(window.noticeText(), QString());

        // The hook another config editor drives.
        window.setConfigValidity(false, QStringLiteral("train.lr: must be > 0.0, got -1.0"));
        QVERIFY(!submit->isEnabled());
        QVERIFY(window.noticeText().contains(QStringLiteral("train.lr: must be > 0.0")));
        window.setConfigValidity(true, {});
        QVERIFY(submit->isEnabled());
    }

    // A draft meant for a cluster names the cluster's paths; sent to local instead, the review
    // dialog looks for them here and says which are missing.
    void submitOnTheLocalProfileLooksForThePathsHere()
    {
        QTemporaryDir runs;
        qputenv("CORRAL_RUNS_DIR", runs.path().toUtf8());
        ConfigReport report = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml");
        QVERIFY(report.ok());
        report.config.model.path = "/scratch/models/llama-3.2-1b";
        MainWindow window(QStringLiteral(CORRAL_BIN_DIR "/corral-train"));
        const QString id = window.addDraft(report.config, QStringLiteral("meant-for-a-cluster"));
        SubmitDialog dialog(window.controller(), id, QStringLiteral("local"));
        QVERIFY2(dialog.problem().contains(QStringLiteral("model.path: no such folder '/scratch/models/llama-3.2-1b'")),
                 qPrintable(dialog.problem()));
        QVERIFY(!dialog.submit());
        QCOMPARE(window.runModel()->runAt(window.runModel()->rowOf(id)).state, RunState::Draft);
    }

    void submitOnTheLocalProfileRunsToCompleted()
    {
        QTemporaryDir runs;
        qputenv("CORRAL_RUNS_DIR", runs.path().toUtf8());
        const ConfigReport report = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml",
                                                   {"train.max_steps=6", "train.eval_interval=3"});
        QVERIFY(report.ok());
        MainWindow window(QStringLiteral(CORRAL_BIN_DIR "/corral-train"));
        window.show();
        const QString id = window.addDraft(report.config, QStringLiteral("via-submit"));
        SubmitDialog *dialog = window.submitSelected();  // what Submit (Ctrl+Return) opens
        QVERIFY(dialog);
        dialog->setProfile(QStringLiteral("local"));
        QCOMPARE(dialog->problem(), QString());
        QVERIFY(!dialog->isScriptEditable());  // no job script on the local profile
        QVERIFY(dialog->script().contains(QStringLiteral("--output ") + id));
        QVERIFY(dialog->submit());
        QCOMPARE(window.runModel()->runAt(0).state, RunState::Running);
        QVERIFY(!window.action(QStringLiteral("submit"))->isEnabled());
        QVERIFY(window.action(QStringLiteral("cancel"))->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->runAt(0).state, RunState::Finished, 120000);
        QAbstractItemModel *view = window.runTable()->model();
        QCOMPARE(view->index(0, RunListModel::State).data().toString(), QStringLiteral("COMPLETED"));
        QCOMPARE(view->index(0, RunListModel::Progress).data().toString(), QStringLiteral("6/6"));
        QVERIFY(!view->index(0, RunListModel::Duration).data().toString().isEmpty());
        QVERIFY(window.runModel()->runAt(0).ended.isValid());
        QVERIFY(window.action(QStringLiteral("duplicate"))->isEnabled());

        // Its logs: stdout and stderr of the trainer in the Logs tab.
        window.detailTabs()->setCurrentWidget(window.logs());
        QTRY_VERIFY(window.logs()->text(QStringLiteral("stdout")).contains(QStringLiteral("done: 6 steps")));
        QTRY_VERIFY(window.logs()->text(QStringLiteral("stderr")).contains(QStringLiteral("step 6/6")));

        // Duplicate: a new draft with the same config.
        const QString copy = window.duplicateSelected();
        QVERIFY(!copy.isEmpty() && copy != id);
        QCOMPARE(window.selectedRunId(), copy);
        QCOMPARE(window.runModel()->runAt(window.runModel()->rowOf(copy)).state, RunState::Draft);
        QCOMPARE(window.controller().config(copy)->train.max_steps, 6);
    }

    void aFailedRunShowsItsReasonAndStderrAtOnce()
    {
        QTemporaryDir runs;
        qputenv("CORRAL_RUNS_DIR", runs.path().toUtf8());
        QTemporaryDir data;
        const QString corpus = data.filePath(QStringLiteral("corpus.txt"));
        QVERIFY(QFile::copy(QStringLiteral(CORRAL_SOURCE_DIR "/resources/demo/corpus.txt"), corpus));
        const ConfigReport report = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml",
                                                   {"train.max_steps=6", "data.files=[" + corpus.toStdString() + "]"});
        QVERIFY(report.ok());
        MainWindow window(QStringLiteral(CORRAL_BIN_DIR "/corral-train"));
        window.show();
        window.addDraft(report.config, QStringLiteral("doomed"));
        QVERIFY(QFile::remove(corpus));  // gone between the check and the start
        QVERIFY(window.startSelected());
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->runAt(0).state, RunState::Failed, 60000);
        QTRY_VERIFY(!window.noticeText().isEmpty());
        QVERIFY2(window.noticeText().contains(QStringLiteral("exited with code 2")), qPrintable(window.noticeText()));
        QVERIFY2(window.noticeText().contains(QStringLiteral("end of stderr")), qPrintable(window.noticeText()));
        QVERIFY2(window.noticeText().contains(QStringLiteral("data.files")), qPrintable(window.noticeText()));
        QVERIFY(window.runTable()->model()->index(0, RunListModel::State).data(Qt::ToolTipRole).toString().contains(
            QStringLiteral("data.files")));
        QVERIFY(window.action(QStringLiteral("resume"))->isEnabled());
    }

    void cancelAsksBeforeItStopsARun()
    {
        QTemporaryDir runs;
        qputenv("CORRAL_RUNS_DIR", runs.path().toUtf8());
        const ConfigReport report = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml",
                                                   {"train.max_steps=400", "train.eval_interval=200",
                                                    "data.max_seq_len=32", "train.grad_accum_steps=1"});
        QVERIFY(report.ok());
        MainWindow window(QStringLiteral(CORRAL_BIN_DIR "/corral-train"));
        window.show();
        window.addDraft(report.config, QStringLiteral("long"));
        QVERIFY(window.startSelected());
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->runAt(0).step >= 2, 60000);
        QMessageBox *question = window.cancelSelected();
        QVERIFY(question);
        QVERIFY(question->text().contains(QStringLiteral("long")));
        question->button(QMessageBox::No)->click();
        QTest::qWait(300);
        QCOMPARE(window.runModel()->runAt(0).state, RunState::Running);  // No: nothing happens
        question = window.cancelSelected();
        QVERIFY(question);
        question->button(QMessageBox::Yes)->click();
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->runAt(0).state, RunState::Stopped, 60000);
        QVERIFY(window.cancelSelected() == nullptr);  // nothing left to cancel
        QVERIFY(window.action(QStringLiteral("resume"))->isEnabled());
    }

    void startedRunFillsTheChartAndFinishes()
    {
        QTemporaryDir runs;
        qputenv("CORRAL_RUNS_DIR", runs.path().toUtf8());
        const ConfigReport report = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml",
                                                   {"train.max_steps=6", "train.eval_interval=3"});
        QVERIFY(report.ok());
        MainWindow window(QStringLiteral(CORRAL_BIN_DIR "/corral-train"));
        QAbstractItemModelTester tester(window.runModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        window.show();
        const QString id = window.addDraft(report.config, QStringLiteral("ui-test"));
        QVERIFY(id.startsWith(runs.path()));
        QCOMPARE(window.runModel()->runAt(0).state, RunState::Draft);

        QVERIFY(window.startSelected());
        QCOMPARE(window.runModel()->runAt(0).state, RunState::Running);
        QVERIFY(!window.startSelected());  // a running run cannot be started twice

        // While the trainer runs, the GUI thread keeps turning: timers fire on time.
        QElapsedTimer clock;
        clock.start();
        int ticks = 0;
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, this, [&]() { ++ticks; });
        ticker.start(20);
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->runAt(0).state, RunState::Finished, 120000);
        QVERIFY2(ticks >= clock.elapsed() / 20 / 4, "the event loop stalled while the run was going");

        QCOMPARE(window.runModel()->runAt(0).step, 6);
        QTRY_COMPARE(window.curves()->chart()->storedPointCount(Metric::TrainLoss), 6);
        QCOMPARE(window.curves()->chart()->storedPointCount(Metric::ValLoss), 3);  // steps 0, 3, 6
        QVERIFY(std::isfinite(window.runModel()->runAt(0).bestValLoss));
    }

    void openedRunFoldersAreFollowedAndOverlaid()
    {
        QTemporaryDir runs;
        auto write = [&](const QString &dir, const QByteArray &metrics, const QByteArray &events) {
            QVERIFY(QDir().mkpath(dir));
            QFile m(dir + QStringLiteral("/metrics.jsonl"));
            QVERIFY(m.open(QIODevice::WriteOnly));
            m.write(metrics);
            QFile e(dir + QStringLiteral("/events.jsonl"));
            QVERIFY(e.open(QIODevice::WriteOnly));
            e.write(events);
        };
        const QString a = runs.filePath(QStringLiteral("lr-a"));
        const QString b = runs.filePath(QStringLiteral("lr-b"));
        write(a,
              "{\"kind\":\"val\",\"step\":0,\"loss\":5.5,\"time\":100}\n"
              "{\"kind\":\"train\",\"step\":1,\"loss\":5.0,\"tokens\":10,\"time\":101}\n"
              "{\"kind\":\"train\",\"step\":2,\"loss\":4.0,\"tokens\":20,\"time\":102}\n",
              "{\"kind\":\"started\",\"step\":0,\"max_steps\":2,\"time\":99}\n"
              "{\"kind\":\"finished\",\"step\":2,\"time\":103}\n");
        write(b, "{\"kind\":\"train\",\"step\":1,\"loss\":6.0,\"tokens\":10,\"time\":201}\n",
              "{\"kind\":\"started\",\"step\":0,\"max_steps\":10,\"time\":199}\n");
        MainWindow window(QString{});
        QAbstractItemModelTester tester(window.runModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        window.show();
        QVERIFY(window.openRunFolder(runs.filePath(QStringLiteral("nothing-here"))).isEmpty());
        const QString idA = window.openRunFolder(a);
        const QString idB = window.openRunFolder(b);
        QCOMPARE(window.runModel()->rowCount(), 2);
        window.showCurvesOf({idA, idB});
        MetricChart *chart = window.curves()->chart();
        QCOMPARE(chart->runs().size(), 2);  // both selected: overlaid
        QTRY_COMPARE(chart->storedPointCount(Metric::TrainLoss), 3);
        QCOMPARE(chart->storedPointCount(Metric::ValLoss), 1);
        QTRY_COMPARE(window.runModel()->runAt(0).state, RunState::Finished);
        QCOMPARE(window.runModel()->runAt(1).state, RunState::Running);
        QCOMPARE(window.runModel()->runAt(1).maxSteps, 10);

        // Still followed: lines appended later arrive, and a preemption is told.
        QFile more(b + QStringLiteral("/metrics.jsonl"));
        QVERIFY(more.open(QIODevice::Append));
        more.write("{\"kind\":\"train\",\"step\":2,\"loss\":5.5,\"tokens\":20,\"time\":202}\n");
        more.close();
        QFile events(b + QStringLiteral("/events.jsonl"));
        QVERIFY(events.open(QIODevice::Append));
        events.write("{\"kind\":\"preempted\",\"step\":2,\"signal\":\"SIGUSR1\",\"time\":203}\n");
        events.close();
        QTRY_COMPARE(chart->storedPointCount(Metric::TrainLoss), 4);
        QTRY_COMPARE(window.runModel()->runAt(1).state, RunState::Stopped);
        QCOMPARE(window.runModel()->runAt(1).step, 2);
    }

    void aStoppedRunKeepsItsCheckpointAndResumes()
    {
        QTemporaryDir runs;
        qputenv("CORRAL_RUNS_DIR", runs.path().toUtf8());
        const ConfigReport report = loadConfigFile(CORRAL_SOURCE_DIR "/resources/presets/tiny-demo.yaml",
                                                   {"train.max_steps=400", "train.eval_interval=200",
                                                    "data.max_seq_len=32", "train.grad_accum_steps=1"});
        QVERIFY(report.ok());
        MainWindow window(QStringLiteral(CORRAL_BIN_DIR "/corral-train"));
        window.show();
        window.addDraft(report.config, QStringLiteral("stop-resume"));
        QVERIFY(!window.resumeSelected());  // a draft has nothing to resume
        QVERIFY(window.startSelected());
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->runAt(0).step >= 3, 60000);
        window.stopSelected();
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->runAt(0).state, RunState::Stopped, 60000);
        const qint64 stoppedAt = window.runModel()->runAt(0).step;
        QVERIFY(stoppedAt < 400);

        QVERIFY(window.resumeSelected());
        QCOMPARE(window.runModel()->runAt(0).state, RunState::Running);
        QTRY_VERIFY_WITH_TIMEOUT(window.runModel()->runAt(0).step > stoppedAt + 2, 60000);
        window.stopSelected();  // stop again: the second stop is resumable too
        QTRY_COMPARE_WITH_TIMEOUT(window.runModel()->runAt(0).state, RunState::Stopped, 60000);
        // The chart holds each step once: the resume rewound the metrics file and the chart re-read it.
        QTRY_COMPARE(window.curves()->chart()->storedPointCount(Metric::TrainLoss),
                     static_cast<qsizetype>(window.runModel()->runAt(0).step));
    }

private:
    QTemporaryDir m_settings;

};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
