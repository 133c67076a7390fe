#include "slurm/SlurmStateParser.h"

#include <QRegularExpression>

namespace corral {

namespace {
// A job id as SLURM prints it: digits, optionally "_task" or "_[range]" for arrays, "+n" for het jobs.
bool looksLikeJobId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^\\d+(_(\\d+|\\[[^\\]]*\\]))?(\\+\\d+)?$"));
    return pattern.match(id).hasMatch();
}

QString normalisedReason(const QString &reason)
{
    const QString r = reason.trimmed();
    return r == QLatin1StringView("None") || r == QLatin1StringView("(null)") ? QString() : r;
}
}  // namespace

Result<QString> parseSbatchJobId(const QString &output)
{
    // --parsable: "jobid[;cluster]"; take the last non-empty line (site wrappers may print notices first).
    const QStringList lines = output.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const QString last = lines.isEmpty() ? QString() : lines.last().trimmed();
    const QString id = last.section(QLatin1Char(';'), 0, 0).trimmed();
    if (!looksLikeJobId(id))
        return makeError(ErrorCode::Parse,
                         QStringLiteral("sbatch printed no job id (got \"%1\")").arg(output.trimmed().left(200)).toStdString(),
                         "sbatch --parsable");
    return id;
}

namespace {
// squeue and sacct both print one job per line, fields split by '|', the job id first.
template <class FillFields>
QHash<QString, SlurmJobStatus> parsePipeSeparated(const QString &output, const char *source, FillFields fill)
{
    QHash<QString, SlurmJobStatus> jobs;
    for (const QString &line : output.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const QStringList fields = line.split(QLatin1Char('|'));
        if (fields.size() < 3 || !looksLikeJobId(fields[0].trimmed()))
            continue;
        SlurmJobStatus status;
        status.jobId = fields[0].trimmed();
        status.state = slurmJobStateFromText(fields[1]);
        status.source = QString::fromLatin1(source);
        fill(status, fields);
        jobs.insert(status.jobId, status);
    }
    return jobs;
}
}  // namespace

QHash<QString, SlurmJobStatus> parseSqueue(const QString &output)
{
    return parsePipeSeparated(output, "squeue", [](SlurmJobStatus &status, const QStringList &fields) {
        status.reason = normalisedReason(fields.mid(2).join(QLatin1Char('|')));  // a reason may hold '|'
    });
}

QHash<QString, SlurmJobStatus> parseSacct(const QString &output)
{
    return parsePipeSeparated(output, "sacct", [](SlurmJobStatus &status, const QStringList &fields) {
        setSlurmExitCode(status, fields[2]);
        status.reason = normalisedReason(fields.value(3));
    });
}

QHash<QString, SlurmJobStatus> parseScontrolShowJob(const QString &output)
{
    // Fields of interest sit at the start of their own indented lines (JobState=…, and
    // ExitCode= on the Requeue line), after JobName's line, so a job name containing
    // "JobState=" cannot impersonate them.
    static const QRegularExpression stateLine(QStringLiteral("^\\s+JobState=(\\S+) Reason=(\\S*)"));
    static const QRegularExpression exitCode(QStringLiteral("^\\s+Requeue=.* ExitCode=(\\S+)"));
    QHash<QString, SlurmJobStatus> jobs;
    SlurmJobStatus *current = nullptr;
    for (const QString &line : output.split(QLatin1Char('\n'))) {
        if (line.startsWith(scontrolRecordMarker())) {
            const QString id = line.mid(scontrolRecordMarker().size()).trimmed();
            current = looksLikeJobId(id) ? &jobs[id] : nullptr;
            if (current) {
                current->jobId = id;
                current->source = QStringLiteral("scontrol");
            }
            continue;
        }
        if (current == nullptr)
            continue;
        if (const auto m = stateLine.match(line); m.hasMatch()) {
            current->state = slurmJobStateFromText(m.captured(1));
            current->reason = normalisedReason(m.captured(2));
        } else if (const auto e = exitCode.match(line); e.hasMatch()) {
            setSlurmExitCode(*current, e.captured(1));
        }
    }
    // A marker with no record (the job is gone from the controller) tells us nothing.
    for (auto it = jobs.begin(); it != jobs.end();)
        it = it->state == SlurmJobState::Unknown ? jobs.erase(it) : std::next(it);
    return jobs;
}

bool isControllerUnreachable(const QString &stderrText)
{
    // The spellings of slurm_strerror for a controller that cannot be reached or did not answer.
    static const char *const kSigns[] = {"Unable to contact slurm controller", "Socket timed out",
                                         "Zero Bytes were transmitted or received", "Connection refused",
                                         "Slurm backup controller in standby mode"};
    for (const char *sign : kSigns)
        if (stderrText.contains(QLatin1StringView(sign), Qt::CaseInsensitive))
            return true;
    return false;
}

}  // namespace corral
