#include "runs/Paths.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace corral {

QString locateTrainer()
{
    const QString fromEnv = qEnvironmentVariable("CORRAL_TRAIN");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("corral-train"));
    if (QFileInfo(beside).isExecutable())
        return beside;
    return QStandardPaths::findExecutable(QStringLiteral("corral-train"));
}

QString resourcesDir()
{
    const QString fromEnv = qEnvironmentVariable("CORRAL_RESOURCES");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QString installed = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/corral"));
    if (QFileInfo::exists(installed + QStringLiteral("/presets")))
        return QDir::cleanPath(installed);
    return QStringLiteral(CORRAL_SOURCE_RESOURCES);
}

QString runsRoot()
{
    const QString root = qEnvironmentVariable("CORRAL_RUNS_DIR");
    if (!root.isEmpty())
        return root;
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath(QStringLiteral("runs"));
}

QString newRunDirectory(const QString &name)
{
    const QString root = runsRoot();
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString base = QDir(root).filePath(QStringLiteral("%1-%2").arg(name.isEmpty() ? QStringLiteral("run") : name, stamp));
    QString dir = base;
    for (int n = 2; QFileInfo::exists(dir); ++n)
        dir = QStringLiteral("%1-%2").arg(base).arg(n);
    return dir;
}

QString remoteRunId(const QString &profile, const QString &remoteRunDir)
{
    return profile + QLatin1Char(':') + remoteRunDir;
}

}  // namespace corral
