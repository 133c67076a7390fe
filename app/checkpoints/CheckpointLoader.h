#pragma once
// Reads runs' checkpoint folders off the GUI thread — a local run's in the thread pool, a
// cluster run's over its profile's SSH connection (SFTP on the connection's worker) — and
// records the chosen checkpoint in the same place. Results come back as signals on the
// loader's thread; a loader deleted meanwhile drops them.
#include "checkpoints/CheckpointFiles.h"

#include <QHash>
#include <QMetaType>
#include <QObject>

#include <functional>

namespace corral {

class SshConnection;

// Where a run's folder is: on this machine (profile "local" or empty) or on a cluster.
struct CheckpointRun {
    QString id;  // the run list's id
    QString name;
    QString runDir;
    QString profile;
    bool isRemote() const { return !profile.isEmpty() && profile != QLatin1StringView("local"); }
};

class CheckpointLoader : public QObject {
    Q_OBJECT
public:
    // The open connection of a cluster profile, or nullptr when there is none.
    using ConnectionProvider = std::function<SshConnection *(const QString &profile)>;

    explicit CheckpointLoader(QObject *parent = nullptr);

    void setConnectionProvider(ConnectionProvider provider) { m_connections = std::move(provider); }
    SshConnection *connectionFor(const CheckpointRun &run) const;

    void load(const CheckpointRun &run);
    void markChosen(const CheckpointRun &run, qint64 step);

signals:
    void loaded(const QString &runId, const corral::RunCheckpointFiles &files);
    void chosenSaved(const QString &runId, qint64 step);
    void failed(const QString &runId, const QString &message);

private:
    // Numbers a read of `runId`; true when a result with that number is not older than the
    // last one delivered (and records it as delivered).
    quint64 issue(const QString &runId) { return ++m_issued[runId]; }
    bool deliverable(const QString &runId, quint64 ticket);

    ConnectionProvider m_connections;
    QHash<QString, quint64> m_issued, m_delivered;
};

}  // namespace corral

Q_DECLARE_METATYPE(corral::RunCheckpointFiles)
