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

// Copies a PEFT adapter folder's adapter_model.safetensors into the model's LoRA matrices:
// every tensor must be there with its shape, and a tensor the model has no place for is an
// error. Where the folder has adapter_config.json (corral's checkpoints always do; adapter
// folders of other tools may not), its r, lora_alpha, use_rslora and target_modules must be
// the run's `lora`. Every problem is reported at once, naming the field or tensor and the file.
Status loadAdapter(LlamaForCausalLMImpl &model, const std::string &adapterDir, const LoraConfig &lora);

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
