#include "slurm/ClusterPaths.h"

#include "config/DataFiles.h"
#include "remote/SftpClient.h"
#include "remote/SshSession.h"

#include <fnmatch.h>

#include <optional>

namespace corral {

namespace {
// Folders a pattern may list before the search gives up (and answers "matches": unknown must
// not block a submit the trainer would accept).
constexpr int kPatternListings = 200;

QString q(const std::string &s) { return QString::fromStdString(s); }

QString joined(const QString &folder, const QString &name)
{
    return folder.endsWith(QLatin1Char('/')) ? folder + name : folder + QLatin1Char('/') + name;
}

bool hasWildcard(const QString &part)
{
    return isGlobPattern(part.toStdString());
}

// What a path is on the cluster: an entry, nothing (nullopt), or an error worth stopping for.
struct Probe {
    std::optional<RemoteEntry> entry;
    std::optional<Error> problem;  // cannot look (permission denied): say so beside the field
};

Result<Probe> probe(SftpClient &sftp, const QString &path)
{
    auto st = sftp.stat(path);
    if (st)
        return Probe{st.value(), std::nullopt};
    if (isConnectionLoss(st.error()))
        return st.error();
    if (st.error().code == ErrorCode::NotFound)
        return Probe{};
    return Probe{std::nullopt, st.error()};
}

Result<bool> walk(SftpClient &sftp, const QString &base, const QStringList &rest, int &budget)
{
    const QString part = rest.first();
    const bool last = rest.size() == 1;
    if (!hasWildcard(part)) {
        const QString next = joined(base, part);
        if (!last)
            return walk(sftp, next, rest.mid(1), budget);
        auto found = probe(sftp, next);
        if (!found)
            return found.error();
        return found.value().entry && !found.value().entry->isDirectory;
    }
    if (--budget < 0)
        return true;
    auto listed = sftp.listDirectory(base);
    if (!listed)
        return isConnectionLoss(listed.error()) ? Result<bool>(listed.error()) : Result<bool>(false);
    const QByteArray pattern = part.toUtf8();
    for (const RemoteEntry &entry : listed.value()) {
        if (fnmatch(pattern.constData(), entry.name.toUtf8().constData(), FNM_PERIOD) != 0)
            continue;
        const QString path = joined(base, entry.name);
        bool isDirectory = entry.isDirectory;
        if (entry.isLink) {
            auto target = probe(sftp, path);
            if (!target)
                return target.error();
            if (!target.value().entry)
                continue;  // a dangling link names no file
            isDirectory = target.value().entry->isDirectory;
        }
        if (last && !isDirectory)
            return true;
        if (!last && isDirectory) {
            auto deeper = walk(sftp, path, rest.mid(1), budget);
            if (!deeper || deeper.value())
                return deeper;
        }
    }
    return false;
}
}  // namespace

Result<bool> remotePatternMatches(SftpClient &sftp, const QString &pattern)
{
    if (!pattern.startsWith(QLatin1Char('/')))
        return true;  // relative to the job's folder: nothing to look at from here
    const QStringList parts = pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return false;
    int budget = kPatternListings;
    return walk(sftp, QStringLiteral("/"), parts, budget);
}

Result<std::vector<ConfigProblem>> checkClusterPaths(SftpClient &sftp, const RunConfig &config, const QString &where,
                                                     const IsClusterDataEntry &isClusterEntry)
{
    std::vector<ConfigProblem> problems;
    const auto add = [&](const std::string &field, const QString &message) {
        problems.push_back({field, QStringLiteral("%1 on %2").arg(message, where).toStdString(), {}});
    };
    const auto unreadable = [&](const std::string &field, const Error &error) { add(field, q(error.message)); };

    for (size_t i = 0; i < config.data.files.size(); ++i) {
        const std::string &entry = config.data.files[i];
        if (entry.empty() || !isClusterEntry(entry))
            continue;
        const std::string field = "data.files[" + std::to_string(i) + "]";
        if (isGlobPattern(entry)) {
            auto matches = remotePatternMatches(sftp, q(entry));
            if (!matches)
                return matches.error();
            if (!matches.value())
                add(field, QStringLiteral("no file matches '%1'").arg(q(entry)));
            continue;
        }
        auto found = probe(sftp, q(entry));
        if (!found)
            return found.error();
        if (found.value().problem)
            unreadable(field, *found.value().problem);
        else if (!found.value().entry || found.value().entry->isDirectory)
            add(field, QStringLiteral("no such file '%1'").arg(q(entry)));
    }

    if (!config.model.path.empty()) {
        const QString folder = q(config.model.path);
        auto found = probe(sftp, folder);
        if (!found)
            return found.error();
        if (found.value().problem) {
            unreadable("model.path", *found.value().problem);
        } else if (!found.value().entry || !found.value().entry->isDirectory) {
            add("model.path", QStringLiteral("no such folder '%1'").arg(folder));
        } else {
            auto json = probe(sftp, joined(folder, QStringLiteral("config.json")));
            if (!json)
                return json.error();
            if (json.value().problem)
                unreadable("model.path", *json.value().problem);
            else if (!json.value().entry)
                add("model.path",
                    QStringLiteral("no config.json in '%1' (not a Hugging Face model folder)").arg(folder));
        }
    }

    if (!config.model.tokenizer.empty() && config.model.tokenizer != "byte") {
        const QString tokenizer = q(config.model.tokenizer);
        auto found = probe(sftp, tokenizer);
        if (!found)
            return found.error();
        if (found.value().entry && found.value().entry->isDirectory) {
            found = probe(sftp, joined(tokenizer, QStringLiteral("tokenizer.json")));
            if (!found)
                return found.error();
        }
        if (found.value().problem)
            unreadable("model.tokenizer", *found.value().problem);
        else if (!found.value().entry)
            add("model.tokenizer", QStringLiteral("no tokenizer.json at '%1'").arg(tokenizer));
    }
    return problems;
}

}  // namespace corral
