#pragma once
// Everything a run on a cluster needs before `sbatch`, worked out on this machine so the person
// can review it: the remote RUN_DIR, which local data files go up (SFTP) and where, the config
// rewritten to read those copies, the rendered job script, and notes on paths that are taken as
// cluster paths as they are (a model folder is never uploaded: it may be tens of gigabytes).
#include "config/Result.h"
#include "config/RunConfig.h"
#include "slurm/ClusterProfile.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace corral {

struct FileUpload {
    QString localPath;
    QString remotePath;
    qint64 bytes = 0;
};

struct RemoteRunPlan {
    QString runDir;            // absolute RUN_DIR on the cluster
    RunConfig config;          // what run.yaml holds: data.files point at the uploaded copies
    QList<FileUpload> uploads;
    QStringList notes;         // one line each, for the submit dialog
    QString script;            // job.sbatch as rendered from the template (the person may edit it)
    QString startFrom;         // a checkpoint folder on the cluster the run continues from; empty: none

    QByteArray runYaml() const;
    qint64 uploadBytes() const;
};

// RUN_DIR for a run folder named `folderName` under the profile's work root.
QString remoteRunDir(const ClusterProfile &profile, const QString &folderName);

// Fails (naming the field) when the profile has no work root, the template cannot be filled, or
// the config breaks a rule of the trainer (every rule but the paths' existence: they are on the
// cluster, and ClusterSession::submit looks for them there before sbatch).
Result<RemoteRunPlan> planRemoteRun(const RunConfig &config, const ClusterProfile &profile, const QString &jobName,
                                    const QString &folderName, const QString &templateText);

}  // namespace corral
