#pragma once
// The training recipe, read top to bottom in Trainer.cpp: setup (run dir, data, model,
// optimizer, resume), train (accumulate, clip, step, log), evaluate; checkpoints and resume
// in TrainerCheckpoint.cpp. This header stays free of LibTorch so the CLI compiles quickly.
#include "config/Result.h"
#include "config/RunConfig.h"
#include "dist/Rendezvous.h"

#include <iosfwd>
#include <memory>
#include <string>

namespace corral {

struct TrainerOptions {
    std::string runDir;
    // none: a new run (refused when RUN_DIR already holds one); auto: continue from the newest
    // complete checkpoint, or start afresh when there is none; otherwise a checkpoint folder.
    std::string resume = "none";
    double progressSeconds = 5.0;  // how often the progress line goes to the progress stream
    WorldInfo world;  // this process's place in a data-parallel run; rank 0 writes the run directory
};

struct TrainSummary {
    int64_t steps = 0;
    int64_t resumedFrom = -1;  // the checkpoint step the run continued from; -1 for a fresh run
    double firstValLoss = 0.0;  // before any update
    double lastValLoss = 0.0;
    double bestValLoss = 0.0;
    int64_t bestStep = 0;
    bool stoppedEarly = false;
    int stopSignal = 0;  // non-zero: stopped by this signal after saving a checkpoint
    std::string finalCheckpoint;
};

class Trainer {
public:
    Trainer(RunConfig config, TrainerOptions options, std::ostream &log, std::ostream &progress);
    ~Trainer();
    Trainer(const Trainer &) = delete;
    Trainer &operator=(const Trainer &) = delete;

    // Runs the whole recipe. On failure an event "failed" with the message is written
    // (when the run directory could be opened) and the error is returned.
    Result<TrainSummary> run();

    struct State;

private:
    Status setup();
    Status prepareRunDirectory();
    std::string modelLabel() const;  // the model folder's name, or the built-in preset
    // The checkpoint to continue from ("" for a fresh start): --resume auto takes the newest
    // intact one, setting damaged ones aside with a warning; an explicit one must be intact.
    Result<std::string> resumePoint();
    Status restore(const std::string &checkpointDir);
    Result<TrainSummary> train();
    double evaluate();
    Result<std::string> saveCheckpoint(int64_t step);  // on every rank; rank 0 writes
    Result<std::string> writeCheckpoint(int64_t step);
    void reportProgress(int64_t step, bool force);

    RunConfig m_config;
    TrainerOptions m_options;
    std::ostream &m_log;
    std::ostream &m_progress;
    std::unique_ptr<State> m;
};

}  // namespace corral
