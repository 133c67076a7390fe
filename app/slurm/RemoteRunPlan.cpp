#include "slurm/RemoteRunPlan.h"

#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"
#include "config/DataFiles.h"
#include "slurm/SbatchScript.h"

#include <QFileInfo>
#include <QSet>

namespace corral {

QByteArray RemoteRunPlan::runYaml() const
{
    return QByteArray::fromStdString(configToYaml(config));
}

qint64 RemoteRunPlan::uploadBytes() const
{
    qint64 total = 0;
    for (const FileUpload &u : uploads)
        total += u.bytes;
    return total;
}

QString remoteRunDir(const ClusterProfile &profile, const QString &folderName)
{
    QString root = profile.workRoot;
    while (root.size() > 1 && root.endsWith(QLatin1Char('/')))
        root.chop(1);
    return root + QLatin1Char('/') + folderName;
}

Result<RemoteRunPlan> planRemoteRun(const RunConfig &config, const ClusterProfile &profile, const QString &jobName,
                                    const QString &folderName, const QString &templateText)
{
    if (profile.isLocal())
        return makeError(ErrorCode::InvalidArgument, "the local profile runs without a job script", "profile");
    if (!profile.workRoot.startsWith(QLatin1Char('/')))
        return makeError(ErrorCode::Validation,
                         "must be an absolute folder on the cluster to submit runs (set it in the profile)",
                         "work_root");
    if (folderName.isEmpty() || folderName.contains(QLatin1Char('/')))
        return makeError(ErrorCode::InvalidArgument, "a run folder name without '/' is needed", "run");
    // The trainer's rules but the paths' existence: those are looked for on the cluster (ClusterSession::submit).
    if (const auto problems = validateConfig(config, PathCheck::Skip); !problems.empty()) {
        std::string lines;
        for (const auto &problem : problems)
            lines += (lines.empty() ? "" : "; ") + problem.toString();
        return makeError(ErrorCode::Validation, "the config has problems: " + lines);
    }

    RemoteRunPlan plan;
    plan.runDir = remoteRunDir(profile, folderName);
    plan.config = config;
    const QString dataDir = plan.runDir + QStringLiteral("/data/");
    QSet<QString> usedNames;
    std::vector<std::string> files;
    for (std::size_t i = 0; i < config.data.files.size(); ++i) {
        const std::string &entry = config.data.files[i];
        const std::vector<std::string> local = expandDataEntry(entry);
        if (local.empty()) {
            plan.notes << QStringLiteral("data.files[%1]: %2 is not on this machine; taken as a path on the cluster")
                              .arg(i).arg(QString::fromStdString(entry));
            files.push_back(entry);
            continue;
        }
        for (const std::string &path : local) {
            const QFileInfo info(QString::fromStdString(path));
            QString name = info.fileName();
            for (int n = 2; usedNames.contains(name); ++n)
                name = QStringLiteral("%1-%2").arg(n).arg(info.fileName());
            usedNames.insert(name);
            plan.uploads << FileUpload{info.absoluteFilePath(), dataDir + name, info.size()};
            files.push_back((dataDir + name).toStdString());
        }
    }
    plan.config.data.files = files;
    if (!config.model.path.empty())
        plan.notes << QStringLiteral("model.path: %1 is not uploaded; it must exist at that path on the cluster")
                          .arg(QString::fromStdString(config.model.path));
    const QString tokenizer = QString::fromStdString(config.model.tokenizer);
    if (!tokenizer.isEmpty() && tokenizer != QLatin1StringView("byte"))
        plan.notes << QStringLiteral("model.tokenizer: %1 is not uploaded; it must exist at that path on the cluster")
                          .arg(tokenizer);

    auto script = SbatchScript::render(templateText, SbatchInputs{profile, jobName, plan.runDir});
    if (!script)
        return script.error();
    plan.script = script.value();
    return plan;
}

}  // namespace corral
