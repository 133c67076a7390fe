#pragma once
// Cluster profiles: the list on the left, the selected one's fields on the right (ProfileEditor,
// problems beside their fields), New / Save / Delete through ProfileStore (which validates again
// and writes profiles.json atomically), and Connect: the edited profile's SSH login (host key and
// password prompts as dialogs) followed by `sinfo`, its partitions and GPU types in a table.
#include "slurm/SinfoParser.h"

#include <QDialog>

#include <memory>

class QLabel;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace corral {

class AuthPrompter;
class ProfileEditor;
class ProfileStore;
class SecretStore;
class SlurmClient;
class SshConnection;

class ProfilesDialog : public QDialog {
    Q_OBJECT
public:
    ProfilesDialog(ProfileStore &store, AuthPrompter *prompter, SecretStore *secrets, QWidget *parent = nullptr);
    ~ProfilesDialog() override;

    ProfileEditor *editor() const { return m_editor; }
    QStringList listedProfiles() const;
    void selectProfile(const QString &name);
    void newProfile();
    bool save();  // false with the reason shown when the store refuses
    bool removeSelected(bool ask = true);
    void connectToCluster();  // the Connect button: login, then sinfo (asynchronous)
    bool isConnecting() const;
    const ClusterInfo &clusterInfo() const { return m_info; }
    QString connectMessage() const;

signals:
    void profilesChanged();
    void connectFinished(bool ok);

private:
    void reloadList(const QString &select);
    void updateButtons();
    void showInfo(const ClusterInfo &info);

    ProfileStore &m_store;
    AuthPrompter *m_prompter;
    SecretStore *m_secrets;
    QString m_editing;  // the stored name of the profile in the editor; empty for a new one
    QListWidget *m_list = nullptr;
    ProfileEditor *m_editor = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_delete = nullptr;
    QPushButton *m_connect = nullptr;
    QLabel *m_connectStatus = nullptr;
    QTableWidget *m_partitions = nullptr;
    QLabel *m_saveStatus = nullptr;
    ClusterInfo m_info;
    std::unique_ptr<SshConnection> m_connection;
    std::unique_ptr<SlurmClient> m_slurm;
    bool m_connecting = false;
};

}  // namespace corral
