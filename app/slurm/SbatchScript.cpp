#include "slurm/SbatchScript.h"

#include "remote/ShellQuote.h"

#include <QHash>
#include <QRegularExpression>

namespace corral {

namespace {
const QLatin1StringView kDirectives("{{DIRECTIVES}}");
const QLatin1StringView kRunDir("{{RUN_DIR}}");
const QLatin1StringView kModules("{{MODULES}}");
const QLatin1StringView kEnvironment("{{ENVIRONMENT}}");
const QLatin1StringView kTrainer("{{TRAINER}}");

// sbatch reads #SBATCH lines with its own parser (not a shell): quotes group as in sh, but a
// backslash escapes the next character even inside single quotes. So backslashes are doubled
// before quoting; otherwise a value ending in \' would close the quote early and the rest of
// the line would be read as more options.
QString directive(const char *option, const QString &value)
{
    const QString text = slurmSafeText(value).replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    return QStringLiteral("#SBATCH --%1=%2").arg(QLatin1StringView(option), shellQuote(text));
}

// SLURM expands %j, %x … in --output/--error; a literal % in RUN_DIR is written %%.
QString slurmFilenamePattern(const QString &path) { return QString(path).replace(QLatin1Char('%'), QStringLiteral("%%")); }

Error profileError(const char *field, const QString &message)
{
    return makeError(ErrorCode::Validation, message.toStdString(), std::string("profile.") + field);
}
}  // namespace

QString slurmSafeText(const QString &text)
{
    QString safe = text;
    for (QChar &c : safe)
        if (c.category() == QChar::Other_Control)
            c = QLatin1Char(' ');
    return safe;
}

QStringList SbatchScript::placeholders() { return {kDirectives, kRunDir, kModules, kEnvironment, kTrainer}; }

QStringList SbatchScript::directives(const SbatchInputs &in)
{
    const SlurmResources &r = in.profile.resources;
    // One rank per GPU; on nodes without GPUs, as many ranks as the profile asks for.
    const int tasksPerNode = r.gpusPerNode > 0 ? r.gpusPerNode : qMax(1, r.cpuTasksPerNode);
    QStringList lines;
    lines << directive("job-name", in.jobName);
    lines << directive("nodes", QString::number(r.nodes));
    lines << directive("ntasks-per-node", QString::number(tasksPerNode));
    if (r.gpusPerNode > 0)
        lines << directive("gpus-per-node", QString::number(r.gpusPerNode));
    lines << directive("cpus-per-task", QString::number(r.cpusPerTask));
    if (!r.memoryPerNode.isEmpty())
        lines << directive("mem", r.memoryPerNode);
    lines << directive("time", QString::number(r.timeLimitMinutes));
    if (!r.partition.isEmpty())
        lines << directive("partition", r.partition);
    if (!r.account.isEmpty())
        lines << directive("account", r.account);
    if (!r.qos.isEmpty())
        lines << directive("qos", r.qos);
    lines << directive("chdir", in.runDir);
    lines << directive("output", slurmFilenamePattern(in.runDir) + QStringLiteral("/logs/slurm-%j.out"));
    lines << directive("error", slurmFilenamePattern(in.runDir) + QStringLiteral("/logs/slurm-%j.err"));
    lines << directive("signal", QStringLiteral("USR1@120"));
    lines << QStringLiteral("#SBATCH --requeue");
    return lines;
}

Result<QString> SbatchScript::render(const QString &templateText, const SbatchInputs &in)
{
    for (const QString &placeholder : placeholders())
        if (!templateText.contains(placeholder))
            return makeError(ErrorCode::Parse, QStringLiteral("the template lacks %1").arg(placeholder).toStdString(),
                             "job.sbatch.in");
    const SlurmResources &r = in.profile.resources;
    if (r.nodes < 1)
        return profileError("nodes", QStringLiteral("must be ≥ 1, got %1").arg(r.nodes));
    if (r.gpusPerNode < 0)
        return profileError("gpus_per_node", QStringLiteral("must be ≥ 0, got %1").arg(r.gpusPerNode));
    if (r.cpuTasksPerNode < 1)
        return profileError("cpu_tasks_per_node", QStringLiteral("must be ≥ 1, got %1").arg(r.cpuTasksPerNode));
    if (r.cpusPerTask < 1)
        return profileError("cpus_per_task", QStringLiteral("must be ≥ 1, got %1").arg(r.cpusPerTask));
    if (r.timeLimitMinutes < 1)
        return profileError("time_limit", QStringLiteral("must be ≥ 1 minute, got %1").arg(r.timeLimitMinutes));
    if (!in.runDir.startsWith(QLatin1Char('/')))
        return profileError("work_root", QStringLiteral("RUN_DIR must be absolute, got \"%1\"").arg(in.runDir));
    // #SBATCH --chdir/--output name it on one line each: a newline would end the line there.
    if (slurmSafeText(in.runDir) != in.runDir)
        return profileError("work_root", QStringLiteral("RUN_DIR cannot hold a newline or another control character, "
                                                        "got \"%1\"").arg(slurmSafeText(in.runDir)));
    // sbatch reads a backslash in --output/--error as "no %j here" and drops it: the job would
    // then fail to start (JobLaunchFailure), its log folder not found.
    if (in.runDir.contains(QLatin1Char('\\')))
        return profileError("work_root", QStringLiteral("RUN_DIR cannot hold a backslash (SLURM's --output would not "
                                                        "find the log folder), got \"%1\"").arg(in.runDir));
    if (in.profile.trainerPath.isEmpty())
        return profileError("trainer_path", QStringLiteral("must name corral-train on the cluster"));

    QStringList modules;
    for (const QString &module : in.profile.modules)
        modules << QStringLiteral("module load ") + shellQuote(module);
    const QHash<QString, QString> values{
        {kDirectives, directives(in).join(QLatin1Char('\n'))},
        {kRunDir, shellQuote(in.runDir)},
        {kModules, modules.join(QLatin1Char('\n'))},
        {kEnvironment, in.profile.environmentSetup.join(QLatin1Char('\n'))},
        {kTrainer, shellQuote(in.profile.trainerPath)},
    };
    // One pass over the template: a value that happens to contain "{{RUN_DIR}}" stays literal.
    static const QRegularExpression placeholder(QStringLiteral("\\{\\{[A-Z_]+\\}\\}"));
    QString script;
    qsizetype from = 0;
    for (auto it = placeholder.globalMatch(templateText); it.hasNext();) {
        const auto m = it.next();
        script += templateText.mid(from, m.capturedStart() - from);
        script += values.value(m.captured(), m.captured());
        from = m.capturedEnd();
    }
    script += templateText.mid(from);
    return script;
}

}  // namespace corral
