#pragma once
// Where the app finds corral-train, the shipped resources and its run folders.
#include <QString>

namespace corral {

// $CORRAL_TRAIN, else corral-train beside the running executable, else on PATH; empty if none.
QString locateTrainer();

// $CORRAL_RESOURCES, else <prefix>/share/corral beside an installed binary, else the source tree's resources/.
QString resourcesDir();

// $CORRAL_RUNS_DIR, else <the user's data folder>/runs: where new runs go.
QString runsRoot();

// How the app names a cluster run (the run list's id, the series store's key): "PROFILE:RUN_DIR".
QString remoteRunId(const QString &profile, const QString &remoteRunDir);

// A new run folder under $CORRAL_RUNS_DIR or the user's data folder: <root>/<name>-<yyyyMMdd-HHmmss>.
QString newRunDirectory(const QString &name);

}  // namespace corral
