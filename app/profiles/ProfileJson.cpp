#include "profiles/ProfileJson.h"

#include <QJsonArray>

namespace corral {

namespace {
constexpr AuthMethod kAllMethods[] = {AuthMethod::Agent, AuthMethod::PublicKey, AuthMethod::KeyboardInteractive,
                                      AuthMethod::Password};

QJsonArray toArray(const QStringList &list) { return QJsonArray::fromStringList(list); }

// Reads typed values out of one profile object, recording a problem per wrongly typed key.
class FieldReader {
public:
    FieldReader(const QJsonObject &object, QList<ProfileProblem> *problems) : m_object(object), m_problems(problems) {}

    void string(const char *key, QString *out)
    {
        const QJsonValue v = m_object.value(QLatin1StringView(key));
        if (v.isUndefined() || v.isNull())
            return;
        if (!v.isString())
            return problem(key, QStringLiteral("must be a string"));
        *out = v.toString();
    }
    void integer(const char *key, int *out)
    {
        const QJsonValue v = m_object.value(QLatin1StringView(key));
        if (v.isUndefined() || v.isNull())
            return;
        const double d = v.toDouble();
        // The range first: converting a double beyond qint64 (1e300) is undefined behaviour.
        if (!v.isDouble() || d < -1e9 || d > 1e9 || d != static_cast<double>(static_cast<qint64>(d)))
            return problem(key, QStringLiteral("must be a whole number"));
        *out = static_cast<int>(d);
    }
    void number(const char *key, double *out)
    {
        const QJsonValue v = m_object.value(QLatin1StringView(key));
        if (v.isUndefined() || v.isNull())
            return;
        if (!v.isDouble())
            return problem(key, QStringLiteral("must be a number"));
        *out = v.toDouble();
    }
    void strings(const char *key, QStringList *out)
    {
        const QJsonValue v = m_object.value(QLatin1StringView(key));
        if (v.isUndefined() || v.isNull())
            return;
        QStringList list;
        const QJsonArray array = v.toArray();
        for (const QJsonValue &item : array)
            list << item.toString();
        bool allStrings = v.isArray();
        for (const QJsonValue &item : array)
            allStrings = allStrings && item.isString();
        if (!allStrings)
            return problem(key, QStringLiteral("must be a list of strings"));
        *out = list;
    }
    void problem(const char *key, const QString &message) { *m_problems << ProfileProblem{QLatin1StringView(key), message}; }

private:
    const QJsonObject &m_object;
    QList<ProfileProblem> *m_problems;
};
}  // namespace

QString authMethodName(AuthMethod method)
{
    switch (method) {
    case AuthMethod::Agent: return QStringLiteral("agent");
    case AuthMethod::PublicKey: return QStringLiteral("publickey");
    case AuthMethod::KeyboardInteractive: return QStringLiteral("keyboard-interactive");
    case AuthMethod::Password: return QStringLiteral("password");
    }
    return {};
}

QJsonObject profileToJson(const ClusterProfile &p)
{
    QJsonArray methods;
    for (AuthMethod method : p.ssh.authMethods)
        methods << authMethodName(method);
    const SlurmResources &r = p.resources;
    return QJsonObject{
        {QStringLiteral("name"), p.name},
        {QStringLiteral("host"), p.ssh.host},
        {QStringLiteral("port"), p.ssh.port},
        {QStringLiteral("user"), p.ssh.user},
        {QStringLiteral("identity_files"), toArray(p.ssh.identityFiles)},
        {QStringLiteral("auth_methods"), methods},
        {QStringLiteral("proxy_jump"), p.ssh.proxyJump},
        {QStringLiteral("known_hosts_file"), p.ssh.knownHostsFile},
        {QStringLiteral("ssh_config_file"), p.ssh.sshConfigFile},
        {QStringLiteral("connect_timeout_s"), p.ssh.connectTimeoutSeconds},
        {QStringLiteral("work_root"), p.workRoot},
        {QStringLiteral("trainer_path"), p.trainerPath},
        {QStringLiteral("modules"), toArray(p.modules)},
        {QStringLiteral("environment_setup"), toArray(p.environmentSetup)},
        {QStringLiteral("partition"), r.partition},
        {QStringLiteral("account"), r.account},
        {QStringLiteral("qos"), r.qos},
        {QStringLiteral("time_limit"), formatSlurmTimeLimit(r.timeLimitMinutes)},
        {QStringLiteral("nodes"), r.nodes},
        {QStringLiteral("gpus_per_node"), r.gpusPerNode},
        {QStringLiteral("cpu_tasks_per_node"), r.cpuTasksPerNode},
        {QStringLiteral("cpus_per_task"), r.cpusPerTask},
        {QStringLiteral("memory_per_node"), r.memoryPerNode},
        {QStringLiteral("gpu_memory_gb"), r.gpuMemoryGb},
    };
}

ClusterProfile profileFromJson(const QJsonObject &object, QList<ProfileProblem> *problems)
{
    ClusterProfile p;
    FieldReader read(object, problems);
    read.string("name", &p.name);
    read.string("host", &p.ssh.host);
    read.integer("port", &p.ssh.port);
    read.string("user", &p.ssh.user);
    read.strings("identity_files", &p.ssh.identityFiles);
    QStringList methodNames;
    const int before = problems->size();
    read.strings("auth_methods", &methodNames);
    if (problems->size() == before && object.contains(QStringLiteral("auth_methods"))) {
        p.ssh.authMethods.clear();
        for (const QString &name : methodNames) {
            const auto *found = std::find_if(std::begin(kAllMethods), std::end(kAllMethods),
                                             [&](AuthMethod m) { return authMethodName(m) == name; });
            if (found == std::end(kAllMethods))
                read.problem("auth_methods", QStringLiteral("unknown method \"%1\" (known: agent, publickey, "
                                                            "keyboard-interactive, password)").arg(name));
            else
                p.ssh.authMethods << *found;
        }
    }
    read.string("proxy_jump", &p.ssh.proxyJump);
    read.string("known_hosts_file", &p.ssh.knownHostsFile);
    read.string("ssh_config_file", &p.ssh.sshConfigFile);
    read.integer("connect_timeout_s", &p.ssh.connectTimeoutSeconds);
    read.string("work_root", &p.workRoot);
    read.string("trainer_path", &p.trainerPath);
    read.strings("modules", &p.modules);
    read.strings("environment_setup", &p.environmentSetup);
    SlurmResources &r = p.resources;
    read.string("partition", &r.partition);
    read.string("account", &r.account);
    read.string("qos", &r.qos);
    QString timeLimit;
    read.string("time_limit", &timeLimit);
    if (!timeLimit.isEmpty()) {
        if (const auto minutes = parseSlurmTimeLimit(timeLimit))
            r.timeLimitMinutes = *minutes;
        else
            read.problem("time_limit", QStringLiteral("must be SLURM's MM, HH:MM:SS or D-HH:MM:SS and not zero, got \"%1\"")
                                           .arg(timeLimit));
    }
    read.integer("nodes", &r.nodes);
    read.integer("gpus_per_node", &r.gpusPerNode);
    read.integer("cpu_tasks_per_node", &r.cpuTasksPerNode);
    read.integer("cpus_per_task", &r.cpusPerTask);
    read.string("memory_per_node", &r.memoryPerNode);
    read.number("gpu_memory_gb", &r.gpuMemoryGb);
    return p;
}

}  // namespace corral
