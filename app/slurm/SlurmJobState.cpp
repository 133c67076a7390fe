#include "slurm/SlurmJobState.h"

#include <QHash>

namespace corral {

namespace {
struct Spelling {
    const char *longName;
    const char *shortName;  // squeue %t
    SlurmJobState state;
};
constexpr Spelling kSpellings[] = {
    {"PENDING", "PD", SlurmJobState::Pending},
    {"RUNNING", "R", SlurmJobState::Running},
    {"COMPLETING", "CG", SlurmJobState::Completing},
    {"COMPLETED", "CD", SlurmJobState::Completed},
    {"FAILED", "F", SlurmJobState::Failed},
    {"CANCELLED", "CA", SlurmJobState::Cancelled},
    {"TIMEOUT", "TO", SlurmJobState::Timeout},
    {"PREEMPTED", "PR", SlurmJobState::Preempted},
    {"NODE_FAIL", "NF", SlurmJobState::NodeFail},
    {"OUT_OF_MEMORY", "OOM", SlurmJobState::OutOfMemory},
    {"REQUEUED", "RQ", SlurmJobState::Requeued},
    // Spellings that mean one of the above for someone following a run:
    {"CONFIGURING", "CF", SlurmJobState::Pending},
    {"REQUEUE_HOLD", "RH", SlurmJobState::Requeued},
    {"REQUEUE_FED", "RF", SlurmJobState::Requeued},
    {"BOOT_FAIL", "BF", SlurmJobState::NodeFail},
    {"DEADLINE", "DL", SlurmJobState::Timeout},
    {"SUSPENDED", "S", SlurmJobState::Pending},
};
}  // namespace

SlurmJobState slurmJobStateFromText(const QString &text)
{
    // sacct writes "CANCELLED by 1001"; squeue may append "+" for extra flags.
    QString word = text.trimmed().section(QLatin1Char(' '), 0, 0);
    while (word.endsWith(QLatin1Char('+')))
        word.chop(1);
    for (const Spelling &s : kSpellings)
        if (word == QLatin1StringView(s.longName) || word == QLatin1StringView(s.shortName))
            return s.state;
    return SlurmJobState::Unknown;
}

QString slurmJobStateName(SlurmJobState state)
{
    if (state == SlurmJobState::Unknown)
        return QStringLiteral("UNKNOWN");
    for (const Spelling &s : kSpellings)
        if (s.state == state)
            return QString::fromLatin1(s.longName);
    return QStringLiteral("UNKNOWN");
}

bool isFinalState(SlurmJobState state)
{
    switch (state) {
    case SlurmJobState::Completed:
    case SlurmJobState::Failed:
    case SlurmJobState::Cancelled:
    case SlurmJobState::Timeout:
    case SlurmJobState::NodeFail:
    case SlurmJobState::OutOfMemory:
        return true;
    default:
        return false;
    }
}

void setSlurmExitCode(SlurmJobStatus &status, const QString &field)
{
    const QStringList parts = field.trimmed().split(QLatin1Char(':'));
    bool okCode = false, okSignal = false;
    const int code = parts.value(0).toInt(&okCode);
    const int signal = parts.value(1).toInt(&okSignal);
    if (okCode)
        status.exitCode = code;
    if (okSignal)
        status.exitSignal = signal;
}

}  // namespace corral
