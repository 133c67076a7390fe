#include "metrics/JsonlTailer.h"
#include "metrics/MetricRecord.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using corral::JsonlTailer;
using corral::MetricRecord;

class TestJsonlTailer : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    static void append(const QString &path, const QByteArray &bytes)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        QCOMPARE(f.write(bytes), bytes.size());
    }
    static QByteArray trainLine(int step)
    {
        return QByteArrayLiteral("{\"kind\":\"train\",\"step\":") + QByteArray::number(step)
            + QByteArrayLiteral(",\"loss\":") + QByteArray::number(5.0 - step * 0.1) + QByteArrayLiteral("}\n");
    }
    static QList<qint64> steps(const corral::JsonlBatch &batch)
    {
        QList<qint64> out;
        for (const auto &o : batch.objects)
            out << MetricRecord::fromJson(o)->step;
        return out;
    }

private slots:
    void missingFileIsAnEmptyBatch()
    {
        JsonlTailer tailer(path("absent.jsonl"));
        const auto batch = tailer.poll();
        QVERIFY(batch.objects.isEmpty());
        QVERIFY(!batch.restarted);
    }

    void eachRecordExactlyOnceWhileTheFileGrows()
    {
        const QString p = path("grow.jsonl");
        JsonlTailer tailer(p);
        append(p, trainLine(1) + trainLine(2) + trainLine(3));
        QCOMPARE(steps(tailer.poll()), (QList<qint64>{1, 2, 3}));
        QCOMPARE(steps(tailer.poll()), QList<qint64>{});
        append(p, trainLine(4));
        append(p, trainLine(5));
        QCOMPARE(steps(tailer.poll()), (QList<qint64>{4, 5}));
        QCOMPARE(tailer.linesRead(), 5);
    }

    void aLineWrittenInTwoHalvesIsWaitedFor()
    {
        const QString p = path("halves.jsonl");
        JsonlTailer tailer(p);
        const QByteArray line = QByteArrayLiteral("{\"kind\":\"val\",\"step\":20,\"loss\":2.25,\"ppl\":9.49}\n");
        const int cut = 17;  // inside the object: the half is not valid JSON
        append(p, trainLine(19) + line.left(cut));
        QCOMPARE(steps(tailer.poll()), QList<qint64>{19});
        QCOMPARE(steps(tailer.poll()), QList<qint64>{});  // still waiting for the newline
        append(p, line.mid(cut));
        const auto batch = tailer.poll();
        QCOMPARE(batch.malformedLines, 0);
        QCOMPARE(batch.objects.size(), 1);
        const auto record = MetricRecord::fromJson(batch.objects.first());
        QVERIFY(record.has_value());
        QCOMPARE(record->kind, MetricRecord::Kind::Val);
        QCOMPARE(record->step, 20);
        QCOMPARE(record->loss, 2.25);
        QCOMPARE(record->perplexity, 9.49);
    }

    void aTruncatedFileIsReadAgainFromTheStart()
    {
        const QString p = path("trunc.jsonl");
        JsonlTailer tailer(p);
        append(p, trainLine(1) + trainLine(2) + trainLine(3));
        QCOMPARE(tailer.poll().objects.size(), 3);
        QFile f(p);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(trainLine(1));
        f.close();
        const auto batch = tailer.poll();
        QVERIFY(batch.restarted);
        QCOMPARE(steps(batch), QList<qint64>{1});
    }

    void aReplacedFileIsReadAgainFromTheStart()
    {
        const QString p = path("replace.jsonl");
        JsonlTailer tailer(p);
        append(p, trainLine(1));
        QCOMPARE(tailer.poll().objects.size(), 1);
        const QString other = path("replace.jsonl.new");
        append(other, trainLine(7) + trainLine(8));  // longer than the old file: only the inode tells
        QVERIFY(QFile::remove(p));
        QVERIFY(QFile::rename(other, p));
        const auto batch = tailer.poll();
        QVERIFY(batch.restarted);
        QCOMPARE(steps(batch), (QList<qint64>{7, 8}));
    }

    void malformedLinesAreCountedWithFileAndLineNotFatal()
    {
        const QString p = path("bad.jsonl");
        JsonlTailer tailer(p);
        append(p, trainLine(1) + QByteArrayLiteral("not json\n[1,2]\n\n") + trainLine(2));
        const auto batch = tailer.poll();
        QCOMPARE(steps(batch), (QList<qint64>{1, 2}));
        QCOMPARE(batch.malformedLines, 2);
        QCOMPARE(batch.problems.size(), 2);
        QVERIFY2(batch.problems[0].startsWith(QStringLiteral("bad.jsonl:2: ")), qPrintable(batch.problems[0]));
        QCOMPARE(batch.problems[1], QStringLiteral("bad.jsonl:3: not a JSON object"));
    }

    void recordsIgnoreUnknownKeysAndRejectNonRecords()
    {
        QJsonObject o{{QStringLiteral("kind"), QStringLiteral("train")},
                      {QStringLiteral("step"), 3},
                      {QStringLiteral("loss"), 1.5},
                      {QStringLiteral("future_field"), QStringLiteral("x")}};
        const auto r = MetricRecord::fromJson(o);
        QVERIFY(r.has_value());
        QCOMPARE(r->loss, 1.5);
        QVERIFY(std::isnan(r->lr));
        QVERIFY(!MetricRecord::fromJson(QJsonObject{{QStringLiteral("step"), 3}}).has_value());
        QVERIFY(!MetricRecord::fromJson(QJsonObject{{QStringLiteral("kind"), QStringLiteral("train")},
                                                    {QStringLiteral("step"), 2.5}})
                     .has_value());
    }
};

QTEST_GUILESS_MAIN(TestJsonlTailer)
#include "tst_jsonltailer.moc"
