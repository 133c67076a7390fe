#include "metrics/SeriesCsv.h"

#include <QBuffer>
#include <QTest>

#include <cmath>

using namespace corral;

namespace {

// RFC 4180 fields of one line (quotes doubled inside quoted fields).
QStringList splitCsvLine(const QString &line)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            fields << field;
            field.clear();
        } else {
            field += c;
        }
    }
    fields << field;
    return fields;
}

double numberOrNan(const QString &field)
{
    if (field.isEmpty())
        return std::nan("");
    bool ok = false;
    const double v = field.toDouble(&ok);
    return ok ? v : std::nan("");
}

void fill(RunSeries &run, int steps, double lossScale, double t0)
{
    for (int step = 0; step <= steps; ++step) {
        if (step > 0) {
            MetricRecord r;
            r.kind = MetricRecord::Kind::Train;
            r.step = step;
            r.tokens = step * 4096.0;
            r.loss = lossScale / (1.0 + step) + 1.0 / 3.0;  // values that need all 17 digits
            r.lr = step == 7 ? MetricRecord::kMissing : 3e-3 * std::cos(step / 10.0);
            r.time = t0 + step * 1.7;
            run.append(r);
        }
        if (step % 10 == 0) {
            MetricRecord v;
            v.kind = MetricRecord::Kind::Val;
            v.step = step;
            v.loss = lossScale / (2.0 + step) + 0.1;
            v.time = t0 + step * 1.7 + 0.3;
            run.append(v);
        }
    }
}

}  // namespace

class TestSeriesCsv : public QObject {
    Q_OBJECT
private slots:
    void exportReadsBackToTheStoredPoints()
    {
        RunSeries a, b;
        fill(a, 45, 5.0, 1795601505.1739962);
        fill(b, 30, 7.0, 1795700000.25);
        const QList<CsvRun> runs{{QStringLiteral("lr 3e-3, \"warm\""), QStringLiteral("/runs/a"), &a},
                                 {QStringLiteral("b"), QStringLiteral("/runs/b"), &b}};
        const QList<Metric> metrics{Metric::TrainLoss, Metric::ValLoss, Metric::LearningRate};
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        QVERIFY(writeSeriesCsv(buffer, runs, metrics));

        const QStringList lines = QString::fromUtf8(buffer.data()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.first(), QStringLiteral("run,run_dir,metric,step,tokens,wall_time_s,value"));
        qsizetype row = 1;
        for (const CsvRun &run : runs) {
            for (const Metric metric : metrics) {
                const SeriesRef steps = run.series->series(metric, XAxis::Step);
                const SeriesRef tokens = run.series->series(metric, XAxis::Tokens);
                const SeriesRef wall = run.series->series(metric, XAxis::WallTime);
                QVERIFY(steps.size() > 0);
                for (qsizetype i = 0; i < steps.size(); ++i, ++row) {
                    QVERIFY(row < lines.size());
                    const QStringList f = splitCsvLine(lines[row]);
                    QCOMPARE(f.size(), 7);
                    QCOMPARE(f[0], run.name);
                    QCOMPARE(f[1], run.dir);
                    QCOMPARE(f[2], metricKey(metric));
                    QCOMPARE(numberOrNan(f[3]), (*steps.x)[i]);
                    QCOMPARE(numberOrNan(f[4]), (*tokens.x)[i]);
                    QCOMPARE(numberOrNan(f[5]), (*wall.x)[i] - wall.xOrigin);
                    const double stored = (*steps.y)[i];
                    if (std::isnan(stored))
                        QVERIFY(f[6].isEmpty());
                    else
                        QCOMPARE(numberOrNan(f[6]), stored);  // exact: shortest round-trip text
                }
            }
        }
        QCOMPARE(row, lines.size());  // nothing more, nothing less: every stored point once
        QCOMPARE(lines.size(), 1 + (45 + 5 + 45) + (30 + 4 + 30));
    }

    void fieldsAreQuotedOnlyWhenNeeded()
    {
        QCOMPARE(csvField(QStringLiteral("plain")), QByteArray("plain"));
        QCOMPARE(csvField(QStringLiteral("a,b")), QByteArray("\"a,b\""));
        QCOMPARE(csvField(QStringLiteral("say \"hi\"")), QByteArray("\"say \"\"hi\"\"\""));
    }
};

QTEST_GUILESS_MAIN(TestSeriesCsv)
#include "tst_seriescsv.moc"
