#include "metrics/SeriesCsv.h"

#include <QLocale>

#include <cmath>

namespace corral {

namespace {

void appendNumber(QByteArray &row, double v)
{
    if (std::isfinite(v))
        row += QByteArray::number(v, 'g', QLocale::FloatingPointShortest);
}

constexpr qsizetype kFlushBytes = 1 << 20;

}  // namespace

QByteArray csvField(const QString &text)
{
    QByteArray utf8 = text.toUtf8();
    if (!utf8.contains(',') && !utf8.contains('"') && !utf8.contains('\n') && !utf8.contains('\r'))
        return utf8;
    utf8.replace("\"", "\"\"");
    return '"' + utf8 + '"';
}

bool writeSeriesCsv(QIODevice &out, const QList<CsvRun> &runs, const QList<Metric> &metrics)
{
    QByteArray buffer = "run,run_dir,metric,step,tokens,wall_time_s,value\n";
    for (const CsvRun &run : runs) {
        if (!run.series)
            continue;
        const QByteArray prefix = csvField(run.name) + ',' + csvField(run.dir) + ',';
        for (const Metric metric : metrics) {
            const QByteArray metricName = metricKey(metric).toUtf8();
            const SeriesRef steps = run.series->series(metric, XAxis::Step);
            const SeriesRef tokens = run.series->series(metric, XAxis::Tokens);
            const SeriesRef wall = run.series->series(metric, XAxis::WallTime);
            const bool haveOrigin = std::isfinite(run.series->wallOrigin());
            for (qsizetype i = 0; i < steps.size(); ++i) {
                buffer += prefix;
                buffer += metricName;
                buffer += ',';
                appendNumber(buffer, (*steps.x)[i]);
                buffer += ',';
                appendNumber(buffer, (*tokens.x)[i]);
                buffer += ',';
                if (haveOrigin)
                    appendNumber(buffer, (*wall.x)[i] - wall.xOrigin);
                buffer += ',';
                appendNumber(buffer, (*steps.y)[i]);
                buffer += '\n';
                if (buffer.size() > kFlushBytes) {
                    if (out.write(buffer) != buffer.size())
                        return false;
                    buffer.clear();
                }
            }
        }
    }
    return out.write(buffer) == buffer.size();
}

}  // namespace corral
