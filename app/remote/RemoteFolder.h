#pragma once
// Reading a cluster's folders for the remote path browser (ui/RemotePathDialog): what a typed
// path names, a folder's entries in the order the browser shows them, and the folder to start
// in. Runs on the connection's worker thread, like the SftpClient it reads through.
#include "config/Result.h"
#include "remote/SftpClient.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace corral {

struct RemoteFolder {
    QString path;  // absolute
    QList<RemoteEntry> entries;  // sorted by sortRemoteEntries; links shown as what they point at
};

// What a path opened in the browser turned out to be: a folder (listed), or a file (its folder
// listed, `file` the file's absolute path).
struct RemoteLocation {
    RemoteFolder folder;
    QString file;
};

// Folders first, then files; each group by name, ignoring case (exact order breaks ties).
void sortRemoteEntries(QList<RemoteEntry> &entries);

// "~" or "" is the login's home folder, "~/x" and relative paths are under it; absolute paths
// are only cleaned ("a/../b" → "b"), not resolved, so a link the person typed stays in the path.
Result<QString> absoluteRemotePath(SftpClient &sftp, const QString &path);

// Lists the folder `path` names (see absoluteRemotePath). Errors name the path and the host
// ("cannot list /scratch/x: permission denied").
Result<RemoteFolder> listRemoteFolder(SftpClient &sftp, const QString &path);

// A folder is listed; a file's folder is listed with the file named.
Result<RemoteLocation> openRemotePath(SftpClient &sftp, const QString &path);

// The first of `candidates` that opens (empty ones skipped), else the home folder; the error of
// the home folder when not even that can be read.
Result<RemoteLocation> openFirstRemotePath(SftpClient &sftp, const QStringList &candidates);

// The folder above `path` ("/" stays "/").
QString remoteParentFolder(const QString &path);

}  // namespace corral
