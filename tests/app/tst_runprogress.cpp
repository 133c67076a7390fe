#include "runs/RunProgress.h"

#include <QTest>

using namespace corral;

class TestRunProgress : public QObject {
    Q_OBJECT
private slots:
    void foldsRecordsAndEstimatesTheRemainingTime()
    {
        RunProgress p;
        p.maxSteps = 100;
        QVERIFY(std::isnan(p.etaSeconds()));
        MetricRecord val;
        val.kind = MetricRecord::Kind::Val;
        val.step = 0;
        val.loss = 5.0;
        p.add(val);
        MetricRecord train;
        train.kind = MetricRecord::Kind::Train;
        train.step = 25;
        train.loss = 3.5;
        train.tokensPerSecond = 6150.4;
        train.elapsedSeconds = 50.0;
        p.add(train);
        val.step = 25;
        val.loss = 3.75;
        p.add(val);
        QCOMPARE(p.step, 25);
        QCOMPARE(p.bestValLoss, 3.75);
        QCOMPARE(p.etaSeconds(), 150.0);  // 2 s per step, 75 steps to go
        QCOMPARE(p.line(), QStringLiteral("step 25/100  loss 3.5000  val 3.7500  6150 tok/s  ETA 2:30"));
    }

    void formatsDurations_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << 0.0 << QStringLiteral("0:00");
        QTest::newRow("minutes") << 154.4 << QStringLiteral("2:34");
        QTest::newRow("hours") << 3723.0 << QStringLiteral("1:02:03");
        QTest::newRow("unknown") << std::nan("") << QStringLiteral("--:--");
        QTest::newRow("negative") << -1.0 << QStringLiteral("--:--");
    }
    void formatsDurations()
    {
        QFETCH(double, seconds);
        QFETCH(QString, text);
        QCOMPARE(formatDuration(seconds), text);
    }
};

QTEST_GUILESS_MAIN(TestRunProgress)
#include "tst_runprogress.moc"
