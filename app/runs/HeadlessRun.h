#pragma once
// `corral run CONFIG --profile local --headless`: the same run as the GUI starts, followed
// from the terminal with a progress line. Returns the process exit code (0 done, 1 failed,
// 75 stopped with a checkpoint).
#include <QString>

class QTextStream;

namespace corral {

class LocalRun;

// Starts `run`, blocks in a local event loop until it ends, printing progress to `out`.
// `liveLine`: rewrite one line in place (a terminal) instead of printing one line per step.
int runHeadless(LocalRun &run, QTextStream &out, bool liveLine);

}  // namespace corral
