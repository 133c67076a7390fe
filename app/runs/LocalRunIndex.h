#pragma once
// The local runs of earlier sessions, found again in the runs folder (CORRAL_RUNS_DIR or the
// user's data folder) when the app starts: every folder with the run.yaml the app writes before
// the trainer starts. Only the ends of the files are read (lifecycle events, the last metric
// lines), so listing hundreds of runs stays quick; curves load when a run is selected.
#include "runs/RunListModel.h"

#include <QList>
#include <QString>

namespace corral {

// At most `limit` runs, newest first. Their state comes from the last lifecycle event:
// finished → COMPLETED, failed → FAILED (with its message), preempted → STOPPED, and UNKNOWN
// when a run started but wrote no end (the process was killed, or is still running elsewhere).
QList<RunEntry> scanLocalRuns(const QString &root, int limit = 200);

// One folder, as scanLocalRuns reads it; nullopt when it holds no run.yaml.
std::optional<RunEntry> readLocalRun(const QString &runDir);

// The run name a folder made by newRunDirectory stands for: "tiny-demo-20250101-101010" → "tiny-demo".
QString runNameFromFolder(const QString &folderName);

}  // namespace corral
