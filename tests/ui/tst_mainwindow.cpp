#include "CurvesPanel.h"
#include "MainWindow.h"
#include "config/ConfigLoader.h"

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
