#include "profiles/ProfileValidation.h"

#include <QRegularExpression>

#include <limits>

namespace corral {

namespace {
void requirePositive(QList<ProfileProblem> &problems, const char *field, int value, int minimum)
{
    if (value < minimum)
        problems << ProfileProblem{QLatin1StringView(field),
                                   QStringLiteral("must be ≥ %1, got %2").arg(minimum).arg(value)};
}
}  // namespace

std::optional<int> parseSlurmTimeLimit(const QString &text)
{
    static const QRegularExpression withDays(QStringLiteral("^(\\d+)-(\\d+)(?::(\\d+))?(?::(\\d+))?$"));
    static const QRegularExpression clock(QStringLiteral("^(\\d+)(?::(\\d+))?(?::(\\d+))?$"));
    qint64 days = 0, hours = 0, minutes = 0, seconds = 0;
    if (const auto m = withDays.match(text); m.hasMatch()) {
        days = m.captured(1).toLongLong();
        hours = m.captured(2).toLongLong();
        minutes = m.captured(3).toLongLong();
        seconds = m.captured(4).toLongLong();
    } else if (const auto c = clock.match(text); c.hasMatch()) {
        // SLURM reads one field as minutes, two as MM:SS, three as HH:MM:SS.
        const QStringList parts = text.split(QLatin1Char(':'));
        if (parts.size() == 1) {
            minutes = parts[0].toLongLong();
        } else if (parts.size() == 2) {
            minutes = parts[0].toLongLong();
            seconds = parts[1].toLongLong();
        } else {
            hours = parts[0].toLongLong();
            minutes = parts[1].toLongLong();
            seconds = parts[2].toLongLong();
        }
    } else {
        return std::nullopt;
    }
    if (text.size() > 12 || (days == 0 && hours == 0 && minutes == 0 && seconds == 0))
        return std::nullopt;
    const qint64 total = days * 24 * 60 + hours * 60 + minutes + (seconds + 59) / 60;
    if (total > std::numeric_limits<int>::max())
        return std::nullopt;
    return static_cast<int>(total);
}

QString formatSlurmTimeLimit(int minutes)
{
    const int days = minutes / (24 * 60);
    const int hours = minutes / 60 % 24;
    const QString clock = QStringLiteral("%1:%2:00").arg(hours, 2, 10, QLatin1Char('0')).arg(minutes % 60, 2, 10, QLatin1Char('0'));
    return days > 0 ? QStringLiteral("%1-%2").arg(days).arg(clock) : clock;
}

QList<ProfileProblem> validateProfile(const ClusterProfile &profile)
{
    QList<ProfileProblem> problems;
    if (profile.name.trimmed().isEmpty())
        problems << ProfileProblem{QStringLiteral("name"), QStringLiteral("is required")};
    else if (profile.name != profile.name.trimmed() || profile.name.contains(QLatin1Char('/')))
        problems << ProfileProblem{QStringLiteral("name"),
                                   QStringLiteral("must not contain '/' or start or end with spaces, got \"%1\"")
                                       .arg(profile.name)};
    if (profile.isLocal())
        return problems;

    const SshEndpoint &ssh = profile.ssh;
    if (ssh.host.trimmed().isEmpty())
        problems << ProfileProblem{QStringLiteral("host"), QStringLiteral("is required (a name, an address or a ~/.ssh/config alias)")};
    if (ssh.port < 1 || ssh.port > 65535)
        problems << ProfileProblem{QStringLiteral("port"), QStringLiteral("must be 1..65535, got %1").arg(ssh.port)};
    if (ssh.authMethods.isEmpty())
        problems << ProfileProblem{QStringLiteral("auth_methods"), QStringLiteral("must name at least one method")};
    requirePositive(problems, "connect_timeout_s", ssh.connectTimeoutSeconds, 1);
    if (!profile.workRoot.isEmpty() && !profile.workRoot.startsWith(QLatin1Char('/')))
        problems << ProfileProblem{QStringLiteral("work_root"),
                                   QStringLiteral("must be an absolute path on the cluster, got \"%1\"").arg(profile.workRoot)};
    if (profile.trainerPath.trimmed().isEmpty())
        problems << ProfileProblem{QStringLiteral("trainer_path"), QStringLiteral("must name corral-train on the cluster")};

    const SlurmResources &r = profile.resources;
    requirePositive(problems, "time_limit", r.timeLimitMinutes, 1);
    requirePositive(problems, "nodes", r.nodes, 1);
    requirePositive(problems, "gpus_per_node", r.gpusPerNode, 0);
    requirePositive(problems, "cpu_tasks_per_node", r.cpuTasksPerNode, 1);
    requirePositive(problems, "cpus_per_task", r.cpusPerTask, 1);
    static const QRegularExpression memory(QStringLiteral("^[1-9][0-9]*[KMGT]?$"));
    if (!r.memoryPerNode.isEmpty() && !memory.match(r.memoryPerNode).hasMatch())
        problems << ProfileProblem{QStringLiteral("memory_per_node"),
                                   QStringLiteral("must be a SLURM size such as 4000M or 16G, got \"%1\"").arg(r.memoryPerNode)};
    // Compared with the app's memory estimate; 0 means not known (no warning).
    if (!(r.gpuMemoryGb >= 0) || r.gpuMemoryGb > 65536)
        problems << ProfileProblem{QStringLiteral("gpu_memory_gb"),
                                   QStringLiteral("must be 0 (not known) to 65536 GiB, got %1").arg(r.gpuMemoryGb)};
    return problems;
}

}  // namespace corral
