#include "metrics/RemoteRunTailer.h"

#include "metrics/JsonlTailer.h"
#include "metrics/MetricTailer.h"
#include "metrics/RemoteFileTail.h"
#include "metrics/SeriesStore.h"
#include "remote/SshConnection.h"
#include "remote/SshSession.h"


#include <map>

namespace corral {

namespace {
// A backlog (a run followed late, a long outage) comes in slices of about this many bytes per
// file and round, so one round never holds the connection for long.
constexpr qint64 kSliceBytes = 1 << 20;
constexpr qint64 kRoundBytesPerFile = 8 << 20;

// The SFTP client as the tail's file reader.
class SftpTailReader : public TailFileReader {
public:
    explicit SftpTailReader(SftpClient &sftp) : m_sftp(sftp) {}
    Result<QByteArray> readKept(const QString &path, qint64 offset, qint64 maxBytes) override
    {
        return m_sftp.readKept(path, offset, maxBytes);
    }
    Result<qint64> sizeOf(const QString &path) override { return m_sftp.sizeOf(path); }
    void forget(const QString &path) override { m_sftp.forget(path); }

private:
    SftpClient &m_sftp;
};

QString remoteFile(const QString &runDir, const char *name)
{
    return runDir + (runDir.endsWith(QLatin1Char('/')) ? QString() : QStringLiteral("/")) + QLatin1StringView(name);
}
}  // namespace

struct RemoteRunTails {
    RemoteRunTails(const QString &runDir, quint64 generation)
        : runDir(runDir), generation(generation), metrics(remoteFile(runDir, "metrics.jsonl")),
          events(remoteFile(runDir, "events.jsonl"))
    {
    }
    QString runDir;
    quint64 generation;
    RemoteFileTail metrics;
    RemoteFileTail events;
    QString lastMetricsError, lastEventsError;  // reported once, not every round
};

struct RemoteTailState {
    std::map<QString, std::unique_ptr<RemoteRunTails>> runs;
};

namespace {

struct RunResult {
    QString runId;
    MetricBatch metrics;
    JsonlBatch events;
};

struct Round {
    QVector<RunResult> runs;
    QString failure;  // set when the connection broke part-way
    RemoteTailRoundStats stats;
};

// Reads one file as far as the round allows. Returns false when the connection broke (the
// round stops there); another error (permission denied) becomes one problem line, said once.
bool readFile(SshWorker &worker, TailFileReader &reader, RemoteFileTail &tail, QString &lastError, Round &round,
              const JsonlLineSplitter::LineHandler &onLine, const RemoteFileTail::RestartHandler &onRestart,
              QStringList &problems)
{
    qint64 budget = kRoundBytesPerFile;
    for (;;) {
        const Result<TailStep> step = tail.poll(reader, qMin(kSliceBytes, budget), onLine, onRestart);
        if (!step) {
            if (isConnectionLoss(step.error())) {
                worker.noteFailure(step.error());
                round.failure = QString::fromStdString(step.error().toString());
                return false;
            }
            const QString message = QString::fromStdString(step.error().toString());
            if (message != lastError)
                problems << message;
            lastError = message;
            return true;
        }
        lastError.clear();
        round.stats.bytes += step.value().newBytes;
        budget -= step.value().newBytes;
        if (!step.value().more || budget <= 0)
            return true;
    }
}

}  // namespace

RemoteRunTailer::RemoteRunTailer(SshConnection &ssh, int intervalMs, QObject *parent)
    : QObject(parent), m_ssh(ssh), m_state(std::make_shared<RemoteTailState>())
{
    qRegisterMetaType<corral::RemoteTailRoundStats>();
    qRegisterMetaType<QVector<corral::MetricRecord>>();
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &RemoteRunTailer::startRound);
}

RemoteRunTailer::~RemoteRunTailer() = default;

void RemoteRunTailer::follow(const QString &runId, const QString &remoteRunDir)
{
    auto it = m_runs.find(runId);
    if (it == m_runs.end() || it->runDir != remoteRunDir)
        m_runs.insert(runId, {remoteRunDir, ++m_generation});
    m_leaving.remove(runId);
    if (!m_timer.isActive())
        m_timer.start();
    pollNow();
}

void RemoteRunTailer::unfollow(const QString &runId)
{
    m_runs.remove(runId);
    m_leaving.remove(runId);
    if (m_runs.isEmpty())
        m_timer.stop();
}

void RemoteRunTailer::unfollowAfterNextRound(const QString &runId)
{
    if (m_runs.contains(runId))
        m_leaving.insert(runId);
    pollNow();
}

void RemoteRunTailer::deliverTo(SeriesStore &store)
{
    connect(this, &RemoteRunTailer::metricsArrived, &store,
            [&store](const QString &id, const QVector<MetricRecord> &records, bool restarted) {
                store.appendMetrics(id, records, restarted);
            });
    connect(this, &RemoteRunTailer::eventsArrived, &store,
            [&store](const QString &id, const QVector<QJsonObject> &events, bool restarted) {
                store.appendEvents(id, events, restarted);
            });
}

void RemoteRunTailer::pollNow()
{
    if (m_inFlight)
        m_again = true;
    else
        startRound();
}

void RemoteRunTailer::startRound()
{
    if (m_inFlight || m_runs.isEmpty())
        return;
    m_inFlight = true;
    m_again = false;
    const QHash<QString, Followed> runs = m_runs;
    const QSet<QString> leaving = m_leaving;
    auto job = [state = m_state, runs](SshWorker &worker) -> Result<Round> {
        QElapsedTimer clock;
        clock.start();
        SftpTailReader reader(worker.sftp());
        const qint64 requestsBefore = worker.sftp().tailRequests();
        // The worker's tails follow the runs asked for; a dropped run closes its handles.
        for (auto it = state->runs.begin(); it != state->runs.end();) {
            if (!runs.contains(it->first)) {
                reader.forget(it->second->metrics.path());
                reader.forget(it->second->events.path());
                it = state->runs.erase(it);
            } else {
                ++it;
            }
        }
        Round round;
        for (auto it = runs.begin(); it != runs.end(); ++it) {
            auto &slot = state->runs[it.key()];
            if (!slot || slot->generation != it->generation) {
                if (slot) {
                    reader.forget(slot->metrics.path());
                    reader.forget(slot->events.path());
                }
                slot = std::make_unique<RemoteRunTails>(it->runDir, it->generation);
            }
            RunResult result;
            result.runId = it.key();
            round.stats.files += 2;
            MetricBatch &metrics = result.metrics;
            const QString metricsName = slot->metrics.fileName();
            bool ok = readFile(
                worker, reader, slot->metrics, slot->lastMetricsError, round,
                [&](QByteArrayView line, qint64 n) { MetricTailer::addLine(line, n, metricsName, metrics, nullptr); },
                [&] {
                    metrics.records.clear();  // read before the rewrite: void
                    metrics.restarted = true;
                },
                metrics.problems);
            JsonlBatch &events = result.events;
            const QString eventsName = slot->events.fileName();
            // events.jsonl is append-only: a rewrite (never done by the trainer) just starts it over.
            ok = ok && readFile(
                           worker, reader, slot->events, slot->lastEventsError, round,
                           [&](QByteArrayView line, qint64 n) { JsonlTailer::addLine(line, n, eventsName, events); },
                           [&] {
                               events.objects.clear();  // read before the rewrite: void
                               events.restarted = true;
                           },
                           events.problems);
            round.runs.append(std::move(result));
            if (!ok)
                break;
        }
        round.stats.requests = worker.sftp().tailRequests() - requestsBefore;
        round.stats.elapsedMs = double(clock.nsecsElapsed()) / 1e6;
        round.stats.ok = round.failure.isEmpty();
        return round;
    };
    m_ssh.post<Round>(std::move(job)).then(this, [this, leaving](const Result<Round> &result) {
        m_inFlight = false;
        if (!result) {
            emit roundFailed(QString::fromStdString(result.error().toString()));
        } else {
            const Round &round = result.value();
            for (const RunResult &run : round.runs) {
                if (!m_runs.contains(run.runId))
                    continue;  // unfollowed meanwhile
                if (run.metrics.restarted || !run.metrics.records.isEmpty())
                    emit metricsArrived(run.runId, run.metrics.records, run.metrics.restarted);
                if (run.events.restarted || !run.events.objects.isEmpty())
                    emit eventsArrived(run.runId, run.events.objects, run.events.restarted);
                const QStringList problems = run.metrics.problems + run.events.problems;
                m_malformed[run.runId] += run.metrics.malformedLines + run.events.malformedLines;
                if (!problems.isEmpty())
                    emit problemsFound(run.runId, problems);
            }
            if (!round.failure.isEmpty()) {
                emit roundFailed(round.failure);
            } else {
                for (const QString &id : leaving)
                    unfollow(id);
            }
            emit roundFinished(round.stats);
        }
        if (m_again)
            startRound();
    });
}

}  // namespace corral
