#pragma once
// app/checkpoints: the checkpoint index and comparison (which checkpoints a run has, what each
// one reached, which is best and which the person chose) — QtCore only, so it runs and is
// tested headless; the widgets that show it are in ui/.
//
// This file: what is READ from a run's checkpoints folder, locally or over SFTP, before any
// interpretation — the folders with their sizes, the small JSON files, the pointers. Reading
// and interpreting are apart so one index builder serves both places (CheckpointIndex.h).
#include "config/Result.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace corral {

class SftpClient;

struct CheckpointFolder {
    QString name;  // "step-00000040"
    QString path;  // the folder, local or on the cluster
    QStringList files;
    QMap<QString, qint64> fileSizes;  // name → bytes
    qint64 sizeBytes = 0;  // its files, summed
    qint64 modified = 0;   // unix seconds
    std::optional<QByteArray> trainerState;  // nullopt: not there
    std::optional<QByteArray> adapterConfig;
    std::optional<QByteArray> checksums;  // checksums.json (checkpoints of format 3 runs)
    QString readError;  // a file that is there but could not be read
};

struct RunCheckpointFiles {
    QString runDir;
    QVector<CheckpointFolder> folders;  // step-* folders, in name order
    std::optional<QByteArray> bestPointer;    // checkpoints/best
    std::optional<QByteArray> chosenPointer;  // checkpoints/chosen
    std::optional<QByteArray> runConfig;      // config.yaml
    QString error;  // the folder could not be listed (a missing folder is no error: no checkpoints yet)
};

// Names of a run folder's parts (docs/formats.md).
inline constexpr char kCheckpointsFolder[] = "checkpoints";
inline constexpr char kBestPointer[] = "best";
inline constexpr char kChosenPointer[] = "chosen";
bool isCheckpointFolderName(const QString &name);  // "step-" and eight digits; never ".tmp-…"

RunCheckpointFiles readLocalCheckpoints(const QString &runDir);
// On the connection's worker thread (inside SshConnection::post). An error only when the
// connection broke; other problems are in the result, as for local folders.
Result<RunCheckpointFiles> readRemoteCheckpoints(SftpClient &sftp, const QString &runDir);

// "a/b" joined with "/" (remote paths are POSIX whatever this machine is).
QString joinRemote(const QString &dir, const QString &name);

}  // namespace corral
