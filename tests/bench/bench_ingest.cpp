// bench_ingest: how fast a long metrics.jsonl reaches the series store. Writes a
// 1,000,000-line file as corral-train writes it (nlohmann-json, a val record every 100 train
// records) into a temporary folder, then follows it with the app's own path: RunWatcher
// (JsonlTailer + the metric line parser on its worker thread) delivering batches to a
// SeriesStore on this thread. Prints lines/s, the longest time one batch held this thread,
// peak RSS and bytes per stored point; for comparison, the parse alone on one thread and the
// full JSON parser on a sample. The file is deleted at the end. Last line: one JSON object.
#include "metrics/MetricLineParser.h"
#include "metrics/MetricTailer.h"
#include "metrics/RunWatcher.h"
#include "metrics/SeriesStore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <sys/resource.h>

using namespace corral;

namespace {

constexpr qint64 kLines = 1000000;
constexpr int kRepeats = 3;

double peakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// Lines as the trainer writes them: a train record per step, a val record every 100 steps.
bool writeMetrics(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> noise(0.0, 1.0);
    std::string buffer;
    qint64 lines = 0;
    for (qint64 step = 0; lines < kLines; ++step) {
        if (step > 0) {
            const nlohmann::json train = {{"kind", "train"},
                                          {"step", step},
                                          {"epoch", double(step) / 555.5},
                                          {"tokens", step * 4096},
                                          {"loss", 2.0 + 3.0 / std::sqrt(double(step)) + 0.2 * noise(rng)},
                                          {"lr", 3e-3 * (0.55 + 0.45 * std::cos(double(step) / 3e5))},
                                          {"grad_norm", 0.5 + noise(rng)},
                                          {"tokens_per_s", 9000.0 + 500.0 * noise(rng)},
                                          {"peak_rss_bytes", 425361408},
                                          {"time", 1795601508.104013 + double(step) * 0.45},
                                          {"elapsed_s", double(step) * 0.45}};
            buffer += train.dump();
            buffer += '\n';
            ++lines;
        }
        if (step % 100 == 0 && lines < kLines) {
            const double loss = 2.1 + 3.0 / std::sqrt(double(step) + 1);
            const nlohmann::json val = {
                {"kind", "val"}, {"step", step}, {"loss", loss}, {"ppl", std::exp(loss)},
                {"time", 1795601508.3 + double(step) * 0.45}};
            buffer += val.dump();
            buffer += '\n';
            ++lines;
        }
        if (buffer.size() > (8u << 20)) {
            if (file.write(buffer.data(), qint64(buffer.size())) != qint64(buffer.size()))
                return false;
            buffer.clear();
        }
    }
    return file.write(buffer.data(), qint64(buffer.size())) == qint64(buffer.size());
}

struct WatcherRun {
    double seconds = 0;
    double worstBatchMs = 0;  // the longest one batch's append held the receiving thread
    int batches = 0;
    qsizetype points = 0;
    qsizetype bytes = 0;
    qsizetype records = 0;
};

WatcherRun ingestWithWatcher(const QString &dir)
{
    WatcherRun result;
    SeriesStore store;
    RunWatcher watcher(dir, 200);
    const QString id = dir;
    QObject::connect(&watcher, &RunWatcher::metricsArrived, &store,
                     [&](const QVector<MetricRecord> &records, bool restarted) {
                         QElapsedTimer batch;
                         batch.start();
                         store.appendMetrics(id, records, restarted);
                         result.worstBatchMs = std::max(result.worstBatchMs, double(batch.nsecsElapsed()) / 1e6);
                         ++result.batches;
                         result.records += records.size();
                     });
    bool drained = false;
    QObject::connect(&watcher, &RunWatcher::drained, &store, [&]() { drained = true; });
    QElapsedTimer clock;
    clock.start();
    watcher.start();  // the first poll reads the whole file, batch by batch
    watcher.drain();  // queued after it: says when everything has been delivered
    while (!drained)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    result.seconds = double(clock.nsecsElapsed()) / 1e9;
    result.points = store.pointCount();
    result.bytes = store.bytesHeld();
    return result;
}

}  // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    if (!dir.isValid()) {
        std::fprintf(stderr, "bench_ingest: cannot create a temporary folder\n");
        return 1;
    }
    const QString path = dir.filePath(QStringLiteral("metrics.jsonl"));
    QElapsedTimer clock;
    clock.start();
    if (!writeMetrics(path)) {
        std::fprintf(stderr, "bench_ingest: cannot write %s\n", qPrintable(path));
        return 1;
    }
    const double fileMiB = double(QFileInfo(path).size()) / (1024.0 * 1024.0);
    std::printf("wrote %lld lines, %.1f MiB, in %.1f s (%s)\n", qlonglong(kLines), fileMiB,
                double(clock.elapsed()) / 1000.0, qPrintable(path));

    // 1. The app's path, three times (the file is in the page cache after the first read).
    std::vector<WatcherRun> runs;
    for (int i = 0; i < kRepeats; ++i)
        runs.push_back(ingestWithWatcher(dir.path()));
    std::sort(runs.begin(), runs.end(), [](const WatcherRun &a, const WatcherRun &b) { return a.seconds < b.seconds; });
    const WatcherRun &best = runs.front();
    const WatcherRun &median = runs[runs.size() / 2];
    if (best.records != kLines) {
        std::fprintf(stderr, "bench_ingest: %lld records arrived, expected %lld\n", qlonglong(best.records),
                     qlonglong(kLines));
        return 1;
    }

    const double peakAfterIngest = peakRssMiB();

    // 2. The parse alone, on this thread: tailer + fast path (with its fallback), in the
    // watcher's batch size.
    clock.restart();
    MetricTailer tailer(path);
    qsizetype parsed = 0;
    for (bool more = true; more;)
        parsed += tailer.poll(4 << 20, &more).records.size();
    const double parseSeconds = double(clock.nsecsElapsed()) / 1e9;
    const qint64 fullParses = tailer.fullParses();

    // 3. The full JSON parser (QJsonDocument + MetricRecord::fromJson) on the first 100,000 lines.
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 1;
    std::vector<QByteArray> sample;
    for (int i = 0; i < 100000; ++i)
        sample.push_back(file.readLine().chopped(1));
    clock.restart();
    qsizetype fullRecords = 0;
    for (const QByteArray &line : sample)
        fullRecords += parseMetricLineFull(line).outcome == ParsedMetricLine::Outcome::Record;
    const double fullSeconds = double(clock.nsecsElapsed()) / 1e9;
    clock.restart();
    qsizetype fastRecords = 0;
    for (const QByteArray &line : sample)
        fastRecords += parseMetricLine(line).outcome == ParsedMetricLine::Outcome::Record;
    const double fastSeconds = double(clock.nsecsElapsed()) / 1e9;

    const double linesPerSecond = double(kLines) / best.seconds;
    const double bytesPerPoint = double(best.bytes) / double(best.points);
    std::printf("\n%-58s %14s\n", "ingest of a 1,000,000-line metrics.jsonl", "");
    std::printf("%-58s %14.0f\n", "RunWatcher -> SeriesStore, lines/s (best of 3)", linesPerSecond);
    std::printf("%-58s %14.0f\n", "RunWatcher -> SeriesStore, lines/s (median)", double(kLines) / median.seconds);
    std::printf("%-58s %14.2f\n", "  seconds (best)", best.seconds);
    std::printf("%-58s %14d\n", "  batches delivered", best.batches);
    std::printf("%-58s %14.2f\n", "  longest append of one batch on the receiving thread, ms", best.worstBatchMs);
    std::printf("%-58s %14.0f\n", "parse alone on one thread (tailer + fast path), lines/s", double(parsed) / parseSeconds);
    std::printf("%-58s %14lld\n", "  lines left to the full JSON parser", qlonglong(fullParses));
    std::printf("%-58s %14.0f\n", "full JSON parser (QJsonDocument), lines/s, 100k sample", 1e5 / fullSeconds);
    std::printf("%-58s %14.0f\n", "fast path, lines/s, same sample", 1e5 / fastSeconds);
    std::printf("%-58s %14lld\n", "stored points (4 per train row, 2 per val row)", qlonglong(best.points));
    std::printf("%-58s %14.2f\n", "bytes per stored point", bytesPerPoint);
    std::printf("%-58s %14.1f\n", "peak RSS after the ingests, MiB", peakAfterIngest);
    if (fullRecords != fastRecords) {
        std::fprintf(stderr, "bench_ingest: the two parsers disagree on the sample\n");
        return 1;
    }
    std::printf("{\"bench\":\"ingest\",\"lines\":%lld,\"file_mib\":%.1f,\"lines_per_s\":%.0f,"
                "\"lines_per_s_median\":%.0f,\"worst_batch_ms\":%.2f,\"parse_only_lines_per_s\":%.0f,"
                "\"full_json_lines_per_s\":%.0f,\"fast_path_lines_per_s\":%.0f,\"bytes_per_point\":%.2f,"
                "\"peak_rss_mib\":%.1f}\n",
                qlonglong(kLines), fileMiB, linesPerSecond, double(kLines) / median.seconds, best.worstBatchMs,
                double(parsed) / parseSeconds, 1e5 / fullSeconds, 1e5 / fastSeconds, bytesPerPoint, peakAfterIngest);
    return 0;
}
