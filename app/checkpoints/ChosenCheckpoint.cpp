#include "checkpoints/ChosenCheckpoint.h"

#include "checkpoints/CheckpointFiles.h"
#include "checkpoints/CheckpointText.h"
#include "remote/SftpClient.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace corral {

namespace {
QString folderName(qint64 step)
{
    return QStringLiteral("step-%1").arg(step, 8, 10, QLatin1Char('0'));
}
}  // namespace

QByteArray chosenPointerJson(qint64 step, const QDateTime &at)
{
    const QJsonObject object{{QStringLiteral("format"), 1},
                             {QStringLiteral("step"), step},
                             {QStringLiteral("checkpoint"), folderName(step)},
                             {QStringLiteral("chosen_at"), static_cast<double>(at.toSecsSinceEpoch())},
                             {QStringLiteral("by"), QStringLiteral("corral")}};
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

Result<ChosenPointer> parseChosenPointer(const QByteArray &bytes)
{
    const QJsonDocument doc = QJsonDocument::fromJson(bytes);
    if (!doc.isObject())
        return makeError(ErrorCode::Parse, "not a JSON object");
    const QJsonObject object = doc.object();
    if (object.value(QLatin1StringView("format")).toInt(1) != 1)
        return makeError(ErrorCode::Parse, "unsupported format " + std::to_string(object.value(QLatin1StringView("format")).toInt()));
    ChosenPointer pointer;
    pointer.step = object.value(QLatin1StringView("step")).toInteger(-1);
    if (pointer.step < 0)
        return makeError(ErrorCode::Parse, "no step");
    pointer.checkpoint = object.value(QLatin1StringView("checkpoint")).toString(folderName(pointer.step));
    // An invalid QDateTime when "chosen_at" is missing or no time (1e75 fits no qint64).
    const double at = object.value(QLatin1StringView("chosen_at")).toDouble(-1);
    if (at >= 0 && at < kLastUnixSecond)
        pointer.chosenAt = QDateTime::fromSecsSinceEpoch(static_cast<qint64>(at), Qt::UTC);
    return pointer;
}

Status saveChosenLocal(const QString &runDir, qint64 step, const QDateTime &at)
{
    const QDir checkpoints(QDir(runDir).filePath(QLatin1StringView(kCheckpointsFolder)));
    QSaveFile file(checkpoints.filePath(QLatin1StringView(kChosenPointer)));
    if (!file.open(QIODevice::WriteOnly) || file.write(chosenPointerJson(step, at)) < 0 || !file.commit())
        return makeError(ErrorCode::Io, file.errorString().toStdString(), file.fileName().toStdString());
    return okStatus();
}

Status saveChosenRemote(SftpClient &sftp, const QString &runDir, qint64 step, const QDateTime &at)
{
    const QString checkpoints = joinRemote(runDir, QLatin1StringView(kCheckpointsFolder));
    return sftp.replaceFile(joinRemote(checkpoints, QLatin1StringView(kChosenPointer)), chosenPointerJson(step, at));
}

}  // namespace corral
