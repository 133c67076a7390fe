#pragma once
// Copies a cluster checkpoint's adapter to this machine over SFTP: adapter_model.safetensors,
// adapter_config.json, trainer_state.json and checksums.json (where the checkpoint has one, so
// the local corral-train checks the copy) into LOCAL_RUN/checkpoints/step-N/, and the run's
// config.yaml into LOCAL_RUN/ (so `corral-train export --checkpoint` finds it as it would
// on the cluster). Files go one after another with progress over all of them. Resumable: each
// file arrives as FILE.part, continued from its size (SftpClient::download) and renamed to
// FILE only when complete; a broken connection is retried after a pause, and every file's size
// is checked against the cluster's at the end — a file that does not match is removed, so the
// next attempt starts it over.
#include "checkpoints/CheckpointIndex.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QVector>

namespace corral {

class SshConnection;

class AdapterDownload : public QObject {
    Q_OBJECT
public:
    struct File {
        QString remotePath;
        QString localPath;
        qint64 size = -1;  // on the cluster, from the listing
    };

    AdapterDownload(SshConnection &ssh, QObject *parent = nullptr);

    // What to fetch for `checkpoint` of the remote run in `remoteRunDir`, into `localRunDir`.
    // `runConfigSize`: config.yaml's size (-1 to leave it out).
    static QVector<File> adapterFiles(const CheckpointInfo &checkpoint, const QString &localRunDir,
                                      const QString &remoteRunDir, qint64 runConfigSize);
    // Where a cluster run's downloads go by default: <runs root>/downloads/PROFILE/RUN_FOLDER_NAME.
    static QString defaultLocalRunDir(const QString &profile, const QString &remoteRunDir);

    void start(const QVector<File> &files);
    void cancel();  // stops after the current file; what is on disk stays for a later resume
    bool isRunning() const { return m_running; }
    void setRetryDelayMs(int ms) { m_retryDelayMs = ms; }
    int attempts() const { return m_attempts; }  // download requests made, retries included

signals:
    void progress(qint64 done, qint64 total);
    void finished(bool ok, const QString &message);

private:
    void next();
    void fail(const QString &message);

    SshConnection &m_ssh;
    QVector<File> m_files;
    int m_current = 0;
    qint64 m_doneBefore = 0;  // bytes of the files already complete
    qint64 m_total = 0;
    int m_retries = 0;
    int m_attempts = 0;
    int m_retryDelayMs = 1000;
    bool m_running = false;
    bool m_cancelled = false;
};

}  // namespace corral
