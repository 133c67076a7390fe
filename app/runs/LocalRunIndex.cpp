#include "runs/LocalRunIndex.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace corral {

namespace {
// The last `bytes` of a file, from its first complete line on.
QList<QByteArray> lastLines(const QString &path, qint64 bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const qint64 start = std::max<qint64>(0, file.size() - bytes);
    file.seek(start);
    QByteArray data = file.readAll();
    if (start > 0)
        data.remove(0, data.indexOf('\n') + 1);  // a cut first line is not a line
    QList<QByteArray> lines = data.split('\n');
    lines.removeIf([](const QByteArray &l) { return l.trimmed().isEmpty(); });
    return lines;
}

// Up to the year 9999 (as CheckpointText's formatUnixTime): a larger "time" would overflow the
// conversion to milliseconds, which is undefined behaviour.
QDateTime fromUnix(double seconds)
{
    return seconds > 0 && seconds < 253402300800.0
               ? QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(seconds * 1000.0), Qt::UTC)
               : QDateTime();
}
}  // namespace

QString runNameFromFolder(const QString &folderName)
{
    static const QRegularExpression stamp(QStringLiteral("-\\d{8}-\\d{6}(-\\d+)?$"));
    QString name = folderName;
    name.remove(stamp);
    return name.isEmpty() ? folderName : name;
}

std::optional<RunEntry> readLocalRun(const QString &runDir)
{
    const QDir dir(runDir);
    const QFileInfo request(dir.filePath(QStringLiteral("run.yaml")));
    if (!request.isFile())
        return std::nullopt;
    RunEntry run;
    run.id = dir.absolutePath();
    run.runDir = run.id;
    run.name = runNameFromFolder(dir.dirName());
    run.submitted = request.lastModified().toUTC();
    run.state = RunState::Failed;  // run.yaml but no event: the trainer never got going
    run.reason = QStringLiteral("no events.jsonl: the trainer did not start");

    bool sawStart = false;
    for (const QByteArray &line : lastLines(dir.filePath(QStringLiteral("events.jsonl")), 256 * 1024)) {
        const QJsonObject e = QJsonDocument::fromJson(line).object();
        const QString kind = e.value(QLatin1StringView("kind")).toString();
        const QDateTime at = fromUnix(e.value(QLatin1StringView("time")).toDouble());
        if (kind == QLatin1StringView("started") || kind == QLatin1StringView("resumed")) {
            sawStart = true;
            run.state = RunState::Unknown;
            run.reason = QStringLiteral("no final event: the trainer was killed, or still runs outside this app");
            run.ended = QDateTime();
            run.maxSteps = e.value(QLatin1StringView("max_steps")).toInteger(run.maxSteps);
            if (kind == QLatin1StringView("started") && at.isValid())
                run.submitted = at;
        } else if (kind == QLatin1StringView("finished")) {
            run.state = RunState::Finished;
            run.reason.clear();
            run.ended = at;
            const double best = e.value(QLatin1StringView("best_val_loss")).toDouble(std::nan(""));
            if (std::isfinite(best))
                run.bestValLoss = best;
        } else if (kind == QLatin1StringView("failed")) {
            run.state = RunState::Failed;
            run.reason = e.value(QLatin1StringView("message")).toString();
            run.ended = at;
        } else if (kind == QLatin1StringView("preempted")) {
            run.state = RunState::Stopped;
            run.reason = QStringLiteral("stopped with a checkpoint at step %1").arg(e.value(QLatin1StringView("step")).toInteger());
            run.ended = at;
        }
        if (e.contains(QLatin1StringView("step")))
            run.step = std::max(run.step, e.value(QLatin1StringView("step")).toInteger());
    }
    for (const QByteArray &line : lastLines(dir.filePath(QStringLiteral("metrics.jsonl")), 64 * 1024)) {
        const QJsonObject r = QJsonDocument::fromJson(line).object();
        const QString kind = r.value(QLatin1StringView("kind")).toString();
        if (kind == QLatin1StringView("train"))
            run.step = std::max(run.step, r.value(QLatin1StringView("step")).toInteger());
        const double loss = r.value(QLatin1StringView("loss")).toDouble(std::nan(""));
        if (kind == QLatin1StringView("val") && std::isfinite(loss) && !(run.bestValLoss <= loss))
            run.bestValLoss = loss;
    }
    if (!sawStart && run.state == RunState::Failed) {
        const QList<QByteArray> err = lastLines(dir.filePath(QStringLiteral("logs/trainer.err")), 2000);
        if (!err.isEmpty())
            run.reason = QString::fromUtf8(err.last()).trimmed();
    }
    return run;
}

QList<RunEntry> scanLocalRuns(const QString &root, int limit)
{
    QList<RunEntry> runs;
    const QFileInfoList folders = QDir(root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time);
    for (const QFileInfo &folder : folders) {
        if (runs.size() >= limit)
            break;
        if (auto run = readLocalRun(folder.absoluteFilePath()))
            runs << *run;
    }
    std::sort(runs.begin(), runs.end(), [](const RunEntry &a, const RunEntry &b) { return a.submitted > b.submitted; });
    return runs;
}

}  // namespace corral
