#pragma once
// What SLURM says about a job, whichever command said it (squeue, sacct, scontrol), reduced
// to one vocabulary the app follows and stores.
#include <QString>

#include <optional>

namespace corral {

enum class SlurmJobState {
    Pending,
    Running,
    Completing,
    Completed,
    Failed,
    Cancelled,
    Timeout,
    Preempted,
    NodeFail,
    OutOfMemory,
    Requeued,
    Unknown
};

// "RUNNING", "CANCELLED by 1001", "CANCELLED+", "OUT_OF_MEMORY", "CD" (squeue's short form) …
SlurmJobState slurmJobStateFromText(const QString &text);
QString slurmJobStateName(SlurmJobState state);  // "RUNNING", the long SLURM spelling
// Ended for good: no further state can follow (REQUEUED and PREEMPTED may come back as PENDING).
bool isFinalState(SlurmJobState state);

struct SlurmJobStatus {
    QString jobId;
    SlurmJobState state = SlurmJobState::Unknown;
    QString reason;                 // why it is pending, or why it ended ("NonZeroExitCode", "TimeLimit")
    std::optional<int> exitCode;    // for ended jobs: the script's exit code ("1:0" → 1)
    std::optional<int> exitSignal;  // the signal that ended it ("0:15" → 15)
    QString source;                 // "squeue", "sacct" or "scontrol": which command answered

    bool operator==(const SlurmJobStatus &o) const
    {
        return jobId == o.jobId && state == o.state && reason == o.reason && exitCode == o.exitCode
               && exitSignal == o.exitSignal;
    }
    bool operator!=(const SlurmJobStatus &o) const { return !(*this == o); }
};

// Parses SLURM's "code:signal" exit code field into a status.
void setSlurmExitCode(SlurmJobStatus &status, const QString &field);

}  // namespace corral
