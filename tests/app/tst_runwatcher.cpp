#include "metrics/RunWatcher.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using corral::MetricRecord;
using corral::RunWatcher;

// The watcher reads on its own thread and delivers on ours, in order, each record once.
class TestRunWatcher : public QObject {
    Q_OBJECT
private slots:
    void deliversRecordsAcrossThreadsExactlyOnce()
    {
        QTemporaryDir dir;
        RunWatcher watcher(dir.path(), 10);
        QList<qint64> steps;
        QList<Qt::HANDLE> threads;
        connect(&watcher, &RunWatcher::metricsArrived, this, [&](const QVector<MetricRecord> &records, bool) {
            threads << QThread::currentThreadId();
            for (const auto &r : records)
                steps << r.step;
        });
        QSignalSpy events(&watcher, &RunWatcher::eventsArrived);
        QSignalSpy drained(&watcher, &RunWatcher::drained);
        watcher.start();

        QFile metrics(dir.filePath(QStringLiteral("metrics.jsonl")));
        QVERIFY(metrics.open(QIODevice::WriteOnly));
        for (int step = 1; step <= 50; ++step) {
            const QByteArray line = QByteArrayLiteral("{\"kind\":\"train\",\"step\":") + QByteArray::number(step)
                + QByteArrayLiteral(",\"loss\":1.0}\n");
            // Half a line, a pause long enough for a poll, then the rest.
            metrics.write(line.left(10));
            metrics.flush();
            if (step % 10 == 0)
                QTest::qWait(25);
            metrics.write(line.mid(10));
            metrics.flush();
        }
        QFile eventsFile(dir.filePath(QStringLiteral("events.jsonl")));
        QVERIFY(eventsFile.open(QIODevice::WriteOnly));
        eventsFile.write("{\"kind\":\"finished\",\"step\":50}\n");
        eventsFile.flush();

        watcher.drain();
        QVERIFY(drained.wait(5000));
        QList<qint64> expected;
        for (int step = 1; step <= 50; ++step)
            expected << step;
        QCOMPARE(steps, expected);
        for (const auto thread : threads)
            QCOMPARE(thread, QThread::currentThreadId());
        QCOMPARE(events.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRunWatcher)
#include "tst_runwatcher.moc"
