// MainWindow and the profiles: the profiles dialog, the lists that name every profile (status
// bar, the config editor's Runs on box), and the profile a draft is meant for, which decides the
// editor's estimate and where its path fields browse and check (over SFTP for a cluster).
#include "MainWindow.h"

#include "ConfigEditor.h"
#include "ConnectionStatusBar.h"
#include "DialogAuthPrompter.h"
#include "ProfilesDialog.h"
#include "RemotePathBrowser.h"
#include "profiles/ProfileStore.h"
#include "runs/ClusterRuns.h"
#include "slurm/ClusterSession.h"

#include <QSettings>

namespace corral {

QString MainWindow::lastSubmitProfile() const
{
    const QString last = QSettings().value(QStringLiteral("submit/profile"), QStringLiteral("local")).toString();
    ProfileStore *store = m_controller->services().profiles;
    return store && store->profile(last) ? last : QStringLiteral("local");
}

// The config editor follows the profile: the resource estimate weighs the config against its
// GPUs, and the path fields browse and check its files (over SFTP for a cluster).
void MainWindow::useProfile(const QString &name)
{
    ProfileStore *store = m_controller->services().profiles;
    const ClusterProfile profile = (store ? store->profile(name) : std::nullopt).value_or(ClusterProfile::local());
    m_form->setProfile(profile);
    if (profile.isLocal()) {
        m_form->setPathBrowser(nullptr);
        return;
    }
    if (!m_clusterBrowser || m_clusterBrowser->profile() != profile.name) {
        m_form->setPathBrowser(nullptr);  // before the browser it holds goes
        m_clusterBrowser = std::make_unique<RemotePathBrowser>(
            profile.name, withSshConfigDefaults(profile).workRoot, [this, name = profile.name]() -> SshConnection * {
                ClusterSession *session = m_controller->cluster().session(name);
                return session ? &session->connection() : nullptr;
            });
    }
    m_form->setPathBrowser(m_clusterBrowser.get());
}

ProfilesDialog *MainWindow::showProfiles()
{
    ProfileStore *store = m_controller->services().profiles;
    if (!store)
        return nullptr;
    auto *dialog = new ProfilesDialog(*store, m_prompter, m_controller->services().secrets, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ProfilesDialog::profilesChanged, this, &MainWindow::syncProfiles);
    dialog->open();
    return dialog;
}

void MainWindow::syncProfiles()
{
    QStringList names;
    if (ProfileStore *store = m_controller->services().profiles)
        for (const ClusterProfile &p : store->profiles())
            if (!p.isLocal())
                names << p.name;
    m_connections->setProfiles(names);
    m_form->setProfileNames(names);
    // A profile may have changed (its work root) or gone: the browser is made anew.
    m_form->setPathBrowser(nullptr);
    m_clusterBrowser.reset();
    useProfile(m_form->profileName());
}

}  // namespace corral
