#include "checkpoints/CheckpointFiles.h"

#include "remote/SftpClient.h"
#include "remote/SshSession.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace corral {

namespace {
constexpr qint64 kSmallFileBytes = 4 << 20;  // JSON and YAML files; anything larger is not ours

std::optional<QByteArray> readLocal(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.exists())
        return std::nullopt;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(QFileInfo(path).fileName(), file.errorString());
        return std::nullopt;
    }
    return file.read(kSmallFileBytes);
}

// Reads over SFTP and remembers a broken connection, which ends the whole listing.
struct RemoteReader {
    SftpClient &sftp;
    std::optional<Error> lost;

    bool note(const Error &error)
    {
        if (isConnectionLoss(error) && !lost)
            lost = error;
        return !lost;
    }
    std::optional<QByteArray> read(const QString &path, QString *error)
    {
        if (lost)
            return std::nullopt;
        auto bytes = sftp.readFile(path, kSmallFileBytes);
        if (bytes)
            return std::move(bytes.value());
        if (note(bytes.error()) && bytes.error().code != ErrorCode::NotFound && error)
            *error = QString::fromStdString(bytes.error().message);
        return std::nullopt;
    }
};
}  // namespace

bool isCheckpointFolderName(const QString &name)
{
    if (name.size() != 13 || !name.startsWith(QLatin1StringView("step-")))
        return false;
    return std::all_of(name.begin() + 5, name.end(), [](QChar c) { return c.isDigit(); });
}

QString joinRemote(const QString &dir, const QString &name)
{
    return dir.endsWith(QLatin1Char('/')) ? dir + name : dir + QLatin1Char('/') + name;
}

RunCheckpointFiles readLocalCheckpoints(const QString &runDir)
{
    RunCheckpointFiles out;
    out.runDir = runDir;
    const QDir run(runDir);
    const QDir checkpoints(run.filePath(QLatin1StringView(kCheckpointsFolder)));
    QString ignored;
    out.runConfig = readLocal(run.filePath(QStringLiteral("config.yaml")), &ignored);
    if (!checkpoints.exists())
        return out;
    out.bestPointer = readLocal(checkpoints.filePath(QLatin1StringView(kBestPointer)), &out.error);
    out.chosenPointer = readLocal(checkpoints.filePath(QLatin1StringView(kChosenPointer)), &out.error);
    const QStringList names = checkpoints.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &name : names) {
        if (!isCheckpointFolderName(name))
            continue;
        CheckpointFolder folder;
        folder.name = name;
        folder.path = checkpoints.filePath(name);
        const QDir dir(folder.path);
        for (const QFileInfo &file : dir.entryInfoList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name)) {
            folder.files << file.fileName();
            folder.fileSizes.insert(file.fileName(), file.size());
            folder.sizeBytes += file.size();
        }
        folder.modified = QFileInfo(folder.path).lastModified().toSecsSinceEpoch();
        folder.trainerState = readLocal(dir.filePath(QStringLiteral("trainer_state.json")), &folder.readError);
        folder.adapterConfig = readLocal(dir.filePath(QStringLiteral("adapter_config.json")), &folder.readError);
        folder.checksums = readLocal(dir.filePath(QStringLiteral("checksums.json")), &folder.readError);
        out.folders.append(std::move(folder));
    }
    return out;
}

Result<RunCheckpointFiles> readRemoteCheckpoints(SftpClient &sftp, const QString &runDir)
{
    RemoteReader reader{sftp, std::nullopt};
    RunCheckpointFiles out;
    out.runDir = runDir;
    out.runConfig = reader.read(joinRemote(runDir, QStringLiteral("config.yaml")), nullptr);
    const QString checkpoints = joinRemote(runDir, QLatin1StringView(kCheckpointsFolder));
    auto entries = sftp.listDirectory(checkpoints);
    if (!entries) {
        if (!reader.note(entries.error()))
            return *reader.lost;
        if (entries.error().code != ErrorCode::NotFound)
            out.error = QString::fromStdString(entries.error().toString());
        return out;
    }
    QStringList names;
    for (const RemoteEntry &entry : entries.value()) {
        if (entry.name == QLatin1StringView(kBestPointer))
            out.bestPointer = reader.read(joinRemote(checkpoints, entry.name), &out.error);
        else if (entry.name == QLatin1StringView(kChosenPointer))
            out.chosenPointer = reader.read(joinRemote(checkpoints, entry.name), &out.error);
        else if (entry.isDirectory && isCheckpointFolderName(entry.name))
            names << entry.name;
    }
    std::sort(names.begin(), names.end());
    for (const QString &name : names) {
        CheckpointFolder folder;
        folder.name = name;
        folder.path = joinRemote(checkpoints, name);
        auto files = sftp.listDirectory(folder.path);
        if (!files) {
            if (!reader.note(files.error()))
                return *reader.lost;
            if (files.error().code == ErrorCode::NotFound)
                continue;  // pruned between the two listings
            folder.readError = QString::fromStdString(files.error().message);
            out.folders.append(std::move(folder));
            continue;
        }
        QList<RemoteEntry> list = files.value();
        std::sort(list.begin(), list.end(), [](const RemoteEntry &a, const RemoteEntry &b) { return a.name < b.name; });
        for (const RemoteEntry &file : list) {
            if (file.isDirectory)
                continue;
            folder.files << file.name;
            folder.fileSizes.insert(file.name, file.size);
            folder.sizeBytes += file.size;
            folder.modified = std::max(folder.modified, file.modified);
            if (file.name == QLatin1StringView("trainer_state.json"))
                folder.trainerState = reader.read(joinRemote(folder.path, file.name), &folder.readError);
            else if (file.name == QLatin1StringView("adapter_config.json"))
                folder.adapterConfig = reader.read(joinRemote(folder.path, file.name), &folder.readError);
            else if (file.name == QLatin1StringView("checksums.json"))
                folder.checksums = reader.read(joinRemote(folder.path, file.name), &folder.readError);
        }
        out.folders.append(std::move(folder));
    }
    if (reader.lost)
        return *reader.lost;
    return out;
}

}  // namespace corral
