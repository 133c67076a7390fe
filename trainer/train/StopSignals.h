#pragma once
// SIGTERM and SIGUSR1 (what SLURM sends before a preemption or the time limit) and SIGINT
// only set a flag; the training loop checks it at each step boundary, saves a checkpoint and
// exits with kExitPreempted, which the job script turns into a requeue.
#include "config/ExitCodes.h"  // kExitPreempted

namespace corral {

void installStopSignalHandlers();
int pendingStopSignal();  // the first signal received, or 0
void clearStopSignal();
const char *signalName(int signal);

}  // namespace corral
