#pragma once
// Private to the Trainer's .cpp files: everything a run carries from step to step, which is
// also what a checkpoint must hold for an exact resume.
#include "data/TextDataset.h"
#include "dist/Communicator.h"
#include "dist/GradientReducer.h"
#include "model/Llama.h"
#include "train/EarlyStopping.h"
#include "train/JsonlWriter.h"
#include "train/Trainer.h"

#include <nlohmann/json.hpp>
#include <torch/optim/adamw.h>

#include <chrono>
#include <limits>
#include <memory>

namespace corral {

struct Trainer::State {
    std::unique_ptr<Tokenizer> tokenizer;
    TextData data;
    LlamaForCausalLM model{nullptr};
    std::unique_ptr<torch::optim::AdamW> optimizer;
    std::unique_ptr<BatchSampler> sampler;
    std::unique_ptr<EarlyStopping> early;
    std::unique_ptr<Communicator> comm;
    std::unique_ptr<GradientReducer> reducer;  // after comm and model: its hooks use both
    JsonlWriter metrics;  // open on rank 0 only
    JsonlWriter events;

    // Only rank 0 writes the run directory; on other ranks these do nothing.
    Status metric(const nlohmann::json &record) { return comm && comm->isMain() ? metrics.write(record) : okStatus(); }
    Status event(const nlohmann::json &record) { return comm && comm->isMain() ? events.write(record) : okStatus(); }
    bool isMain() const { return !comm || comm->isMain(); }
    bool bf16 = false;  // autocast forward passes to bfloat16
    std::vector<torch::Tensor> rngStates;  // every rank's CPU generator, gathered for a checkpoint

    // Progress, saved in trainer_state.json.
    int64_t step = 0;  // completed optimizer steps
    int64_t tokensSeen = 0;
    double firstValLoss = std::numeric_limits<double>::quiet_NaN();
    double lastValLoss = std::numeric_limits<double>::quiet_NaN();
    int nonFiniteInARow = 0;
    double elapsedBefore = 0.0;  // seconds trained before this process (earlier segments)
    int64_t resumedFrom = -1;

    // This process only.
    std::chrono::steady_clock::time_point segmentStart;
    std::chrono::steady_clock::time_point lastProgress;
    int64_t segmentFirstStep = 0;
    double lastTrainLoss = std::numeric_limits<double>::quiet_NaN();
    double lastTokensPerSecond = 0.0;

    double elapsedSeconds() const
    {
        return elapsedBefore + std::chrono::duration<double>(std::chrono::steady_clock::now() - segmentStart).count();
    }
};

}  // namespace corral
