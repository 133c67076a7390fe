#include "checkpoints/CheckpointExport.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

namespace corral {

CheckpointExport::CheckpointExport(QString trainerPath, QObject *parent)
    : QObject(parent), m_trainerPath(std::move(trainerPath))
{
    m_progress.setInterval(250);
    connect(&m_progress, &QTimer::timeout, this, [this] { emit progress(outputBytes(), m_clock.elapsed()); });
    connect(&m_process, &QProcess::finished, this, &CheckpointExport::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            m_progress.stop();
            emit finished(false, tr("cannot start %1: %2").arg(m_trainerPath, m_process.errorString()));
        }
    });
}

CheckpointExport::~CheckpointExport()
{
    if (isRunning()) {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

bool CheckpointExport::start(const QString &checkpointDir, const QString &outputDir, bool merge, QString *error)
{
    if (isRunning()) {
        *error = tr("an export is running");
        return false;
    }
    if (m_trainerPath.isEmpty()) {
        *error = tr("corral-train was not found (set CORRAL_TRAIN or put it on PATH)");
        return false;
    }
    if (!QFileInfo(checkpointDir).isDir()) {
        *error = tr("no checkpoint folder %1 on this machine").arg(checkpointDir);
        return false;
    }
    m_outputDir = outputDir;
    m_cancelled = false;
    QStringList arguments{QStringLiteral("export"), QStringLiteral("--checkpoint"), checkpointDir,
                          QStringLiteral("--output"), outputDir};
    if (merge)
        arguments << QStringLiteral("--merge");
    m_process.setProgram(m_trainerPath);
    m_process.setArguments(arguments);
    m_clock.start();
    m_process.start();
    m_progress.start();
    return true;
}

void CheckpointExport::cancel()
{
    if (!isRunning())
        return;
    m_cancelled = true;
    m_process.kill();
}

qint64 CheckpointExport::outputBytes() const
{
    qint64 bytes = 0;
    QDirIterator it(m_outputDir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        bytes += it.fileInfo().size();
    }
    return bytes;
}

void CheckpointExport::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_progress.stop();
    emit progress(outputBytes(), m_clock.elapsed());
    const QString out = QString::fromUtf8(m_process.readAllStandardOutput()).trimmed();
    const QString err = QString::fromUtf8(m_process.readAllStandardError()).trimmed();
    if (m_cancelled) {
        emit finished(false, tr("cancelled; %1 may hold part of the export").arg(m_outputDir));
        return;
    }
    if (status == QProcess::NormalExit && exitCode == 0) {
        const QString last = out.section(QLatin1Char('\n'), -1);
        emit finished(true, last.isEmpty() ? tr("exported to %1").arg(m_outputDir) : last);
        return;
    }
    QString why = err.section(QLatin1Char('\n'), -3);
    if (why.isEmpty())
        why = status == QProcess::CrashExit ? tr("corral-train stopped by a signal")
                                            : tr("corral-train exited with code %1").arg(exitCode);
    emit finished(false, why);
}

}  // namespace corral
