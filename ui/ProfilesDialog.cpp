#include "ProfilesDialog.h"

#include "ProfileEditor.h"
#include "profiles/ProfileStore.h"
#include "remote/RememberedSecrets.h"
#include "remote/SshConnection.h"
#include "slurm/SlurmClient.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace corral {

ProfilesDialog::ProfilesDialog(ProfileStore &store, AuthPrompter *prompter, SecretStore *secrets, QWidget *parent)
    : QDialog(parent), m_store(store), m_prompter(prompter), m_secrets(secrets)
{
    setObjectName(QStringLiteral("profilesDialog"));
    setWindowTitle(tr("Cluster profiles"));
    auto *layout = new QVBoxLayout(this);
    auto *splitter = new QSplitter(this);
    layout->addWidget(splitter, 1);

    auto *left = new QWidget(splitter);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    m_list = new QListWidget(left);
    m_list->setObjectName(QStringLiteral("profileList"));
    leftLayout->addWidget(m_list, 1);
    auto *listButtons = new QHBoxLayout;
    auto *add = new QPushButton(tr("New"), left);
    m_delete = new QPushButton(tr("Delete"), left);
    listButtons->addWidget(add);
    listButtons->addWidget(m_delete);
    leftLayout->addLayout(listButtons);

    auto *right = new QWidget(splitter);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(right);
    scroll->setWidgetResizable(true);
    m_editor = new ProfileEditor(scroll);
    scroll->setWidget(m_editor);
    rightLayout->addWidget(scroll, 3);

    auto *connectRow = new QHBoxLayout;
    m_connect = new QPushButton(tr("Connect"), right);
    m_connect->setToolTip(tr("Log in with these settings and list the cluster's partitions and GPUs (sinfo)"));
    m_connectStatus = new QLabel(right);
    m_connectStatus->setObjectName(QStringLiteral("connectStatus"));
    m_connectStatus->setWordWrap(true);
    m_connectStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connectRow->addWidget(m_connect);
    connectRow->addWidget(m_connectStatus, 1);
    rightLayout->addLayout(connectRow);
    m_partitions = new QTableWidget(0, 6, right);
    m_partitions->setObjectName(QStringLiteral("partitions"));
    m_partitions->setHorizontalHeaderLabels({tr("Partition"), tr("State"), tr("Nodes"), tr("GPUs per node"),
                                             tr("CPUs / memory per node"), tr("Time limit")});
    m_partitions->horizontalHeader()->setStretchLastSection(true);
    m_partitions->verticalHeader()->hide();
    m_partitions->setEditTriggers(QAbstractItemView::NoEditTriggers);
    rightLayout->addWidget(m_partitions, 1);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({200, 700});

    m_saveStatus = new QLabel(this);
    m_saveStatus->setObjectName(QStringLiteral("saveStatus"));
    m_saveStatus->setWordWrap(true);
    layout->addWidget(m_saveStatus);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_save = buttons->addButton(tr("Save"), QDialogButtonBox::ApplyRole);
    layout->addWidget(buttons);

    m_editor->setExtraCheck([this](const ClusterProfile &p) -> QList<ProfileProblem> {
        if (p.name == QLatin1StringView("local"))
            return {{QStringLiteral("name"), QStringLiteral("\"local\" is the built-in profile; choose another name")}};
        if (p.name != m_editing && m_store.profile(p.name))
            return {{QStringLiteral("name"), QStringLiteral("a profile named \"%1\" exists already").arg(p.name)}};
        return {};
    });
    connect(m_editor, &ProfileEditor::changed, this, &ProfilesDialog::updateButtons);
    connect(add, &QPushButton::clicked, this, &ProfilesDialog::newProfile);
    connect(m_delete, &QPushButton::clicked, this, [this] { removeSelected(); });
    connect(m_save, &QPushButton::clicked, this, [this] { save(); });
    connect(m_connect, &QPushButton::clicked, this, &ProfilesDialog::connectToCluster);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QListWidget::currentTextChanged, this, [this](const QString &name) {
        if (name.isEmpty() || name == m_editing)
            return;
        if (const auto p = m_store.profile(name)) {
            m_editing = name;
            m_editor->setProfile(*p);
            m_saveStatus->clear();
        }
        updateButtons();
    });

    reloadList({});
    if (m_list->count() == 0)
        newProfile();
    resize(900, 720);
}

ProfilesDialog::~ProfilesDialog()
{
    m_slurm.reset();
    m_connection.reset();
}

QStringList ProfilesDialog::listedProfiles() const
{
    QStringList names;
    for (int i = 0; i < m_list->count(); ++i)
        names << m_list->item(i)->text();
    return names;
}

void ProfilesDialog::reloadList(const QString &select)
{
    const QSignalBlocker block(m_list);
    m_list->clear();
    for (const ClusterProfile &p : m_store.profiles())
        if (!p.isLocal())
            m_list->addItem(p.name);
    const auto found = m_list->findItems(select.isEmpty() ? m_editing : select, Qt::MatchExactly);
    if (!found.isEmpty())
        m_list->setCurrentItem(found.first());
    else if (select.isEmpty() && m_editing.isEmpty() && m_list->count() > 0) {
        m_list->setCurrentRow(0);
        m_editing = m_list->item(0)->text();
        m_editor->setProfile(*m_store.profile(m_editing));
    }
    updateButtons();
}

void ProfilesDialog::selectProfile(const QString &name)
{
    const auto found = m_list->findItems(name, Qt::MatchExactly);
    if (!found.isEmpty())
        m_list->setCurrentItem(found.first());
}

void ProfilesDialog::newProfile()
{
    m_editing.clear();
    m_list->clearSelection();
    m_list->setCurrentItem(nullptr);
    ClusterProfile fresh;
    m_editor->setProfile(fresh);
    m_saveStatus->setText(tr("New profile: fill in at least a name and the host, then Save."));
    updateButtons();
}

void ProfilesDialog::updateButtons()
{
    const bool valid = m_editor->problems().isEmpty();
    m_save->setEnabled(valid);
    m_save->setToolTip(valid ? tr("Save to %1").arg(m_store.filePath()) : tr("Fix the fields marked in red first"));
    m_delete->setEnabled(!m_editing.isEmpty());
    m_connect->setEnabled(!m_connecting && !m_editor->profile().ssh.host.trimmed().isEmpty());
}

bool ProfilesDialog::save()
{
    const ClusterProfile p = m_editor->profile();
    if (const auto problems = m_editor->problems(); !problems.isEmpty()) {
        m_saveStatus->setText(tr("Not saved: %1").arg(problems.first().toString()));
        return false;
    }
    if (auto st = m_store.put(p); !st) {
        m_saveStatus->setText(tr("Not saved: %1").arg(QString::fromStdString(st.error().toString())));
        return false;
    }
    if (!m_editing.isEmpty() && m_editing != p.name) {  // renamed: the old entry goes
        if (auto st = m_store.remove(m_editing); !st)
            m_saveStatus->setText(QString::fromStdString(st.error().toString()));
    }
    m_editing = p.name;
    reloadList(p.name);
    m_saveStatus->setText(tr("Saved \"%1\" to %2").arg(p.name, m_store.filePath()));
    emit profilesChanged();
    return true;
}

bool ProfilesDialog::removeSelected(bool ask)
{
    if (m_editing.isEmpty())
        return false;
    if (ask && QMessageBox::question(this, tr("Delete profile"),
                                     tr("Delete the profile \"%1\"? Runs already submitted stay on the cluster.").arg(m_editing))
                   != QMessageBox::Yes)
        return false;
    if (auto st = m_store.remove(m_editing); !st) {
        m_saveStatus->setText(QString::fromStdString(st.error().toString()));
        return false;
    }
    const QString gone = std::exchange(m_editing, QString());
    reloadList({});
    if (m_editing.isEmpty())
        newProfile();
    m_saveStatus->setText(tr("Deleted \"%1\"").arg(gone));
    emit profilesChanged();
    return true;
}

bool ProfilesDialog::isConnecting() const
{
    return m_connecting;
}

QString ProfilesDialog::connectMessage() const
{
    return m_connectStatus->text();
}

void ProfilesDialog::connectToCluster()
{
    if (m_connecting)
        return;
    const ClusterProfile p = withSshConfigDefaults(m_editor->profile());
    m_slurm.reset();
    m_connection.reset();
    RememberedSecrets secrets = m_secrets ? RememberedSecrets(m_secrets, p.name) : RememberedSecrets();
    m_connection = std::make_unique<SshConnection>(p.ssh, m_prompter, std::move(secrets), 0);
    m_slurm = std::make_unique<SlurmClient>(*m_connection);
    m_connecting = true;
    m_connectStatus->setStyleSheet({});
    m_connectStatus->setText(tr("Connecting to %1…").arg(p.ssh.display()));
    updateButtons();
    m_slurm->clusterInfo().then(this, [this, who = p.ssh.display()](const Result<ClusterInfo> &info) {
        m_connecting = false;
        if (!info) {
            m_connectStatus->setStyleSheet(QStringLiteral("color: #cf222e"));
            m_connectStatus->setText(tr("Could not list the cluster: %1").arg(QString::fromStdString(info.error().toString())));
            showInfo({});
        } else {
            showInfo(info.value());
            const auto count = info.value().partitions.size();
            m_connectStatus->setText(tr("Connected to %1: %2; GPU types: %3")
                                         .arg(who, count == 1 ? tr("1 partition") : tr("%1 partitions").arg(count),
                                              info.value().gpuTypes().isEmpty() ? tr("none")
                                                                                : info.value().gpuTypes().join(QStringLiteral(", "))));
        }
        updateButtons();
        emit connectFinished(info.ok());
    });
}

void ProfilesDialog::showInfo(const ClusterInfo &info)
{
    m_info = info;
    m_partitions->setRowCount(0);
    QStringList names;
    for (const PartitionInfo &p : info.partitions) {
        const int row = m_partitions->rowCount();
        m_partitions->insertRow(row);
        const QString cpuMem = QStringLiteral("%1 CPUs, %2 MB").arg(p.cpusPerNode).arg(p.memoryPerNodeMb);
        const QStringList cells{p.isDefault ? p.name + tr(" (default)") : p.name,
                                p.availability + QStringLiteral(": ") + p.states.join(QStringLiteral(", ")),
                                QString::number(p.nodes), p.gpuSummary(), cpuMem, p.timeLimit};
        for (int c = 0; c < cells.size(); ++c)
            m_partitions->setItem(row, c, new QTableWidgetItem(cells[c]));
        names << p.name;
    }
    m_partitions->resizeColumnsToContents();
    m_editor->setPartitions(names, info.defaultPartition());
}

}  // namespace corral
