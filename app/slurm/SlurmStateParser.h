#pragma once
// Parsers for what SLURM's commands print, kept apart from the commands so they are tested on
// recorded outputs (tests/data/slurm). Each returns the jobs it understood, keyed by the job id
// as we asked for it; lines it cannot read are skipped (a newer SLURM may add output).
#include "config/Result.h"
#include "slurm/SlurmJobState.h"

#include <QHash>
#include <QString>

namespace corral {

// `sbatch --parsable` prints "123", "123;cluster" (federation/multi-cluster) or, for arrays we do
// not submit but may be handed, "123_4". Returns the id to use with squeue/scancel.
Result<QString> parseSbatchJobId(const QString &output);

// The format our poller asks for: squeue -h -o '%i|%T|%r'.
QHash<QString, SlurmJobStatus> parseSqueue(const QString &output);
// sacct -n -P -X -o JobID,State,ExitCode,Reason
QHash<QString, SlurmJobStatus> parseSacct(const QString &output);
// Records of `scontrol show job ID`, each preceded by a line "#corral-job ID" naming the id we
// asked for (array tasks answer with their own JobId).
QHash<QString, SlurmJobStatus> parseScontrolShowJob(const QString &output);

// True when a SLURM client's stderr says the controller did not answer (slurmctld down or
// restarting: "Unable to contact slurm controller", "Socket timed out", …). Such a round says
// nothing about the jobs: their last known states stand.
bool isControllerUnreachable(const QString &stderrText);

// The marker line before each scontrol record.
inline QString scontrolRecordMarker() { return QStringLiteral("#corral-job "); }

}  // namespace corral
