// RemoteFileTail's rules on real files: the reader below keeps a QFile open between calls as
// an SFTP handle is kept (so, like one, it goes on reading the old file after a rename), and
// asks the path for its size as SFTP's stat does. The same tail runs over SFTP in
// tst_remote_tail against the real sshd.
#include "metrics/RemoteFileTail.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <memory>

using namespace corral;

namespace {

class KeptFileReader : public TailFileReader {
public:
    int requests = 0;
    int failNext = 0;  // the next N requests fail as a dropped connection would

    Result<QByteArray> readKept(const QString &path, qint64 offset, qint64 maxBytes) override
    {
        if (auto st = maybeFail(); !st)
            return st.error();
        auto &file = m_kept[path];
        if (!file) {
            ++requests;  // the open
            file = std::make_unique<QFile>(path);
            if (!file->open(QIODevice::ReadOnly)) {
                m_kept.erase(path);
                return makeError(ErrorCode::NotFound, "no such file", path.toStdString());
            }
        }
        ++requests;
        file->seek(offset);
        return file->read(maxBytes);
    }
    Result<qint64> sizeOf(const QString &path) override
    {
        if (auto st = maybeFail(); !st)
            return st.error();
        ++requests;
        const QFileInfo info(path);
        if (!info.exists())
            return makeError(ErrorCode::NotFound, "no such file", path.toStdString());
        return info.size();
    }
    void forget(const QString &path) override { m_kept.erase(path); }

private:
    Status maybeFail()
    {
        if (failNext <= 0)
            return okStatus();
        --failNext;
        return makeError(ErrorCode::Io, "connection lost", "test");
    }
    std::map<QString, std::unique_ptr<QFile>> m_kept;
};

QByteArray line(int step)
{
    return QByteArrayLiteral("{\"kind\":\"train\",\"step\":") + QByteArray::number(step)
        + QByteArrayLiteral(",\"loss\":2.5,\"time\":1700000000.25}\n");
}

QByteArray lines(int from, int to)
{
    QByteArray out;
    for (int step = from; step <= to; ++step)
        out += line(step);
    return out;
}

struct Collected {
    QList<QByteArray> lines;
    QList<qint64> numbers;
    int restarts = 0;
};

}  // namespace

class TestRemoteFileTail : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_counter = 0;

    QString freshPath() { return m_dir.filePath(QStringLiteral("metrics-%1.jsonl").arg(++m_counter)); }
    static void write(const QString &path, const QByteArray &bytes, QIODevice::OpenMode mode = QIODevice::Append)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | mode));
        QCOMPARE(f.write(bytes), bytes.size());
    }
    static Result<TailStep> poll(RemoteFileTail &tail, KeptFileReader &reader, Collected &out, qint64 max = 1 << 20)
    {
        return tail.poll(
            reader, max,
            [&](QByteArrayView l, qint64 n) {
                out.lines << l.toByteArray();
                out.numbers << n;
            },
            [&] {
                ++out.restarts;
                out.lines.clear();
                out.numbers.clear();
            });
    }
    static QList<QByteArray> expected(int from, int to)
    {
        QList<QByteArray> out;
        for (int step = from; step <= to; ++step)
            out << line(step).chopped(1);
        return out;
    }

private slots:
    void aGrowingFileGivesEachLineOnceAndAPartialLineWaits()
    {
        const QString path = freshPath();
        RemoteFileTail tail(path);
        KeptFileReader reader;
        Collected got;
        QVERIFY(poll(tail, reader, got).ok());  // not there yet: nothing, no error
        QVERIFY(got.lines.isEmpty());

        write(path, lines(1, 3) + line(4).left(10));
        QVERIFY(poll(tail, reader, got).ok());
        QCOMPARE(got.lines, expected(1, 3));
        write(path, line(4).mid(10));
        QVERIFY(poll(tail, reader, got).ok());
        QVERIFY(poll(tail, reader, got).ok());
        QCOMPARE(got.lines, expected(1, 4));
        QCOMPARE(got.numbers, (QList<qint64>{1, 2, 3, 4}));
        QCOMPARE(tail.offset(), QFileInfo(path).size());
        QCOMPARE(got.restarts, 0);
    }

    void aSteadyStatePollIsOneRequest()
    {
        const QString path = freshPath();
        write(path, lines(1, 2));
        RemoteFileTail tail(path);
        KeptFileReader reader;
        Collected got;
        QVERIFY(poll(tail, reader, got).ok());  // open + read
        QCOMPARE(reader.requests, 2);
        for (int step = 3; step <= 12; ++step) {  // growing: one read per poll
            write(path, line(step));
            reader.requests = 0;
            QVERIFY(poll(tail, reader, got).ok());
            QCOMPARE(reader.requests, 1);
        }
        reader.requests = 0;
        QVERIFY(poll(tail, reader, got).ok());  // a read finds nothing new
        QCOMPARE(reader.requests, 1);
        for (int i = 0; i < 10; ++i) {  // idle: one size request per poll
            reader.requests = 0;
            QVERIFY(poll(tail, reader, got).ok());
            QCOMPARE(reader.requests, 1);
        }
        write(path, line(13));  // growth after idling: the size, then the read
        reader.requests = 0;
        QVERIFY(poll(tail, reader, got).ok());
        QCOMPARE(reader.requests, 2);
        QCOMPARE(got.lines, expected(1, 13));
    }

    void aFileTruncatedInPlaceIsReadAgainFromTheStart()
    {
        const QString path = freshPath();
        write(path, lines(1, 10));
        RemoteFileTail tail(path);
        KeptFileReader reader;
        Collected got;
        QVERIFY(poll(tail, reader, got).ok());
        QCOMPARE(got.lines.size(), 10);
        write(path, lines(1, 4), QIODevice::Truncate);  // shrinks, same file
        auto step = poll(tail, reader, got);
        QVERIFY(step.ok());
        QVERIFY(step.value().restarted);
        QCOMPARE(got.restarts, 1);
        QCOMPARE(got.lines, expected(1, 4));
        QCOMPARE(got.numbers.first(), qint64(1));
        write(path, lines(5, 6));
        QVERIFY(poll(tail, reader, got).ok());
        QCOMPARE(got.lines, expected(1, 6));
    }

    void aFileRewrittenInPlaceToALargerSizeIsNoticedByItsBytes()
    {
        const QString path = freshPath();
        write(path, lines(1, 5));
        RemoteFileTail tail(path);
        KeptFileReader reader;
        Collected got;
        QVERIFY(poll(tail, reader, got).ok());
        // Truncated and refilled between two polls, longer than before: the size alone cannot tell.
        QByteArray other;
        for (int step = 101; step <= 120; ++step)
            other += line(step);
        write(path, other, QIODevice::Truncate);
        QVERIFY(poll(tail, reader, got).ok());
        QCOMPARE(got.restarts, 1);
        QCOMPARE(got.lines, expected(101, 120));
    }

    void aFileReplacedByRenameIsReadFromTheNewFile()
    {
        const QString path = freshPath();
        write(path, lines(1, 8));
        RemoteFileTail tail(path);
        KeptFileReader reader;
        Collected got;
        QVERIFY(poll(tail, reader, got).ok());
        QVERIFY(poll(tail, reader, got).ok());  // idle now: the kept handle holds the old file

        // A resume rewinds to step 5 and writes on: temp file + rename, as corral-train does.
        const QString temporary = path + QStringLiteral(".tmp");
        write(temporary, lines(1, 5) + QByteArrayLiteral("{\"kind\":\"train\",\"step\":6,\"loss\":1.0,\"time\":1700000999}\n")
                             + lines(7, 30));
        QVERIFY(QFile::remove(path));
        QVERIFY(QFile::rename(temporary, path));
        for (int i = 0; i < 3; ++i)
            QVERIFY(poll(tail, reader, got).ok());
        QCOMPARE(got.restarts, 1);
        QCOMPARE(got.lines.size(), 30);
        QCOMPARE(got.lines.first(), line(1).chopped(1));
        QVERIFY(got.lines.at(5).contains("1700000999"));
    }

    void aReplacementThatContinuesTheSameBytesIsNotARestart()
    {
        const QString path = freshPath();
        write(path, lines(1, 8));
        RemoteFileTail tail(path);
        KeptFileReader reader;
        Collected got;
        QVERIFY(poll(tail, reader, got).ok());
        QVERIFY(poll(tail, reader, got).ok());
        // The rewrite kept every line the tail had read (a resume from a later step): reading
        // on from the offset is exact, nothing to drop.
        const QString temporary = path + QStringLiteral(".tmp");
        write(temporary, lines(1, 12));
        QVERIFY(QFile::remove(path));
        QVERIFY(QFile::rename(temporary, path));
        for (int i = 0; i < 3; ++i)
            QVERIFY(poll(tail, reader, got).ok());
        QCOMPARE(got.restarts, 0);
        QCOMPARE(got.lines, expected(1, 12));
    }

    void aRemovedFileStartsOverWhenItComesBack()
    {
        const QString path = freshPath();
        write(path, lines(1, 3));
        RemoteFileTail tail(path);
        KeptFileReader reader;
        Collected got;
        QVERIFY(poll(tail, reader, got).ok());
        QVERIFY(poll(tail, reader, got).ok());
        QVERIFY(QFile::remove(path));
        QVERIFY(poll(tail, reader, got).ok());
        QCOMPARE(got.restarts, 1);
        QVERIFY(got.lines.isEmpty());
        write(path, lines(1, 2));
        QVERIFY(poll(tail, reader, got).ok());
        QCOMPARE(got.lines, expected(1, 2));
    }

    void aFailedRequestChangesNothing()
    {
        const QString path = freshPath();
        write(path, lines(1, 4));
        RemoteFileTail tail(path);
        KeptFileReader reader;
        Collected got;
        QVERIFY(poll(tail, reader, got).ok());
        QByteArray content = lines(1, 4);
        for (int step = 5; step <= 40; ++step) {
            write(path, line(step).left(7));
            reader.failNext = step % 3;  // 0, 1 or 2 polls fail before one gets through
            while (!poll(tail, reader, got).ok()) {
            }
            write(path, line(step).mid(7));
            content += line(step);
            if (step % 5 == 0) {  // rewritten with other bytes, and a failure mid-way
                content.replace("2.5", "9.5");
                write(path, content, QIODevice::Truncate);
                reader.failNext = 1;
                QVERIFY(!poll(tail, reader, got).ok());
            }
            while (!poll(tail, reader, got).ok()) {
            }
        }
        QList<QByteArray> want = content.split('\n');
        want.removeLast();
        QCOMPARE(got.lines, want);
        QCOMPARE(got.restarts, 8);
    }

    void aBacklogComesInSlices()
    {
        const QString path = freshPath();
        write(path, lines(1, 2000));
        RemoteFileTail tail(path);
        KeptFileReader reader;
        Collected got;
        int polls = 0;
        for (;;) {
            const auto step = poll(tail, reader, got, 4096);
            QVERIFY(step.ok());
            ++polls;
            QVERIFY(step.value().newBytes <= 4096);
            if (!step.value().more)
                break;
        }
        QCOMPARE(got.lines, expected(1, 2000));
        QVERIFY(polls > 10);
    }
};

QTEST_GUILESS_MAIN(TestRemoteFileTail)
#include "tst_remotefiletail.moc"
