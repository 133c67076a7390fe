// bench_remote_tail: how long a metric line takes from the cluster to the series store.
// Starts the e2e cluster fixture (a real sshd on 127.0.0.1; needs root, exits 77 otherwise),
// follows one run folder there with RemoteRunTailer at a poll interval, appends lines to its
// metrics.jsonl at random moments (so appends fall anywhere in the poll cycle) and times each
// one from the append (the write returned) to the record being in the SeriesStore on this
// thread. Optionally other followed runs, idle, share the rounds (--runs N), as a profile with
// several active jobs does. Prints median, p95 and max per interval, the SFTP requests and the
// time of an idle round; last line: one JSON object.
//
//   bench_remote_tail [--lines N] [--runs N] [INTERVAL_MS...]      (default: 200 lines, 1 run, 100 250)
#include "ClusterFixture.h"
#include "metrics/RemoteRunTailer.h"
#include "metrics/SeriesStore.h"
#include "remote/SshConnection.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

using namespace corral;

namespace {

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const double rank = p * double(values.size() - 1);
    const size_t lo = size_t(rank);
    const size_t hi = std::min(values.size() - 1, lo + 1);
    return values[lo] + (values[hi] - values[lo]) * (rank - double(lo));
}

void waitMs(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

struct Figures {
    int intervalMs = 0;
    std::vector<double> latencies;  // ms
    std::vector<double> idleRoundMs;
    double idleRequestsPerRound = 0;
    int lost = 0;
};

QString writable(const QString &dir)
{
    QDir().mkpath(dir);
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                   | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    return dir;
}

Figures measure(SshConnection &ssh, const QString &work, int intervalMs, int lines, int runs)
{
    Figures f;
    f.intervalMs = intervalMs;
    const QString dir = writable(work + QStringLiteral("/bench-%1").arg(intervalMs));
    const QString path = dir + QStringLiteral("/metrics.jsonl");
    QFile::remove(path);
    SeriesStore store;
    RemoteRunTailer tailer(ssh, intervalMs);
    tailer.deliverTo(store);
    const QString id = QStringLiteral("bench");
    tailer.follow(id, dir);
    for (int r = 1; r < runs; ++r)
        tailer.follow(QStringLiteral("idle-%1").arg(r), writable(work + QStringLiteral("/idle-%1").arg(r)));

    // Idle rounds first: what following costs when nothing happens.
    std::vector<double> idleRequests;
    auto onRound = QObject::connect(&tailer, &RemoteRunTailer::roundFinished, &tailer,
                                    [&](const RemoteTailRoundStats &s) {
                                        f.idleRoundMs.push_back(s.elapsedMs);
                                        idleRequests.push_back(double(s.requests));
                                    });
    waitMs(std::max(1000, intervalMs * 8));
    QObject::disconnect(onRound);
    if (idleRequests.size() > 2)  // the first rounds open the files
        f.idleRequestsPerRound = percentile({idleRequests.begin() + 2, idleRequests.end()}, 0.5);

    std::mt19937 rng(7);
    std::uniform_int_distribution<int> gap(0, intervalMs);
    QElapsedTimer clock;
    clock.start();
    QFile file(path);
    file.open(QIODevice::Append);
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    for (int step = 1; step <= lines; ++step) {
        waitMs(gap(rng));
        const QByteArray line = QByteArrayLiteral("{\"kind\":\"train\",\"step\":") + QByteArray::number(step)
            + QByteArrayLiteral(",\"epoch\":0.01,\"tokens\":4096,\"loss\":2.31,\"lr\":1.9e-05,\"grad_norm\":0.82,"
                                "\"tokens_per_s\":10234.5,\"time\":1795591975.28,\"elapsed_s\":35.2}\n");
        file.write(line);
        file.flush();  // the trainer flushes each record: from here on it is on the cluster
        const qint64 appended = clock.nsecsElapsed();
        QElapsedTimer waited;
        waited.start();
        while (store.run(id) == nullptr || store.run(id)->trainCount() < step) {
            if (waited.elapsed() > 30000) {
                ++f.lost;
                break;
            }
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        }
        f.latencies.push_back(double(clock.nsecsElapsed() - appended) / 1e6);
    }
    return f;
}

}  // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int lines = 200, runs = 1;
    std::vector<int> intervals;
    const QStringList args = app.arguments().mid(1);
    for (int i = 0; i < args.size(); ++i) {
        if (args.at(i) == QLatin1StringView("--lines") && i + 1 < args.size())
            lines = args.at(++i).toInt();
        else if (args.at(i) == QLatin1StringView("--runs") && i + 1 < args.size())
            runs = std::max(1, args.at(++i).toInt());
        else
            intervals.push_back(args.at(i).toInt());
    }
    if (intervals.empty())
        intervals = {100, 250};

    test::ClusterFixture cluster;
    QString why;
    bool skip = false;
    if (!cluster.start(&why, &skip)) {
        std::fprintf(stderr, "bench_remote_tail: the sshd fixture cannot run here: %s\n", qPrintable(why));
        return skip ? 77 : 1;
    }
    test::ScriptedPrompter prompter;
    QTemporaryDir local;
    const QString knownHosts = cluster.trustingKnownHosts(local.filePath(QStringLiteral("known_hosts")));
    SshConnection ssh(cluster.endpoint(knownHosts), &prompter);

    std::printf("remote tail latency: append on the cluster (sshd on 127.0.0.1) -> record in the SeriesStore\n");
    std::printf("%d lines per interval at random moments, %d followed run(s) sharing each round\n\n", lines, runs);
    std::printf("%11s %9s %9s %9s %9s %9s %13s %13s\n", "interval_ms", "median_ms", "p95_ms", "min_ms", "max_ms",
                "lost", "idle_round_ms", "idle_requests");
    std::vector<Figures> all;
    for (const int interval : intervals) {
        Figures f = measure(ssh, cluster.value("WORK"), interval, lines, runs);
        std::printf("%11d %9.1f %9.1f %9.1f %9.1f %9d %13.2f %13.0f\n", interval, percentile(f.latencies, 0.5),
                    percentile(f.latencies, 0.95), percentile(f.latencies, 0), percentile(f.latencies, 1), f.lost,
                    percentile(f.idleRoundMs, 0.5), f.idleRequestsPerRound);
        all.push_back(std::move(f));
    }
    std::printf("\n{\"bench\":\"remote_tail\",\"lines\":%d,\"runs\":%d", lines, runs);
    for (const Figures &f : all)
        std::printf(",\"median_ms_%d\":%.2f,\"p95_ms_%d\":%.2f,\"max_ms_%d\":%.2f,\"idle_round_ms_%d\":%.2f", f.intervalMs,
                    percentile(f.latencies, 0.5), f.intervalMs, percentile(f.latencies, 0.95), f.intervalMs,
                    percentile(f.latencies, 1), f.intervalMs, percentile(f.idleRoundMs, 0.5));
    std::printf("}\n");
    int lost = 0;
    for (const Figures &f : all)
        lost += f.lost;
    return lost == 0 ? 0 : 1;
}
