#include "slurm/SinfoParser.h"

#include <QFile>
#include <QTest>

#include <limits>

using namespace corral;

namespace {
QString recorded(const char *name)
{
    QFile f(QStringLiteral(CORRAL_SOURCE_DIR "/tests/data/slurm/") + QLatin1StringView(name));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}
}  // namespace

// What the profile dialog's Connect shows: partitions and GPU types from `sinfo`.
class TestSinfoParser : public QObject {
    Q_OBJECT
private slots:
    void gres_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");  // "type×count;…", "" for none
        QTest::newRow("none") << QStringLiteral("(null)") << QString();
        QTest::newRow("empty") << QString() << QString();
        QTest::newRow("untyped") << QStringLiteral("gpu:2") << QStringLiteral("×2");
        QTest::newRow("bare") << QStringLiteral("gpu") << QStringLiteral("×1");
        QTest::newRow("typed without count") << QStringLiteral("gpu:a100") << QStringLiteral("a100×1");
        QTest::newRow("typed with sockets") << QStringLiteral("gpu:a100:4(S:0-1)") << QStringLiteral("a100×4");
        QTest::newRow("comma inside parentheses") << QStringLiteral("gpu:4(S:0,1),mps:100") << QStringLiteral("×4");
        QTest::newRow("two kinds") << QStringLiteral("gpu:h100:8(IDX:0-7),gpu:a100:2")
                                   << QStringLiteral("h100×8;a100×2");
        QTest::newRow("other gres only") << QStringLiteral("mps:400,shard:8") << QString();
        QTest::newRow("bad count skipped") << QStringLiteral("gpu:x:y,gpu:t4:1") << QStringLiteral("t4×1");
        QTest::newRow("zero dropped") << QStringLiteral("gpu:0") << QString();
    }
    void gres()
    {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        QStringList got;
        for (const GpuCount &g : parseGres(field))
            got << QStringLiteral("%1×%2").arg(g.type).arg(g.perNode);
        QCOMPARE(got.join(QLatin1Char(';')), expected);
    }

    void theFixturesOutput()
    {
        const ClusterInfo info = parseSinfo(recorded("sinfo-fixture.txt"));
        QCOMPARE(info.partitions.size(), 1);
        const PartitionInfo &p = info.partitions.first();
        QCOMPARE(p.name, QStringLiteral("debug"));
        QVERIFY(p.isDefault);
        QCOMPARE(p.availability, QStringLiteral("up"));
        QCOMPARE(p.nodes, 1);
        QCOMPARE(p.states, QStringList{QStringLiteral("idle")});
        QCOMPARE(p.gpus, (QList<GpuCount>{{QString(), 2}}));
        QCOMPARE(p.gpuSummary(), QStringLiteral("gpu ×2"));
        QCOMPARE(p.timeLimit, QStringLiteral("infinite"));
        QCOMPARE(p.cpusPerNode, 4);
        QCOMPARE(p.memoryPerNodeMb, 8000);
        QCOMPARE(info.defaultPartition(), QStringLiteral("debug"));
        QCOMPARE(info.gpuTypes(), QStringList{QStringLiteral("gpu")});
    }

    void aLargerClusterMergesLinesPerPartition()
    {
        const ClusterInfo info = parseSinfo(recorded("sinfo-gpu-cluster.txt"));
        QStringList names;
        for (const PartitionInfo &p : info.partitions)
            names << p.name;
        QCOMPARE(names, (QStringList{QStringLiteral("cpu"), QStringLiteral("gpu"), QStringLiteral("debug"), QStringLiteral("dev")}));
        const PartitionInfo &cpu = info.partitions[0];
        QVERIFY(cpu.isDefault);
        QCOMPARE(cpu.nodes, 55);
        QCOMPARE(cpu.states, (QStringList{QStringLiteral("idle"), QStringLiteral("mix"), QStringLiteral("drain*")}));
        QVERIFY(cpu.gpus.isEmpty());
        QCOMPARE(cpu.gpuSummary(), QStringLiteral("none"));
        QCOMPARE(cpu.timeLimit, QStringLiteral("2-00:00:00"));
        const PartitionInfo &gpu = info.partitions[1];
        QVERIFY(!gpu.isDefault);
        QCOMPARE(gpu.nodes, 14);
        QCOMPARE(gpu.gpuSummary(), QStringLiteral("a100 ×4, v100 ×2"));
        QCOMPARE(gpu.cpusPerNode, 64);
        QCOMPARE(gpu.memoryPerNodeMb, 515000);
        QCOMPARE(info.partitions[2].gpuSummary(), QStringLiteral("gpu ×1"));
        QCOMPARE(info.partitions[3].availability, QStringLiteral("inact"));
        QCOMPARE(info.partitions[3].gpuSummary(), QStringLiteral("tesla_t4 ×1"));
        QCOMPARE(info.defaultPartition(), QStringLiteral("cpu"));
        QCOMPARE(info.gpuTypes(), (QStringList{QStringLiteral("a100"), QStringLiteral("gpu"), QStringLiteral("tesla_t4"),
                                               QStringLiteral("v100")}));
    }

    void nothingReadable()
    {
        QVERIFY(parseSinfo(QString()).partitions.isEmpty());
        QVERIFY(parseSinfo(QStringLiteral("sinfo: error: Unable to contact slurm controller\n")).partitions.isEmpty());
        QVERIFY(parseSinfo(QStringLiteral("gpu|up|many|idle|gpu:2|infinite|4|8000\n")).partitions.isEmpty());
    }

    // Found by fuzzing (tests/fuzz, fuzz_slurm): "*" alone made a partition named "", a node
    // count of -3 was added as it was, and counts past INT_MAX overflowed (undefined behaviour).
    void countsAndNamesThatCannotBe()
    {
        QVERIFY(parseSinfo(QStringLiteral("*|up|2|idle|gpu:2|infinite|4|8000\n")).partitions.isEmpty());
        QVERIFY(parseSinfo(QStringLiteral("gpu|up|-3|idle|gpu:2|infinite|4|8000\n")).partitions.isEmpty());
        const ClusterInfo huge = parseSinfo(QStringLiteral("big|up|2147483647|idle|gpu:a100:2147483647K|infinite|2147483647K|8000\n"
                                                           "big|up|2147483647|mix|(null)|infinite|4|8000\n"));
        QCOMPARE(huge.partitions.size(), 1);
        QCOMPARE(huge.partitions[0].nodes, std::numeric_limits<int>::max());
        QCOMPARE(huge.partitions[0].cpusPerNode, 4);  // 2147483647K is no count
        QVERIFY(huge.partitions[0].gpus.isEmpty());
        QCOMPARE(parseGres(QStringLiteral("gpu:2097151K")), (QList<GpuCount>{{QString(), 2097151 * 1024}}));
    }

    void theCommandAsksForWhatTheParserReads()
    {
        const QStringList argv = sinfoCommand();
        QCOMPARE(argv.first(), QStringLiteral("sinfo"));
        QVERIFY(argv.contains(QStringLiteral("-h")));
        QCOMPARE(argv.last().count(QLatin1Char('|')), 7);  // eight fields, as parseSinfo expects
    }
};

QTEST_GUILESS_MAIN(TestSinfoParser)
#include "tst_sinfoparser.moc"
