#pragma once
// The training recipe, read top to bottom in Trainer.cpp: setup (run dir, data, model,
// optimizer), train (accumulate, clip, step, log), evaluate, save_checkpoint.
// This header stays free of LibTorch so the CLI compiles quickly.
#include "config/Result.h"
#include "config/RunConfig.h"

#include <iosfwd>
#include <memory>
#include <string>

namespace corral {

struct TrainSummary {
    int64_t steps = 0;
    double firstValLoss = 0.0;  // before any update
    double lastValLoss = 0.0;
    double bestValLoss = 0.0;
    int64_t bestStep = 0;
    bool stoppedEarly = false;
    std::string finalCheckpoint;
};

class Trainer {
public:
    Trainer(RunConfig config, std::string runDir, std::ostream &log);
    ~Trainer();
    Trainer(const Trainer &) = delete;
    Trainer &operator=(const Trainer &) = delete;

    // Runs the whole recipe. On failure an event "failed" with the message is written
    // (when the run directory could be opened) and the error is returned.
    Result<TrainSummary> run();

private:
    struct State;
    Status setup();
    Result<TrainSummary> train();
    double evaluate();
    Result<std::string> saveCheckpoint(int64_t step, double valLoss);

    RunConfig m_config;
    std::string m_runDir;
    std::ostream &m_log;
    std::unique_ptr<State> m;
};

}  // namespace corral
