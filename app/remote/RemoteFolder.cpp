#include "remote/RemoteFolder.h"

#include "remote/SshSession.h"

#include <algorithm>

namespace corral {

namespace {
QString joined(const QString &folder, const QString &name)
{
    return folder.endsWith(QLatin1Char('/')) ? folder + name : folder + QLatin1Char('/') + name;
}

// Connection trouble ends the search for a start folder: every other candidate would fail the same way.
bool worthTryingNext(const Error &error)
{
    return !isConnectionLoss(error);
}
}  // namespace

void sortRemoteEntries(QList<RemoteEntry> &entries)
{
    std::sort(entries.begin(), entries.end(), [](const RemoteEntry &a, const RemoteEntry &b) {
        if (a.isDirectory != b.isDirectory)
            return a.isDirectory;
        if (const int c = a.name.compare(b.name, Qt::CaseInsensitive); c != 0)
            return c < 0;
        return a.name < b.name;
    });
}

QString remoteParentFolder(const QString &path)
{
    const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
    return slash <= 0 ? QStringLiteral("/") : path.left(slash);
}

Result<QString> absoluteRemotePath(SftpClient &sftp, const QString &path)
{
    const QString trimmed = path.trimmed();
    if (trimmed.startsWith(QLatin1Char('/'))) {
        // Like QDir::cleanPath, without a QDir: the path is on another machine.
        QStringList parts;
        for (const QString &part : trimmed.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
            if (part == QLatin1StringView("."))
                continue;
            if (part == QLatin1StringView("..")) {
                if (!parts.isEmpty())  // ".." of "/" is "/"
                    parts.removeLast();
            } else {
                parts << part;
            }
        }
        return QLatin1Char('/') + parts.join(QLatin1Char('/'));
    }
    auto home = sftp.canonicalPath(QStringLiteral("."));
    if (!home)
        return home.error();
    QString rest = trimmed;
    if (rest == QLatin1StringView("~"))
        rest.clear();
    else if (rest.startsWith(QLatin1StringView("~/")))
        rest = rest.mid(2);
    return rest.isEmpty() ? home.value() : absoluteRemotePath(sftp, joined(home.value(), rest));
}

Result<RemoteFolder> listRemoteFolder(SftpClient &sftp, const QString &path)
{
    auto absolute = absoluteRemotePath(sftp, path);
    if (!absolute)
        return absolute.error();
    auto listed = sftp.listDirectory(absolute.value());
    if (!listed)
        return listed.error();
    RemoteFolder folder{absolute.value(), std::move(listed).value()};
    for (RemoteEntry &entry : folder.entries) {
        if (!entry.isLink)
            continue;
        // A link to a folder is a folder to open; a dangling link stays a file the person can see.
        if (auto target = sftp.stat(joined(folder.path, entry.name))) {
            entry.isDirectory = target.value().isDirectory;
            entry.size = target.value().size;
            entry.modified = target.value().modified;
        } else if (isConnectionLoss(target.error())) {
            return target.error();
        }
    }
    sortRemoteEntries(folder.entries);
    return folder;
}

Result<RemoteLocation> openRemotePath(SftpClient &sftp, const QString &path)
{
    auto absolute = absoluteRemotePath(sftp, path);
    if (!absolute)
        return absolute.error();
    auto what = sftp.stat(absolute.value());
    if (!what)
        return what.error();
    if (what.value().isDirectory) {
        auto folder = listRemoteFolder(sftp, absolute.value());
        if (!folder)
            return folder.error();
        return RemoteLocation{std::move(folder).value(), {}};
    }
    auto folder = listRemoteFolder(sftp, remoteParentFolder(absolute.value()));
    if (!folder)
        return folder.error();
    return RemoteLocation{std::move(folder).value(), absolute.value()};
}

Result<RemoteLocation> openFirstRemotePath(SftpClient &sftp, const QStringList &candidates)
{
    for (const QString &candidate : candidates) {
        if (candidate.trimmed().isEmpty())
            continue;
        auto opened = openRemotePath(sftp, candidate);
        if (opened || !worthTryingNext(opened.error()))
            return opened;
    }
    return openRemotePath(sftp, QStringLiteral("~"));
}

}  // namespace corral
