#pragma once
// Runs `corral-train export --checkpoint DIR --output DIR [--merge]` out of process (QProcess,
// so a failing merge never takes the app down) and reports progress and the result: while it
// runs, every quarter second, the bytes written into the output folder so far (the merged
// weights are most of a merge's time) and the time spent; at the end, the trainer's last
// line — what it wrote, or why it failed.
#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QTimer>

namespace corral {

class CheckpointExport : public QObject {
    Q_OBJECT
public:
    explicit CheckpointExport(QString trainerPath, QObject *parent = nullptr);
    ~CheckpointExport() override;

    // False (with the reason) when it cannot start: no trainer, no checkpoint, an export running.
    bool start(const QString &checkpointDir, const QString &outputDir, bool merge, QString *error);
    void cancel();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    QStringList arguments() const { return m_process.arguments(); }
    const QString &outputDir() const { return m_outputDir; }

signals:
    void progress(qint64 bytesWritten, qint64 elapsedMs);
    void finished(bool ok, const QString &message);

private:
    void onFinished(int exitCode, QProcess::ExitStatus status);
    qint64 outputBytes() const;

    QString m_trainerPath;
    QString m_outputDir;
    QProcess m_process;
    QTimer m_progress;
    QElapsedTimer m_clock;
    bool m_cancelled = false;
};

}  // namespace corral
