#include "metrics/RunSummary.h"
#include "metrics/SeriesStore.h"

#include <QSignalSpy>
#include <QTest>

#include <cmath>

using namespace corral;

namespace {

MetricRecord train(qint64 step, double loss, double time)
{
    MetricRecord r;
    r.kind = MetricRecord::Kind::Train;
    r.step = step;
    r.tokens = double(step) * 4096;
    r.loss = loss;
    r.lr = 1e-3;
    r.gradNorm = 0.5 + double(step) / 100;
    r.tokensPerSecond = 8000 + double(step);
    r.time = time;
    r.elapsedSeconds = double(step) * 2;
    return r;
}

MetricRecord val(qint64 step, double loss, double time)
{
    MetricRecord r;
    r.kind = MetricRecord::Kind::Val;
    r.step = step;
    r.loss = loss;
    r.perplexity = std::exp(loss);
    r.time = time;
    return r;
}

QJsonObject eventObject(const char *kind, qint64 step, double time, QJsonObject extra = {})
{
    extra.insert(QStringLiteral("kind"), QString::fromLatin1(kind));
    extra.insert(QStringLiteral("step"), step);
    extra.insert(QStringLiteral("time"), time);
    return extra;
}

}  // namespace

class TestSeriesStore : public QObject {
    Q_OBJECT
private slots:
    void rowsCarryEveryXVariant()
    {
        RunSeries run;
        run.append(val(0, 5.5, 1000.0));
        run.append(train(1, 5.0, 1002.0));
        run.append(train(2, 4.0, 1004.0));
        run.append(val(2, 4.5, 1005.0));
        QCOMPARE(run.trainCount(), 2);
        QCOMPARE(run.valCount(), 2);
        QCOMPARE(run.pointCount(), 2 * 4 + 2 * 2);

        const SeriesRef loss = run.series(Metric::TrainLoss, XAxis::Tokens);
        QCOMPARE(loss.size(), 2);
        QCOMPARE((*loss.x)[1], 8192.0);
        QCOMPARE((*loss.y)[1], 4.0);
        // Val rows take the tokens of the train row of their step (the record has none).
        const SeriesRef valTokens = run.series(Metric::ValLoss, XAxis::Tokens);
        QCOMPARE((*valTokens.x)[0], 0.0);
        QCOMPARE((*valTokens.x)[1], 8192.0);
        // Wall time counts from the first record, for every metric.
        const SeriesRef wall = run.series(Metric::GradNorm, XAxis::WallTime);
        QCOMPARE((*wall.x)[0] - wall.xOrigin, 2.0);
        const SeriesRef valWall = run.series(Metric::ValLoss, XAxis::WallTime);
        QCOMPARE((*valWall.x)[1] - valWall.xOrigin, 5.0);
        const SeriesRef ppl = run.series(Metric::Perplexity, XAxis::Step);
        QCOMPARE((*ppl.y)[1], std::exp(4.5));
        QCOMPARE((*run.series(Metric::TokensPerSecond, XAxis::Step).y)[0], 8001.0);
        QCOMPARE((*run.series(Metric::LearningRate, XAxis::Step).y)[0], 1e-3);
    }

    void xStaysSortedWhenRecordsLackTimes()
    {
        RunSeries run;
        run.append(train(1, 5.0, 1000.0));
        run.append(train(2, 4.0, MetricRecord::kMissing));  // no time: repeats the previous one
        run.append(train(3, 3.0, 999.0));                    // a clock stepped back: raised
        const SeriesRef wall = run.series(Metric::TrainLoss, XAxis::WallTime);
        QCOMPARE((*wall.x)[1], 1000.0);
        QCOMPARE((*wall.x)[2], 1000.0);
    }

    void eventsArePlacedOnEveryAxis()
    {
        RunSeries run;
        run.append(train(1, 5.0, 1000.0));
        run.append(train(2, 4.0, 1002.0));
        run.appendEvent(eventObject("checkpoint", 2, 1003.0, {{QStringLiteral("path"), QStringLiteral("/r/checkpoints/step-00000002")}}));
        QCOMPARE(run.events().size(), 1);
        const RunEvent &e = run.events().first();
        QCOMPARE(e.kind, RunEvent::Kind::Checkpoint);
        QCOMPARE(run.eventX(e, XAxis::Step), 2.0);
        QCOMPARE(run.eventX(e, XAxis::Tokens), 8192.0);
        QCOMPARE(run.eventX(e, XAxis::WallTime), 3.0);
        QCOMPARE(e.description, QStringLiteral("checkpoint at step 2 (step-00000002)"));
    }

    void aRewrittenFileReplacesThePoints()
    {
        SeriesStore store;
        QSignalSpy changed(&store, &SeriesStore::runChanged);
        const QString id = QStringLiteral("/runs/a");
        store.appendMetrics(id, {train(1, 5, 1), train(2, 4, 2), train(3, 3, 3)});
        store.appendEvents(id, {eventObject("started", 0, 0.5)});
        const quint64 generation = store.run(id)->generation();
        store.appendMetrics(id, {train(1, 5, 1), train(2, 4, 2)}, /*restarted=*/true);
        QCOMPARE(store.run(id)->trainCount(), 2);
        QVERIFY(store.run(id)->generation() != generation);
        QCOMPARE(store.run(id)->events().size(), 1);  // a resume rewinds metrics.jsonl, never events.jsonl
        QCOMPARE(changed.size(), 3);
        QCOMPARE(changed.last().first().toString(), id);
        // events.jsonl itself written anew: its events so far are void, not doubled.
        store.appendEvents(id, {eventObject("checkpoint", 2, 2.5)});
        QCOMPARE(store.run(id)->events().size(), 2);
        store.appendEvents(id, {eventObject("started", 0, 0.5)}, /*restarted=*/true);
        QCOMPARE(store.run(id)->events().size(), 1);
        QCOMPARE(store.run(id)->events().first().kind, RunEvent::Kind::Started);
        QCOMPARE(store.run(id)->trainCount(), 2);  // the points stay
        store.resetRun(id);
        QCOMPARE(store.run(id)->pointCount(), 0);
        QCOMPARE(store.run(id)->events().size(), 0);
        QCOMPARE(store.run(QStringLiteral("/runs/unknown")), nullptr);
    }

    void memoryPerStoredPointIsSmall()
    {
        SeriesStore store;
        const QString id = QStringLiteral("/runs/big");
        QVector<MetricRecord> slice;
        const int steps = 200000;
        for (int step = 1; step <= steps; ++step) {
            slice.push_back(train(step, 3.0 + std::sin(step), 1000.0 + step));
            if (step % 100 == 0)
                slice.push_back(val(step, 3.1, 1000.5 + step));
            if (slice.size() >= 5000) {
                store.appendMetrics(id, slice);
                slice.clear();
            }
        }
        store.appendMetrics(id, slice);
        const qsizetype points = store.pointCount();
        QCOMPARE(points, qsizetype(4) * steps + 2 * (steps / 100));
        const double bytesPerPoint = double(store.bytesHeld()) / double(points);
        qInfo("%.2f bytes per stored point (%lld points, %lld bytes)", bytesPerPoint, qlonglong(points),
              qlonglong(store.bytesHeld()));
        // 7 doubles for 4 metric points of a train row: 14 bytes, plus at most a partial block per column.
        QVERIFY2(bytesPerPoint < 16.0, qPrintable(QString::number(bytesPerPoint)));
        QVERIFY(bytesPerPoint >= 14.0);  // the count is honest: the values themselves are that big
    }

    void aShortRunHoldsLittle()
    {
        RunSeries run;
        for (int step = 1; step <= 40; ++step)
            run.append(train(step, 3.0, 1000.0 + step));
        QVERIFY2(run.bytesHeld() < 8 * 1024, qPrintable(QString::number(run.bytesHeld())));
    }

    void summaryOfARun()
    {
        RunSeries run;
        run.appendEvent(eventObject("started", 0, 999.0, {{QStringLiteral("gpus"), 4}}));
        run.append(val(0, 5.0, 1000.0));
        for (int step = 1; step <= 30; ++step)
            run.append(train(step, 5.0 - step * 0.1, 1000.0 + step * 2));
        run.append(val(10, 4.0, 1021.0));
        run.append(val(20, 3.5, 1041.0));
        run.append(val(30, 3.7, 1061.0));
        run.appendEvent(eventObject("early_stop", 30, 1062.0,
                              {{QStringLiteral("best_step"), 20}, {QStringLiteral("best_val_loss"), 3.5}}));
        run.appendEvent(eventObject("finished", 30, 1063.0));
        const RunSummary s = RunSummary::of(run);
        QCOMPARE(s.bestValLoss, 3.5);
        QCOMPARE(s.bestValStep, 20);
        QCOMPARE(s.finalTrainLoss, 5.0 - 30 * 0.1);
        QCOMPARE(s.finalStep, 30);
        QCOMPARE(s.tokens, 30.0 * 4096);
        QCOMPARE(s.trainingSeconds, 60.0);
        QCOMPARE(s.meanTokensPerSecond, 30.0 * 4096 / 60.0);
        QCOMPARE(s.wallSeconds, 61.0);  // first record (1000) to last (1061)
        QCOMPARE(s.gpus, 4);
        QCOMPARE(s.gpuHours, 4 * 60.0 / 3600.0);
        QVERIFY2(s.earlyStop.contains(QStringLiteral("since step 20")), qPrintable(s.earlyStop));
        QCOMPARE(s.ending, QStringLiteral("finished at step 30"));
    }

    void summaryWithoutGpusSaysSo()
    {
        RunSeries run;
        run.appendEvent(eventObject("started", 0, 999.0, {{QStringLiteral("world_size"), 1}}));
        run.append(train(1, 5.0, 1000.0));
        run.appendEvent(eventObject("preempted", 1, 1001.0, {{QStringLiteral("signal"), QStringLiteral("SIGUSR1")}}));
        const RunSummary s = RunSummary::of(run);
        QCOMPARE(s.gpus, 0);
        QVERIFY(std::isnan(s.gpuHours));
        QVERIFY(s.earlyStop.isEmpty());
        QCOMPARE(s.ending, QStringLiteral("preempted by SIGUSR1 at step 1, checkpoint saved"));
        QVERIFY(std::isnan(s.bestValLoss));
    }
};

QTEST_GUILESS_MAIN(TestSeriesStore)
#include "tst_seriesstore.moc"
