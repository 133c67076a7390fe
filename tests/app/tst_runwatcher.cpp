#include "metrics/JsonlTailer.h"
#include "metrics/RunWatcher.h"

#include <QFile>
#include <QJsonObject>
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
        collectSteps(watcher, steps);
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
        QCOMPARE(events.size(), 1);
        QCOMPARE(watcher.malformedLines(), 0);
    }

    // Reading and parsing happen on the watcher's thread: with this (GUI) thread asleep and its
    // event loop still, every line is read, and the records wait in its queue until it runs.
    void readsAndParsesWhileTheGuiThreadIsBusy()
    {
        QTemporaryDir dir;
        QVERIFY(write(dir.filePath(QStringLiteral("metrics.jsonl")), trainLines(1, 100)));
        RunWatcher watcher(dir.path(), 10);
        QSignalSpy metrics(&watcher, &RunWatcher::metricsArrived);
        watcher.start();
        for (int i = 0; i < 200 && watcher.linesRead() < 100; ++i)
            QThread::msleep(25);  // no event processing here
        QCOMPARE(watcher.linesRead(), qint64(100));
        QCOMPARE(metrics.size(), 0);  // parsed over there, not delivered yet
        QTRY_COMPARE(metrics.size(), 1);
        QCOMPARE(metrics.at(0).at(0).value<QVector<MetricRecord>>().size(), 100);
    }

    // Locally the files are watched: a line is read at once, not at the next timer tick (an
    // hour away here), also when the file appears only after the watcher started.
    void aWrittenLineIsReadAtOnceByWatchingTheFile()
    {
        QTemporaryDir dir;
        RunWatcher watcher(dir.path(), 3600 * 1000);
        QList<qint64> steps;
        collectSteps(watcher, steps);
        watcher.start();
        QTest::qWait(50);
        const QString path = dir.filePath(QStringLiteral("metrics.jsonl"));
        QVERIFY(write(path, trainLines(1, 1)));
        QTRY_COMPARE_WITH_TIMEOUT(steps, QList<qint64>{1}, 5000);
        QVERIFY(write(path, trainLines(2, 3)));
        QTRY_COMPARE_WITH_TIMEOUT(steps, (QList<qint64>{1, 2, 3}), 5000);
    }

    // A line that is no record is counted and reported with file:line; the others go on.
    void malformedLinesAreCountedAndReportedNeverFatal()
    {
        QTemporaryDir dir;
        QVERIFY(write(dir.filePath(QStringLiteral("metrics.jsonl")),
                      trainLines(1, 1) + "{\"kind\":\"train\",\"step\n[1,2]\n" + trainLines(4, 4)));
        QVERIFY(write(dir.filePath(QStringLiteral("events.jsonl")), "not json\n{\"kind\":\"finished\",\"step\":4}\n"));
        RunWatcher watcher(dir.path(), 10);
        QList<qint64> steps;
        collectSteps(watcher, steps);
        QSignalSpy events(&watcher, &RunWatcher::eventsArrived);
        QSignalSpy problems(&watcher, &RunWatcher::problemsFound);
        QSignalSpy drained(&watcher, &RunWatcher::drained);
        watcher.start();
        watcher.drain();
        QVERIFY(drained.wait(5000));
        QCOMPARE(steps, (QList<qint64>{1, 4}));
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.at(0).at(0).value<QVector<QJsonObject>>().size(), 1);
        QCOMPARE(watcher.malformedLines(), 3);
        QStringList said;
        for (const auto &call : problems)
            said += call.at(0).toStringList();
        QCOMPARE(said.size(), 3);
        QVERIFY2(said.at(0).startsWith(QStringLiteral("metrics.jsonl:2: ")), qPrintable(said.join(u'|')));
        QVERIFY2(said.at(1).startsWith(QStringLiteral("metrics.jsonl:3: ")), qPrintable(said.join(u'|')));
        QVERIFY2(said.at(2).startsWith(QStringLiteral("events.jsonl:1: ")), qPrintable(said.join(u'|')));
        QCOMPARE(corral::summarizeProblems(said, 2), said.at(0) + QStringLiteral("; ") + said.at(1)
                                                         + QStringLiteral("; and 1 more malformed lines"));
    }

    // events.jsonl written anew (a run started over in the same folder): the events before are
    // void, and the watcher says so instead of delivering duplicates.
    void aRewrittenEventsFileSaysItRestarted()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("events.jsonl"));
        QVERIFY(write(path, "{\"kind\":\"started\"}\n{\"kind\":\"checkpoint\",\"step\":2}\n"));
        RunWatcher watcher(dir.path(), 10);
        QSignalSpy events(&watcher, &RunWatcher::eventsArrived);
        QSignalSpy drained(&watcher, &RunWatcher::drained);
        watcher.start();
        watcher.drain();
        QVERIFY(drained.wait(5000));
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.at(0).at(1).toBool(), false);
        QVERIFY(QFile::remove(path));
        QVERIFY(write(path, "{\"kind\":\"started\"}\n"));
        watcher.drain();
        QVERIFY(drained.wait(5000));
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(1).at(0).value<QVector<QJsonObject>>().size(), 1);
        QCOMPARE(events.at(1).at(1).toBool(), true);
    }

private:
    // The steps of the records `watcher` delivers, in order, into `steps`.
    void collectSteps(RunWatcher &watcher, QList<qint64> &steps)
    {
        connect(&watcher, &RunWatcher::metricsArrived, this, [&steps](const QVector<MetricRecord> &records, bool) {
            for (const auto &r : records)
                steps << r.step;
        });
    }
    static QByteArray trainLines(int from, int to)
    {
        QByteArray out;
        for (int step = from; step <= to; ++step)
            out += QByteArrayLiteral("{\"kind\":\"train\",\"step\":") + QByteArray::number(step)
                + QByteArrayLiteral(",\"loss\":1.0}\n");
        return out;
    }
    static bool write(const QString &path, const QByteArray &bytes)
    {
        QFile file(path);
        return file.open(QIODevice::WriteOnly | QIODevice::Append) && file.write(bytes) == bytes.size();
    }
};

QTEST_GUILESS_MAIN(TestRunWatcher)
#include "tst_runwatcher.moc"
