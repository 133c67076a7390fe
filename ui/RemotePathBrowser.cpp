#include "RemotePathBrowser.h"

#include "RemotePathDialog.h"
#include "config/DataFiles.h"
#include "remote/RemoteFolder.h"
#include "remote/SshConnection.h"
#include "slurm/ClusterPaths.h"

#include <QSet>

namespace corral {

RemotePathBrowser::RemotePathBrowser(QString profile, QString workRoot, ConnectionProvider connection)
    : m_profile(std::move(profile)), m_workRoot(std::move(workRoot)), m_connection(std::move(connection))
{
}

QString RemotePathBrowser::location() const
{
    return QObject::tr("%1 (cluster)").arg(m_profile);
}

void RemotePathBrowser::browse(QWidget *parent, const PathRequest &request,
                               std::function<void(const QStringList &)> done)
{
    // The field's value first (a path this machine made up is simply not found there), then
    // the folder it is in, then the profile's work root; the home folder when none opens.
    QStringList start;
    const QString current = request.startPath.trimmed();
    if (current.startsWith(QLatin1Char('/')) && !isGlobPattern(current.toStdString()))
        start << current << remoteParentFolder(current);
    else if (current.startsWith(QLatin1Char('/')))
        start << remoteParentFolder(current);  // a pattern: the folder it looks in
    if (m_workRoot.startsWith(QLatin1Char('/')))
        start << m_workRoot;
    auto *dialog = new RemotePathDialog(m_connection ? m_connection() : nullptr, m_profile, request, start, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QObject::connect(dialog, &QDialog::finished, dialog, [dialog, done = std::move(done)](int result) {
        done(result == QDialog::Accepted ? dialog->selectedPaths() : QStringList());
    });
    dialog->open();
}

void RemotePathBrowser::checkPaths(QObject *context, const RunConfig &config,
                                   std::function<void(const PathCheckReport &)> done)
{
    SshConnection *ssh = m_connection ? m_connection() : nullptr;
    if (!ssh) {
        done({{}, QObject::tr("no connection to the cluster profile '%1'").arg(m_profile)});
        return;
    }
    // Data files on this machine go up with Submit: only the others are the cluster's.
    QSet<QString> here;
    for (const std::string &entry : config.data.files) {
        if (!expandDataEntry(entry).empty())
            here.insert(QString::fromStdString(entry));
    }
    ssh->post<std::vector<ConfigProblem>>([config, here, where = m_profile](SshWorker &worker) {
           auto checked = checkClusterPaths(worker.sftp(), config, where, [&here](const std::string &entry) {
               return !here.contains(QString::fromStdString(entry));
           });
           if (!checked)
               worker.noteFailure(checked.error());
           return checked;
       })
        .then(context, [done = std::move(done)](const Result<std::vector<ConfigProblem>> &checked) {
            if (checked)
                done({checked.value(), {}});
            else
                done({{}, QString::fromStdString(checked.error().toString())});
        });
}

}  // namespace corral
