#include "profiles/ProfileStore.h"

#include "profiles/ProfileJson.h"
#include "profiles/ProfileValidation.h"
#include "remote/SshConfigFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>

namespace corral {

namespace {
Error fileError(ErrorCode code, const QString &file, const QString &message)
{
    return makeError(code, message.toStdString(), file.toStdString());
}

QString joinProblems(const QString &prefix, const QList<ProfileProblem> &problems)
{
    QStringList lines;
    for (const ProfileProblem &problem : problems)
        lines << prefix + problem.toString();
    return lines.join(QLatin1Char('\n'));
}
}  // namespace

ProfileStore::ProfileStore(QString filePath) : m_filePath(std::move(filePath)) {}

QString ProfileStore::defaultFilePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)).filePath(QStringLiteral("profiles.json"));
}

Status ProfileStore::load()
{
    QFile file(m_filePath);
    if (!file.exists()) {
        m_profiles.clear();
        return okStatus();
    }
    if (!file.open(QIODevice::ReadOnly))
        return fileError(ErrorCode::Io, m_filePath, QStringLiteral("cannot be read: %1").arg(file.errorString()));
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fileError(ErrorCode::Parse, m_filePath, QStringLiteral("not JSON at byte %1: %2")
                                                           .arg(parseError.offset).arg(parseError.errorString()));
    const QJsonObject root = doc.object();
    const QJsonValue version = root.value(QStringLiteral("version"));
    if (!version.isDouble() || version.toInt() < 1)
        return fileError(ErrorCode::Parse, m_filePath, QStringLiteral("version: must be a positive whole number"));
    if (version.toInt() > kFormatVersion)
        return fileError(ErrorCode::Parse, m_filePath, QStringLiteral("version: %1 was written by a newer Corral; this "
                                                                      "one reads version %2")
                                                           .arg(version.toInt()).arg(kFormatVersion));
    const QJsonValue list = root.value(QStringLiteral("profiles"));
    if (!list.isUndefined() && !list.isArray())
        return fileError(ErrorCode::Parse, m_filePath, QStringLiteral("profiles: must be a list"));

    QList<ClusterProfile> loaded;
    QStringList problems;
    QSet<QString> names;
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString prefix = QStringLiteral("profiles[%1].").arg(i);
        if (!array[i].isObject()) {
            problems << QStringLiteral("profiles[%1]: must be an object").arg(i);
            continue;
        }
        QList<ProfileProblem> found;
        const ClusterProfile profile = profileFromJson(array[i].toObject(), &found);
        found << validateProfile(profile);
        if (profile.isLocal())
            found << ProfileProblem{QStringLiteral("name"), QStringLiteral("\"local\" is the built-in profile")};
        else if (!profile.name.isEmpty() && names.contains(profile.name))
            found << ProfileProblem{QStringLiteral("name"), QStringLiteral("\"%1\" is used twice").arg(profile.name)};
        names.insert(profile.name);
        if (!found.isEmpty())
            problems << joinProblems(prefix, found);
        loaded << profile;
    }
    if (!problems.isEmpty())
        return fileError(ErrorCode::Validation, m_filePath, problems.join(QLatin1Char('\n')));
    m_profiles = loaded;
    return okStatus();
}

QList<ClusterProfile> ProfileStore::profiles() const { return QList<ClusterProfile>{ClusterProfile::local()} + m_profiles; }

std::optional<ClusterProfile> ProfileStore::profile(const QString &name) const
{
    for (const ClusterProfile &p : profiles())
        if (p.name == name)
            return p;
    return std::nullopt;
}

Status ProfileStore::put(const ClusterProfile &profile)
{
    if (profile.isLocal())
        return makeError(ErrorCode::InvalidArgument, "\"local\" is the built-in profile and cannot be changed", "name");
    if (const auto problems = validateProfile(profile); !problems.isEmpty())
        return makeError(ErrorCode::Validation, joinProblems(QString(), problems).toStdString(), profile.name.toStdString());
    QList<ClusterProfile> updated = m_profiles;
    const auto it = std::find_if(updated.begin(), updated.end(), [&](const ClusterProfile &p) { return p.name == profile.name; });
    if (it == updated.end())
        updated << profile;
    else
        *it = profile;
    std::swap(m_profiles, updated);
    if (auto st = save(); !st) {
        std::swap(m_profiles, updated);  // memory keeps matching the file
        return st;
    }
    return okStatus();
}

Status ProfileStore::remove(const QString &name)
{
    if (name == QLatin1StringView("local"))
        return makeError(ErrorCode::InvalidArgument, "\"local\" is the built-in profile and cannot be deleted", "name");
    QList<ClusterProfile> updated = m_profiles;
    if (updated.removeIf([&](const ClusterProfile &p) { return p.name == name; }) == 0)
        return makeError(ErrorCode::NotFound, "no such profile", name.toStdString());
    std::swap(m_profiles, updated);
    if (auto st = save(); !st) {
        std::swap(m_profiles, updated);
        return st;
    }
    return okStatus();
}

Status ProfileStore::save() const
{
    QJsonArray list;
    for (const ClusterProfile &profile : m_profiles)
        list << profileToJson(profile);
    const QJsonObject root{{QStringLiteral("version"), kFormatVersion}, {QStringLiteral("profiles"), list}};
    if (!QDir().mkpath(QFileInfo(m_filePath).absolutePath()))
        return fileError(ErrorCode::Io, m_filePath, QStringLiteral("its folder cannot be created"));
    QSaveFile file(m_filePath);
    if (!file.open(QIODevice::WriteOnly))
        return fileError(ErrorCode::Io, m_filePath, QStringLiteral("cannot be written: %1").arg(file.errorString()));
    // Owner only (0600), as OpenSSH keeps its config: it names hosts, users, key files and the
    // proxy used to reach them. Set on the temporary file, so the name never has other modes.
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return fileError(ErrorCode::Io, m_filePath, QStringLiteral("cannot be made private: %1").arg(file.errorString()));
    file.write(QJsonDocument(root).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return fileError(ErrorCode::Io, m_filePath, QStringLiteral("cannot be saved: %1").arg(file.errorString()));
    return okStatus();
}

ClusterProfile withSshConfigDefaults(const ClusterProfile &profile, const SshConfigFile &config)
{
    if (profile.isLocal())
        return profile;
    ClusterProfile resolved = profile;
    resolved.ssh = config.endpointFor(profile.ssh.host, profile.ssh);
    return resolved;
}

ClusterProfile withSshConfigDefaults(const ClusterProfile &profile)
{
    const QString file = profile.ssh.sshConfigFile.isEmpty() ? QDir::home().filePath(QStringLiteral(".ssh/config"))
                                                             : profile.ssh.sshConfigFile;
    return withSshConfigDefaults(profile, SshConfigFile::fromFile(file));
}

}  // namespace corral
