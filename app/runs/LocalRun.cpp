#include "runs/LocalRun.h"

#include "config/ConfigWriter.h"
#include "config/ExitCodes.h"
#include "metrics/RunWatcher.h"

#include <QDir>
#include <QFile>

namespace corral {

LocalRun::LocalRun(RunConfig config, QString runDir, QString trainerPath, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_runDir(std::move(runDir)), m_trainerPath(std::move(trainerPath))
{
    m_progress.maxSteps = m_config.train.max_steps;
    connect(&m_process, &QProcess::finished, this, &LocalRun::onProcessFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            emit finished(false, QStringLiteral("cannot start %1: %2").arg(m_trainerPath, m_process.errorString()));
    });
}

LocalRun::~LocalRun()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(3000))
            m_process.kill();
        m_process.waitForFinished(1000);
    }
}

bool LocalRun::start(QString *error, bool resume)
{
    const QDir dir(m_runDir);
    if (!dir.mkpath(QStringLiteral("logs"))) {
        *error = QStringLiteral("cannot create the run folder %1").arg(m_runDir);
        return false;
    }
    if (m_trainerPath.isEmpty()) {
        *error = QStringLiteral("corral-train was not found (set CORRAL_TRAIN or put it on PATH)");
        return false;
    }
    const QString request = dir.filePath(QStringLiteral("run.yaml"));
    if (auto st = writeConfigFile(m_config, request.toStdString()); !st) {
        *error = QString::fromStdString(st.error().toString());
        return false;
    }
    m_watcher = new RunWatcher(m_runDir, 200, this);
    connect(m_watcher, &RunWatcher::metricsArrived, this,
            [this](const QVector<MetricRecord> &records, bool restarted) {
                if (restarted)
                    m_progress = RunProgress{0, m_config.train.max_steps};
                for (const auto &r : records)
                    m_progress.add(r);
                emit metricsArrived(records, restarted);
                emit progressChanged();
            });
    connect(m_watcher, &RunWatcher::eventsArrived, this, [this](const QVector<QJsonObject> &events, bool restarted) {
        for (const auto &e : events) {
            if (e.value(QLatin1StringView("kind")).toString() == QLatin1StringView("failed"))
                m_lastFailure = e.value(QLatin1StringView("message")).toString();
        }
        emit eventsArrived(events, restarted);
    });
    connect(m_watcher, &RunWatcher::problemsFound, this, &LocalRun::problemsFound);
    connect(m_watcher, &RunWatcher::drained, this, &LocalRun::onDrained);
    m_watcher->start();

    m_process.setStandardOutputFile(dir.filePath(QStringLiteral("logs/trainer.out")));
    m_process.setStandardErrorFile(dir.filePath(QStringLiteral("logs/trainer.err")));
    m_process.setProgram(m_trainerPath);
    QStringList arguments{QStringLiteral("--config"), request, QStringLiteral("--output"), m_runDir};
    if (!m_resumeFrom.isEmpty())
        arguments << QStringLiteral("--resume") << m_resumeFrom;
    else if (resume)
        arguments << QStringLiteral("--resume") << QStringLiteral("auto");
    m_process.setArguments(arguments);
    m_process.start();
    return true;
}

int LocalRun::malformedLines() const
{
    return m_watcher ? m_watcher->malformedLines() : 0;
}

void LocalRun::stop()
{
    if (m_process.state() != QProcess::NotRunning)
        m_process.terminate();
}

void LocalRun::onProcessFinished(int exitCode, QProcess::ExitStatus status)
{
    m_stopped = status == QProcess::NormalExit && exitCode == kExitPreempted;  // corral-train's answer to SIGTERM
    m_ok = status == QProcess::NormalExit && (exitCode == 0 || m_stopped);
    if (status == QProcess::CrashExit)
        m_endMessage = QStringLiteral("corral-train stopped by a signal");
    else if (exitCode != 0)
        m_endMessage = QStringLiteral("corral-train exited with code %1").arg(exitCode);
    m_watcher->drain();  // deliver the last records before announcing the end
}

void LocalRun::onDrained()
{
    if (!m_ok) {
        QString detail = m_lastFailure;
        if (detail.isEmpty()) {
            QFile err(QDir(m_runDir).filePath(QStringLiteral("logs/trainer.err")));
            if (err.open(QIODevice::ReadOnly))
                detail = QString::fromUtf8(err.readAll()).trimmed().section(QLatin1Char('\n'), -3);
        }
        if (!detail.isEmpty())
            m_endMessage += QStringLiteral(": ") + detail;
    }
    emit finished(m_ok, m_stopped ? QStringLiteral("stopped with a checkpoint; resume to continue")
                        : m_ok    ? QStringLiteral("finished")
                                  : m_endMessage);
}

}  // namespace corral
