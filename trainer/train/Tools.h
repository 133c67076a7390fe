#pragma once
// What corral-train does besides training, on a finished (or running) run's checkpoints:
//   evaluate  the validation loss of a checkpoint's adapter on the config's data
//   export    the adapter in PEFT layout, or (--merge) a full Hugging Face model with the
//             adapter folded into its weights, ready for transformers, vLLM or llama.cpp's converter
#include "config/Result.h"
#include "config/RunConfig.h"
#include "data/TextDataset.h"
#include "model/Llama.h"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace corral {

// Summed cross-entropy over a batch's loss targets (padding and prompts are ignored).
torch::Tensor summedTokenLoss(LlamaForCausalLM &model, const Batch &batch);

// Copies a PEFT adapter (adapter_model.safetensors) into the model's LoRA matrices; every
// tensor must be there with its shape.
Status loadAdapter(LlamaForCausalLMImpl &model, const std::string &adapterFile);

// A checkpoint folder; a run folder means its best checkpoint (else its newest).
Result<std::string> resolveCheckpoint(const std::string &path);
// The run config saved beside a checkpoint (RUN/config.yaml for RUN/checkpoints/step-N).
std::string runConfigOf(const std::string &checkpointDir);

Result<nlohmann::json> evaluateCheckpoint(const RunConfig &config, const std::string &checkpointDir);

struct ExportOptions {
    std::string checkpoint;
    std::string output;
    bool merge = false;
    std::string dtype;  // merged weights: bfloat16 | float16 | float32; empty: the base model's
};
Status exportCheckpoint(const RunConfig &config, const ExportOptions &options, std::ostream &log);

}  // namespace corral
