#include "ProfileEditor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace corral {

namespace {
constexpr AuthMethod kMethods[] = {AuthMethod::Agent, AuthMethod::PublicKey, AuthMethod::KeyboardInteractive,
                                   AuthMethod::Password};

QStringList linesOf(const QPlainTextEdit *edit)
{
    QStringList lines;
    for (const QString &line : edit->toPlainText().split(QLatin1Char('\n')))
        if (!line.trimmed().isEmpty())
            lines << line.trimmed();
    return lines;
}
}  // namespace

ProfileEditor::ProfileEditor(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QFormLayout(this);
    layout->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    addText("name", tr("Name"), tr("How runs and the status bar name this cluster"));
    addText("host", tr("Host"), tr("Login node: a name, an address or a ~/.ssh/config alias"));
    addNumber("port", tr("Port"), 0, 999999, tr("SSH port (22)"));
    addText("user", tr("User"), tr("Empty: from ~/.ssh/config, else your local user name"));
    addLines("identity_files", tr("Identity files"), tr("Private keys to try, one per line; empty: ~/.ssh/id_ed25519, id_ecdsa, id_rsa"));

    auto *methods = new QWidget(this);
    auto *methodRow = new QHBoxLayout(methods);
    methodRow->setContentsMargins(0, 0, 0, 0);
    const QString names[] = {tr("agent"), tr("key files"), tr("keyboard-interactive"), tr("password")};
    for (int i = 0; i < 4; ++i) {
        auto *box = new QCheckBox(names[i], methods);
        box->setObjectName(QStringLiteral("auth-%1").arg(i));
        methodRow->addWidget(box);
        m_methods.insert(static_cast<int>(kMethods[i]), box);
        connect(box, &QCheckBox::toggled, this, &ProfileEditor::refresh);
    }
    methodRow->addStretch(1);
    addRow("auth_methods", tr("Login methods"), methods, tr("Tried in this order; a method the server does not offer is skipped"));

    addText("proxy_jump", tr("ProxyJump"), tr("user@bastion:port to go through, as OpenSSH's ProxyJump"));
    addText("known_hosts_file", tr("known_hosts"), tr("Empty: ~/.ssh/known_hosts"));
    addText("ssh_config_file", tr("SSH config"), tr("Empty: ~/.ssh/config"));
    addNumber("connect_timeout_s", tr("Connect timeout"), 0, 3600, tr("Seconds"));
    addText("work_root", tr("Work root"), tr("Absolute folder on the cluster; each run gets a folder under it"));
    addText("trainer_path", tr("corral-train"), tr("corral-train on the cluster: a path or a command on its PATH"));
    addLines("modules", tr("Modules"), tr("`module load` each, one per line"));
    addLines("environment_setup", tr("Environment"), tr("Shell lines run before the trainer (they are code, written as given)"));

    m_partition = new QComboBox(this);
    m_partition->setEditable(true);
    m_partition->setObjectName(QStringLiteral("partition"));
    connect(m_partition, &QComboBox::currentTextChanged, this, &ProfileEditor::refresh);
    addRow("partition", tr("Partition"), m_partition, tr("Empty: the cluster's default; Connect lists them"));
    addText("account", tr("Account"), {});
    addText("qos", tr("QoS"), {});
    addText("time_limit", tr("Time limit"), tr("SLURM --time: MM, HH:MM:SS, D-HH, D-HH:MM:SS"));
    addNumber("nodes", tr("Nodes"), 0, 100000, {});
    addNumber("gpus_per_node", tr("GPUs per node"), -1, 1024, tr("One rank per GPU"));
    addNumber("cpu_tasks_per_node", tr("Ranks per node (no GPU)"), 0, 1024, {});
    addNumber("cpus_per_task", tr("CPUs per task"), 0, 4096, {});
    addText("memory_per_node", tr("Memory per node"), tr("SLURM size: 4000M, 64G; empty: the cluster's default"));
    setProfile(ClusterProfile{});
}

void ProfileEditor::addRow(const char *field, const QString &label, QWidget *editor, const QString &tip)
{
    const QString key = QLatin1StringView(field);
    editor->setObjectName(key);
    editor->setToolTip(tip.isEmpty() ? key : QStringLiteral("%1 — %2").arg(key, tip));
    auto *message = new QLabel(this);
    message->setObjectName(QStringLiteral("problem-") + key);
    message->setStyleSheet(QStringLiteral("color: #cf222e"));
    message->setWordWrap(true);
    message->hide();
    auto *cell = new QWidget(this);
    auto *v = new QVBoxLayout(cell);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(1);
    v->addWidget(editor);
    v->addWidget(message);
    static_cast<QFormLayout *>(layout())->addRow(label, cell);
    m_editors.insert(key, editor);
    m_messages.insert(key, message);
}

QLineEdit *ProfileEditor::addText(const char *field, const QString &label, const QString &tip)
{
    auto *edit = new QLineEdit(this);
    addRow(field, label, edit, tip);
    connect(edit, &QLineEdit::textChanged, this, &ProfileEditor::refresh);
    return edit;
}

QSpinBox *ProfileEditor::addNumber(const char *field, const QString &label, int min, int max, const QString &tip)
{
    // Wide ranges: validateProfile, not the spin box, says what is wrong with a value.
    auto *spin = new QSpinBox(this);
    spin->setRange(min, max);
    addRow(field, label, spin, tip);
    connect(spin, &QSpinBox::valueChanged, this, &ProfileEditor::refresh);
    return spin;
}

QPlainTextEdit *ProfileEditor::addLines(const char *field, const QString &label, const QString &tip)
{
    auto *edit = new QPlainTextEdit(this);
    edit->setTabChangesFocus(true);
    edit->setFixedHeight(edit->fontMetrics().lineSpacing() * 3 + 12);
    addRow(field, label, edit, tip);
    connect(edit, &QPlainTextEdit::textChanged, this, &ProfileEditor::refresh);
    return edit;
}

void ProfileEditor::setProfile(const ClusterProfile &p)
{
    m_loading = true;
    auto text = [this](const char *f, const QString &v) { static_cast<QLineEdit *>(m_editors.value(QLatin1StringView(f)))->setText(v); };
    auto number = [this](const char *f, int v) { static_cast<QSpinBox *>(m_editors.value(QLatin1StringView(f)))->setValue(v); };
    auto lines = [this](const char *f, const QStringList &v) {
        static_cast<QPlainTextEdit *>(m_editors.value(QLatin1StringView(f)))->setPlainText(v.join(QLatin1Char('\n')));
    };
    text("name", p.name);
    text("host", p.ssh.host);
    number("port", p.ssh.port);
    text("user", p.ssh.user);
    lines("identity_files", p.ssh.identityFiles);
    for (auto it = m_methods.begin(); it != m_methods.end(); ++it)
        it.value()->setChecked(p.ssh.authMethods.contains(static_cast<AuthMethod>(it.key())));
    text("proxy_jump", p.ssh.proxyJump);
    text("known_hosts_file", p.ssh.knownHostsFile);
    text("ssh_config_file", p.ssh.sshConfigFile);
    number("connect_timeout_s", p.ssh.connectTimeoutSeconds);
    text("work_root", p.workRoot);
    text("trainer_path", p.trainerPath);
    lines("modules", p.modules);
    lines("environment_setup", p.environmentSetup);
    m_partition->setCurrentText(p.resources.partition);
    text("account", p.resources.account);
    text("qos", p.resources.qos);
    text("time_limit", formatSlurmTimeLimit(p.resources.timeLimitMinutes));
    number("nodes", p.resources.nodes);
    number("gpus_per_node", p.resources.gpusPerNode);
    number("cpu_tasks_per_node", p.resources.cpuTasksPerNode);
    number("cpus_per_task", p.resources.cpusPerTask);
    text("memory_per_node", p.resources.memoryPerNode);
    m_loading = false;
    refresh();
}

ClusterProfile ProfileEditor::profile() const
{
    auto text = [this](const char *f) { return static_cast<QLineEdit *>(m_editors.value(QLatin1StringView(f)))->text().trimmed(); };
    auto number = [this](const char *f) { return static_cast<QSpinBox *>(m_editors.value(QLatin1StringView(f)))->value(); };
    auto lines = [this](const char *f) { return linesOf(static_cast<QPlainTextEdit *>(m_editors.value(QLatin1StringView(f)))); };
    ClusterProfile p;
    p.name = static_cast<QLineEdit *>(m_editors.value(QStringLiteral("name")))->text();  // untrimmed: validation says so
    p.ssh.host = text("host");
    p.ssh.port = number("port");
    p.ssh.user = text("user");
    p.ssh.identityFiles = lines("identity_files");
    p.ssh.authMethods.clear();
    for (AuthMethod method : kMethods)
        if (m_methods.value(static_cast<int>(method))->isChecked())
            p.ssh.authMethods << method;
    p.ssh.proxyJump = text("proxy_jump");
    p.ssh.knownHostsFile = text("known_hosts_file");
    p.ssh.sshConfigFile = text("ssh_config_file");
    p.ssh.connectTimeoutSeconds = number("connect_timeout_s");
    p.workRoot = text("work_root");
    p.trainerPath = text("trainer_path");
    p.modules = lines("modules");
    p.environmentSetup = lines("environment_setup");
    p.resources.partition = m_partition->currentText().trimmed();
    p.resources.account = text("account");
    p.resources.qos = text("qos");
    p.resources.timeLimitMinutes = parseSlurmTimeLimit(text("time_limit")).value_or(0);
    p.resources.nodes = number("nodes");
    p.resources.gpusPerNode = number("gpus_per_node");
    p.resources.cpuTasksPerNode = number("cpu_tasks_per_node");
    p.resources.cpusPerTask = number("cpus_per_task");
    p.resources.memoryPerNode = text("memory_per_node");
    return p;
}

QList<ProfileProblem> ProfileEditor::problems() const
{
    const ClusterProfile p = profile();
    QList<ProfileProblem> problems = validateProfile(p);
    const QString time = static_cast<QLineEdit *>(m_editors.value(QStringLiteral("time_limit")))->text().trimmed();
    if (!parseSlurmTimeLimit(time)) {
        // Said in SLURM's terms instead of validateProfile's "must be ≥ 1, got 0".
        problems.removeIf([](const ProfileProblem &problem) { return problem.field == QLatin1StringView("time_limit"); });
        problems << ProfileProblem{QStringLiteral("time_limit"),
                                   QStringLiteral("must be a SLURM time such as 90, 4:00:00 or 1-12:00:00 (at least a minute), got \"%1\"")
                                       .arg(time)};
    }
    if (m_extraCheck)
        problems << m_extraCheck(p);
    return problems;
}

QString ProfileEditor::problemText(const QString &field) const
{
    const QLabel *label = m_messages.value(field);
    return label ? label->text() : QString();
}

void ProfileEditor::setExtraCheck(std::function<QList<ProfileProblem>(const ClusterProfile &)> check)
{
    m_extraCheck = std::move(check);
    refresh();
}

void ProfileEditor::setPartitions(const QStringList &names, const QString &defaultName)
{
    m_partition->setToolTip(tr("partition — empty: the cluster's default (%1)").arg(defaultName.isEmpty() ? tr("none marked") : defaultName));
    const QString current = m_partition->currentText();
    m_loading = true;
    m_partition->clear();
    m_partition->addItem(QString());  // the cluster's default
    for (const QString &name : names)
        m_partition->addItem(name);
    m_partition->setCurrentText(current);
    m_loading = false;
    refresh();
}

void ProfileEditor::refresh()
{
    if (m_loading)
        return;
    QHash<QString, QStringList> byField;
    for (const ProfileProblem &problem : problems())
        byField[problem.field] << problem.message;
    for (auto it = m_messages.begin(); it != m_messages.end(); ++it) {
        const QString text = byField.value(it.key()).join(QLatin1Char('\n'));
        it.value()->setText(text);
        it.value()->setVisible(!text.isEmpty());
    }
    emit changed();
}

}  // namespace corral
