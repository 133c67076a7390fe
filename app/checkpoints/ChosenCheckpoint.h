#pragma once
// The checkpoint the person chose for a run (the one to export, deploy or compare against):
// RUN_DIR/checkpoints/chosen, a small JSON file beside `best`, replaced atomically, so the
// choice travels with the run folder and every app that opens it sees the same (format in
// docs/formats.md). corral-train never prunes the chosen checkpoint.
#include "config/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace corral {

class SftpClient;

struct ChosenPointer {
    qint64 step = -1;
    QString checkpoint;  // "step-00000040"
    QDateTime chosenAt;
};

QByteArray chosenPointerJson(qint64 step, const QDateTime &at);
Result<ChosenPointer> parseChosenPointer(const QByteArray &bytes);

// Writes RUN_DIR/checkpoints/chosen on this machine (QSaveFile: temp file + rename).
Status saveChosenLocal(const QString &runDir, qint64 step, const QDateTime &at = QDateTime::currentDateTimeUtc());
// The same on the cluster, on the connection's worker thread (temp file + SFTP rename).
Status saveChosenRemote(SftpClient &sftp, const QString &runDir, qint64 step,
                        const QDateTime &at = QDateTime::currentDateTimeUtc());

}  // namespace corral
