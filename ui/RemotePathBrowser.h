#pragma once
// The PathBrowser of a cluster profile: Browse… opens a RemotePathDialog on the profile's SSH
// connection, and the config editor's path check looks for the model folder, tokenizer and data
// files on the cluster (app/slurm/ClusterPaths) instead of on this computer.
#include "PathBrowser.h"

#include <functional>

namespace corral {

class SshConnection;

class RemotePathBrowser final : public PathBrowser {
public:
    // The profile's connection, opened on first use if need be; null when there is none.
    using ConnectionProvider = std::function<SshConnection *()>;

    // `workRoot`: where the dialog starts when the field holds no path on the cluster.
    RemotePathBrowser(QString profile, QString workRoot, ConnectionProvider connection);

    QString location() const override;
    void browse(QWidget *parent, const PathRequest &request, std::function<void(const QStringList &)> done) override;
    bool isLocal() const override { return false; }
    void checkPaths(QObject *context, const RunConfig &config,
                    std::function<void(const PathCheckReport &)> done) override;

    const QString &profile() const { return m_profile; }

private:
    QString m_profile;
    QString m_workRoot;
    ConnectionProvider m_connection;
};

}  // namespace corral
