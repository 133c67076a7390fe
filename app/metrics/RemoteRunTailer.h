#pragma once
// Follows metrics.jsonl and events.jsonl of the active runs of ONE cluster profile over that
// profile's SSH connection. Every interval, one job on the connection's worker thread reads
// what every followed file gained (RemoteFileTail: one SFTP request per file in the steady
// state) and parses it there with the same line parsers as the local RunWatcher
// (MetricTailer::addLine, JsonlTailer::addLine); results arrive on this object's thread as
// the same signals a local run gives, so they feed the same SeriesStore.
//
// A dropped connection fails the round: what was read before the failure is delivered, the
// rest is read from the stored offsets once the connection is back, so nothing is lost or
// repeated. One round is in flight at a time.
#include "metrics/MetricRecord.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QVector>

#include <memory>

namespace corral {

class SeriesStore;
class SshConnection;
struct RemoteTailState;  // the worker-side tails, touched only on the connection's thread

struct RemoteTailRoundStats {
    double elapsedMs = 0;  // on the connection's thread, from the first request to the last
    int files = 0;
    qint64 requests = 0;  // SFTP requests the round made
    qint64 bytes = 0;
    bool ok = true;
};

class RemoteRunTailer : public QObject {
    Q_OBJECT
public:
    RemoteRunTailer(SshConnection &ssh, int intervalMs = 1000, QObject *parent = nullptr);
    ~RemoteRunTailer() override;

    // `runId`: how the app names the run (remoteRunId); `remoteRunDir`: its folder on the cluster.
    // A run not followed at the moment is read from the start of its files.
    void follow(const QString &runId, const QString &remoteRunDir);
    void unfollow(const QString &runId);
    // Stops following after the next successful round (a run that ended: its last lines).
    void unfollowAfterNextRound(const QString &runId);
    QStringList followedRuns() const { return m_runs.keys(); }
    bool isFollowing(const QString &runId) const { return m_runs.contains(runId); }

    // Feeds `store` as a local run's watcher does (metrics with their restart flag, events).
    void deliverTo(SeriesStore &store);

    void pollNow();  // a round now, unless one is in flight
    int intervalMs() const { return m_timer.interval(); }
    int malformedLines(const QString &runId) const { return m_malformed.value(runId); }

signals:
    void metricsArrived(const QString &runId, const QVector<corral::MetricRecord> &records, bool restarted);
    void eventsArrived(const QString &runId, const QVector<QJsonObject> &events, bool restarted);
    void problemsFound(const QString &runId, const QStringList &problems);  // "metrics.jsonl:12: …"
    void roundFailed(const QString &message);  // the connection; the next round resumes
    void roundFinished(const corral::RemoteTailRoundStats &stats);

private:
    void startRound();

    SshConnection &m_ssh;
    std::shared_ptr<RemoteTailState> m_state;
    struct Followed {
        QString runDir;
        quint64 generation = 0;  // a run followed anew reads from the start, even if the worker still has it
    };
    QHash<QString, Followed> m_runs;  // run id → remote run folder
    quint64 m_generation = 0;
    QSet<QString> m_leaving;
    QHash<QString, int> m_malformed;
    QTimer m_timer;
    bool m_inFlight = false;
    bool m_again = false;  // pollNow() while a round was in flight
};

}  // namespace corral

Q_DECLARE_METATYPE(corral::RemoteTailRoundStats)
