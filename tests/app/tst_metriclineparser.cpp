#include "metrics/MetricLineParser.h"
#include "metrics/MetricTailer.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>

using namespace corral;

// The fast path of the metric parser must mean exactly what the full JSON parser means on
// every line it decides; everything else it must leave to the full parser.
namespace {

bool sameDouble(double a, double b)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return std::memcmp(&a, &b, sizeof a) == 0;  // bit for bit: +0 and -0 differ
}

QString describe(const ParsedMetricLine &p)
{
    const MetricRecord &r = p.record;
    return QStringLiteral("outcome %1 kind %2 step %3 epoch %4 tokens %5 loss %6 lr %7 grad %8 tps %9 ppl %10 "
                          "time %11 elapsed %12")
        .arg(int(p.outcome))
        .arg(int(r.kind))
        .arg(r.step)
        .arg(r.epoch, 0, 'g', 17)
        .arg(r.tokens, 0, 'g', 17)
        .arg(r.loss, 0, 'g', 17)
        .arg(r.lr, 0, 'g', 17)
        .arg(r.gradNorm, 0, 'g', 17)
        .arg(r.tokensPerSecond, 0, 'g', 17)
        .arg(r.perplexity, 0, 'g', 17)
        .arg(r.time, 0, 'g', 17)
        .arg(r.elapsedSeconds, 0, 'g', 17);
}

bool agree(const ParsedMetricLine &a, const ParsedMetricLine &b)
{
    if (a.outcome != b.outcome)
        return false;
    if (a.outcome != ParsedMetricLine::Outcome::Record)
        return true;
    const MetricRecord &x = a.record, &y = b.record;
    return x.kind == y.kind && x.step == y.step && sameDouble(x.epoch, y.epoch) && sameDouble(x.tokens, y.tokens)
        && sameDouble(x.loss, y.loss) && sameDouble(x.lr, y.lr) && sameDouble(x.gradNorm, y.gradNorm)
        && sameDouble(x.tokensPerSecond, y.tokensPerSecond) && sameDouble(x.perplexity, y.perplexity)
        && sameDouble(x.time, y.time) && sameDouble(x.elapsedSeconds, y.elapsedSeconds);
}

// Checks one line; returns whether the fast path decided it.
bool check(const QByteArray &line)
{
    const ParsedMetricLine full = parseMetricLineFull(line);
    ParsedMetricLine fast;
    const bool decided = parseMetricLineFast(line, &fast);
    if (decided && !agree(fast, full)) {
        qWarning("line: %s\n fast: %s\n full: %s", line.constData(), qPrintable(describe(fast)),
                 qPrintable(describe(full)));
        return false;
    }
    const ParsedMetricLine combined = parseMetricLine(line);
    if (!agree(combined, full)) {
        qWarning("combined parse differs on %s", line.constData());
        return false;
    }
    return decided;
}

// A number as text in one of JSON's spellings (and, now and then, a spelling JSON forbids).
QByteArray randomNumber(QRandomGenerator &rng)
{
    switch (rng.bounded(12)) {
    case 0: return QByteArray::number(rng.bounded(1000000));
    case 1: return QByteArray::number(-qint64(rng.bounded(1000)));
    case 2: return QByteArray::number(rng.generateDouble() * 10, 'g', 17);
    case 3: return QByteArray::number(rng.generateDouble() * 1e-5, 'e', int(rng.bounded(18)));
    case 4: return QByteArray::number(rng.generateDouble() * 1e9, 'f', int(rng.bounded(10)));
    case 5: return QByteArray::number(qint64(rng.generate64() >> rng.bounded(64)));  // up to 20 digits
    case 6: {
        QByteArray s = QByteArray::number(rng.bounded(100)) + "." + QByteArray::number(rng.bounded(1000));
        return s + (rng.bounded(2) ? "E+" : "e-") + QByteArray::number(rng.bounded(330));  // may overflow
    }
    case 7: {
        const char *odd[] = {"-0", "0.0", "-0.0", "1e400", "1e-400", "4.9e-324", "2.2250738585072014e-308",
                             "1.7976931348623157e308", "01", "1.", ".5", "+1", "-", "1e", "NaN", "Infinity",
                             "9007199254740993", "123456789012345678901234567890", "0e0", "-0e-5"};
        return odd[rng.bounded(int(std::size(odd)))];
    }
    case 8: return QByteArray::number(double(rng.generate()) * 1e-300, 'g', 17);
    default: {
        // As nlohmann-json (the trainer's writer) prints a double.
        const double v = std::ldexp(rng.generateDouble(), int(rng.bounded(80)) - 40);
        return QByteArray::fromStdString(nlohmann::json(v).dump());
    }
    }
}

QByteArray randomValue(QRandomGenerator &rng)
{
    switch (rng.bounded(14)) {
    case 0: return "\"train\"";
    case 1: return "\"val\"";
    case 2: return "\"tr\\u0061in\"";  // an escape: same text, only the full parser reads it
    case 3: return "\"h\xc3\xa9llo\"";   // UTF-8
    case 4: return "true";
    case 5: return "null";
    case 6: return "[1,2,{\"loss\":3}]";
    case 7: return "{\"step\":1}";
    default: return randomNumber(rng);
    }
}

QByteArray randomSpace(QRandomGenerator &rng)
{
    const char *spaces[] = {"", "", "", " ", "\t", "  ", "\r"};
    return spaces[rng.bounded(int(std::size(spaces)))];
}

}  // namespace

class TestMetricLineParser : public QObject {
    Q_OBJECT
private slots:
    void handWrittenLines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("fastDecides");
        QTest::addColumn<int>("outcome");
        const int record = int(ParsedMetricLine::Outcome::Record);
        const int notRecord = int(ParsedMetricLine::Outcome::NotARecord);
        const int malformed = int(ParsedMetricLine::Outcome::Malformed);
        QTest::newRow("trainer train record")
            << QByteArray("{\"elapsed_s\":2.929905031,\"epoch\":0.01799775028121485,\"grad_norm\":2.1998202800750732,"
                          "\"kind\":\"train\",\"loss\":5.509601712226868,\"lr\":0.0006000000000000001,"
                          "\"peak_rss_bytes\":425361408,\"step\":1,\"time\":1795601508.104013,\"tokens\":4096,"
                          "\"tokens_per_s\":1398.0054018000362}")
            << true << record;
        QTest::newRow("trainer val record")
            << QByteArray("{\"kind\":\"val\",\"loss\":5.509396539045481,\"ppl\":247.00202600543247,\"step\":0,"
                          "\"time\":1795601505.1739962}")
            << true << record;
        QTest::newRow("spaces everywhere") << QByteArray(" \t{ \"kind\" : \"train\" , \"step\" : 3 ,\"loss\":1.5 } \r")
                                           << true << record;
        QTest::newRow("other kind") << QByteArray("{\"kind\":\"lr_probe\",\"step\":3}") << true << record;
        QTest::newRow("duplicate key, last wins") << QByteArray("{\"kind\":\"train\",\"step\":1,\"loss\":1,\"loss\":2}")
                                                  << true << record;
        QTest::newRow("duplicate kind turns non-string") << QByteArray("{\"kind\":\"train\",\"step\":1,\"kind\":5}")
                                                         << true << notRecord;
        QTest::newRow("no kind") << QByteArray("{\"step\":1,\"loss\":2}") << true << notRecord;
        QTest::newRow("empty object") << QByteArray("{}") << true << notRecord;
        QTest::newRow("fractional step") << QByteArray("{\"kind\":\"train\",\"step\":2.5}") << true << notRecord;
        QTest::newRow("negative step") << QByteArray("{\"kind\":\"train\",\"step\":-1}") << true << notRecord;
        QTest::newRow("huge step") << QByteArray("{\"kind\":\"train\",\"step\":1e20}") << true << notRecord;
        QTest::newRow("step as string") << QByteArray("{\"kind\":\"train\",\"step\":\"3\"}") << true << notRecord;
        QTest::newRow("step 3.0") << QByteArray("{\"kind\":\"train\",\"step\":3.0}") << true << record;
        QTest::newRow("loss null") << QByteArray("{\"kind\":\"train\",\"step\":3,\"loss\":null}") << true << record;
        QTest::newRow("negative zero") << QByteArray("{\"kind\":\"train\",\"step\":3,\"loss\":-0.0,\"lr\":-0}") << true
                                       << record;
        QTest::newRow("exponents") << QByteArray("{\"kind\":\"train\",\"step\":3,\"lr\":1E+2,\"loss\":2.5e-3}") << true
                                   << record;
        QTest::newRow("big integer") << QByteArray("{\"kind\":\"train\",\"step\":3,\"tokens\":123456789012345678901234}")
                                     << true << record;
        QTest::newRow("nested unknown value") << QByteArray("{\"kind\":\"train\",\"step\":3,\"extra\":{\"a\":[1]}}")
                                              << false << record;
        QTest::newRow("escaped key") << QByteArray("{\"ki\\u006ed\":\"train\",\"step\":3}") << false << record;
        QTest::newRow("UTF-8 string") << QByteArray("{\"kind\":\"train\",\"step\":3,\"note\":\"d\xc3\xa9j\xc3\xa0\"}")
                                      << false << record;
        QTest::newRow("byte order mark") << QByteArray("\xef\xbb\xbf{\"kind\":\"train\",\"step\":3}") << false << record;
        QTest::newRow("overflowing number") << QByteArray("{\"kind\":\"train\",\"step\":3,\"loss\":1e400}") << false
                                            << malformed;
        QTest::newRow("overflow in unknown key") << QByteArray("{\"kind\":\"train\",\"step\":3,\"x\":1e400}") << false
                                                 << malformed;
        QTest::newRow("leading zero") << QByteArray("{\"kind\":\"train\",\"step\":03}") << false << malformed;
        QTest::newRow("trailing comma") << QByteArray("{\"kind\":\"train\",\"step\":3,}") << false << malformed;
        QTest::newRow("garbage after") << QByteArray("{\"kind\":\"train\",\"step\":3} x") << false << malformed;
        QTest::newRow("cut short") << QByteArray("{\"kind\":\"train\",\"st") << false << malformed;
        QTest::newRow("array") << QByteArray("[1,2]") << false << malformed;
        QTest::newRow("not json") << QByteArray("not json") << false << malformed;
        QTest::newRow("NaN literal") << QByteArray("{\"kind\":\"train\",\"step\":3,\"loss\":NaN}") << false << malformed;
    }

    void handWrittenLines()
    {
        QFETCH(QByteArray, line);
        QFETCH(bool, fastDecides);
        QFETCH(int, outcome);
        const ParsedMetricLine full = parseMetricLineFull(line);
        QCOMPARE(int(full.outcome), outcome);
        ParsedMetricLine fast;
        QCOMPARE(parseMetricLineFast(line, &fast), fastDecides);
        if (fastDecides)
            QVERIFY2(agree(fast, full), qPrintable(describe(fast) + QStringLiteral(" vs ") + describe(full)));
        QVERIFY(agree(parseMetricLine(line), full));
    }

    void valuesAreThoseOfTheFile()
    {
        ParsedMetricLine p;
        QVERIFY(parseMetricLineFast("{\"kind\":\"val\",\"loss\":5.509396539045481,\"ppl\":247.00202600543247,"
                                    "\"step\":40,\"time\":1795601505.1739962}",
                                    &p));
        QCOMPARE(int(p.outcome), int(ParsedMetricLine::Outcome::Record));
        QCOMPARE(p.record.kind, MetricRecord::Kind::Val);
        QCOMPARE(p.record.step, 40);
        QCOMPARE(p.record.loss, 5.509396539045481);
        QCOMPARE(p.record.perplexity, 247.00202600543247);
        QCOMPARE(p.record.time, 1795601505.1739962);
        QVERIFY(std::isnan(p.record.lr));
        QVERIFY(!std::signbit(parseMetricLine("{\"kind\":\"train\",\"step\":1,\"loss\":-0.0}").record.loss));
    }

    void generatedLinesAgreeOnBothPaths()
    {
        QRandomGenerator rng(20261125);
        const char *keys[] = {"kind", "step", "epoch", "tokens", "loss", "lr", "grad_norm", "tokens_per_s",
                              "ppl", "time", "elapsed_s", "peak_rss_bytes", "x", "lossy", "Kind", "st"};
        int decided = 0;
        const int total = 20000;
        for (int n = 0; n < total; ++n) {
            QByteArray line = randomSpace(rng) + "{" + randomSpace(rng);
            const int fields = int(rng.bounded(14));
            for (int f = 0; f < fields; ++f) {
                if (f > 0)
                    line += randomSpace(rng) + "," + randomSpace(rng);
                QByteArray key = keys[rng.bounded(int(std::size(keys)))];
                QByteArray value = randomValue(rng);
                if (f == 0 && rng.bounded(4) != 0) {
                    key = "kind";
                    value = rng.bounded(2) ? "\"train\"" : "\"val\"";
                } else if (f == 1 && rng.bounded(4) != 0) {
                    key = "step";
                    value = QByteArray::number(rng.bounded(100000));
                }
                line += "\"" + key + "\"" + randomSpace(rng) + ":" + randomSpace(rng) + value;
            }
            line += randomSpace(rng) + "}" + randomSpace(rng);
            if (rng.bounded(50) == 0)
                line.chop(int(rng.bounded(3)) + 1);  // now and then, a broken line
            if (check(line))
                ++decided;
            if (QTest::currentTestFailed())
                return;
        }
        // Most generated lines are plain enough for the fast path: it is really exercised.
        QVERIFY2(decided > total / 4, qPrintable(QString::number(decided)));
    }

    void trainerLinesTakeTheFastPath()
    {
        // Lines as corral-train writes them (nlohmann-json, keys sorted), with random values.
        QRandomGenerator rng(7);
        for (int step = 1; step <= 5000; ++step) {
            nlohmann::json record = {{"kind", "train"},
                                     {"step", step},
                                     {"epoch", step / 55.5},
                                     {"tokens", step * 4096},
                                     {"loss", 5.0 * std::exp(-step / 1000.0) + rng.generateDouble()},
                                     {"lr", 3e-3 * rng.generateDouble()},
                                     {"grad_norm", rng.generateDouble() * 3},
                                     {"tokens_per_s", 9000 + rng.generateDouble() * 500},
                                     {"peak_rss_bytes", 425361408},
                                     {"time", 1795601508.104013 + step * 1.7},
                                     {"elapsed_s", step * 1.7}};
            const QByteArray line = QByteArray::fromStdString(record.dump());
            QVERIFY2(check(line), line.constData());
        }
    }

    void tailerUsesTheFallbackOnlyWhenNeeded()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("metrics.jsonl"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"kind\":\"train\",\"step\":1,\"loss\":2.5}\n"
                "{\"kind\":\"train\",\"step\":2,\"loss\":2.4,\"note\":\"\\u00e9\"}\n"
                "\n"
                "oops\n"
                "{\"kind\":\"val\",\"step\":2,\"loss\":2.6}\n");
        f.close();
        MetricTailer tailer(path);
        const MetricBatch batch = tailer.poll();
        QCOMPARE(batch.records.size(), 3);
        QCOMPARE(batch.records[1].loss, 2.4);
        QCOMPARE(batch.malformedLines, 1);
        QVERIFY2(batch.problems.value(0).startsWith(QStringLiteral("metrics.jsonl:4: ")), qPrintable(batch.problems.value(0)));
        QCOMPARE(tailer.fullParses(), 2);  // the escaped line and the broken one
    }
};

QTEST_GUILESS_MAIN(TestMetricLineParser)
#include "tst_metriclineparser.moc"
