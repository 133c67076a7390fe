#include "runs/FileTail.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace corral;

// The tail the Logs tab follows job output with (here on local files; tst_gui_cluster reads the
// same way over SFTP from the real sshd).
class TestFileTail : public QObject {
    Q_OBJECT

    static void write(const QString &path, const QByteArray &bytes, QIODevice::OpenMode mode)
    {
        QFile f(path);
        QVERIFY(f.open(mode));
        QCOMPARE(f.write(bytes), bytes.size());
    }

private slots:
    void followsAGrowingFileFromItsLastOffset()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("trainer.err"));
        FileTail tail(localChunkReader(), path, 20);
        QByteArray seen;
        connect(&tail, &FileTail::appended, this, [&](const QByteArray &bytes) { seen += bytes; });
        QSignalSpy failed(&tail, &FileTail::readFailed);
        tail.start();
        QTest::qWait(60);
        QVERIFY(seen.isEmpty());  // not there yet: nothing, and no error
        QVERIFY(failed.isEmpty());

        write(path, "step 1\n", QIODevice::WriteOnly);
        QTRY_COMPARE(seen, QByteArray("step 1\n"));
        write(path, "step 2\nstep", QIODevice::Append);
        QTRY_COMPARE(seen, QByteArray("step 1\nstep 2\nstep"));
        write(path, " 3\n", QIODevice::Append);
        QTRY_COMPARE(seen, QByteArray("step 1\nstep 2\nstep 3\n"));  // each byte once
        QCOMPARE(tail.offset(), seen.size());
    }

    void aShorterFileIsReadAgainFromTheStart()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("log"));
        write(path, "old line one\nold line two\n", QIODevice::WriteOnly);
        FileTail tail(localChunkReader(), path, 20);
        QByteArray seen;
        connect(&tail, &FileTail::appended, this, [&](const QByteArray &bytes) { seen += bytes; });
        connect(&tail, &FileTail::restarted, this, [&] { seen.clear(); });
        QSignalSpy restarted(&tail, &FileTail::restarted);
        tail.start();
        QTRY_COMPARE(seen, QByteArray("old line one\nold line two\n"));
        write(path, "new\n", QIODevice::WriteOnly | QIODevice::Truncate);
        QTRY_COMPARE(restarted.size(), 1);
        QTRY_COMPARE(seen, QByteArray("new\n"));
    }

    void aLargeFileArrivesWholeInChunks()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big"));
        QByteArray data;
        for (int i = 0; data.size() < 3 * FileTail::kChunkBytes + 123; ++i)
            data += "line " + QByteArray::number(i) + '\n';
        write(path, data, QIODevice::WriteOnly);
        FileTail tail(localChunkReader(), path, 60000);  // no timer help: it reads on by itself
        QByteArray seen;
        int chunks = 0;
        connect(&tail, &FileTail::appended, this, [&](const QByteArray &bytes) {
            seen += bytes;
            ++chunks;
        });
        tail.start();
        QTRY_COMPARE(seen.size(), data.size());
        QCOMPARE(seen, data);
        QCOMPARE(chunks, 4);
    }

    void finishReadsToTheEndAndStops()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("done"));
        write(path, "all of it\n", QIODevice::WriteOnly);
        FileTail tail(localChunkReader(), path, 20);
        QByteArray seen;
        connect(&tail, &FileTail::appended, this, [&](const QByteArray &bytes) { seen += bytes; });
        QSignalSpy finished(&tail, &FileTail::finished);
        tail.finish();
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(seen, QByteArray("all of it\n"));
        QVERIFY(!tail.isFollowing());
        write(path, "later\n", QIODevice::Append);
        QTest::qWait(80);
        QCOMPARE(seen, QByteArray("all of it\n"));  // stopped: no more reads
    }
};

QTEST_GUILESS_MAIN(TestFileTail)
#include "tst_filetail.moc"
