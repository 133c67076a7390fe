#pragma once
// From a run config's model section to a ready model: the architecture (built-in preset or a
// Hugging Face config.json), base weights (random, or memory-mapped safetensors converted or
// quantised tensor by tensor), and back out as a Hugging Face folder for export.
#include "config/Result.h"
#include "config/RunConfig.h"
#include "model/Llama.h"

#include <string>

namespace corral {

Result<LlamaConfig> modelArchitecture(const ModelConfig &config);
BaseStorage baseStorageFor(const ModelConfig &config, bool cuda);
AdapterSpec adapterSpecFor(const LoraConfig &config);

// Fills every base weight of `model` from the Hugging Face folder `dir`: model.safetensors, or
// the shards listed in model.safetensors.index.json. All problems are reported at once: a
// missing, unexpected or wrongly shaped tensor is named with its expected and found shape and
// the file. Linear weights are stored as `storage` says, embeddings in storage.dtype, norms
// in float32.
Status loadHfWeights(LlamaForCausalLMImpl &model, const std::string &dir, const BaseStorage &storage);

// The model the config describes, adapters initialised from `adapterSeed`, on the CPU.
Result<LlamaForCausalLM> buildModel(const RunConfig &config, uint64_t adapterSeed, bool cuda);

// Writes `model`'s base weights (as they are now: merge adapters first for a merged export)
// as a Hugging Face folder: config.json and model.safetensors in `dtype`.
Status saveHfModel(LlamaForCausalLMImpl &model, const std::string &dir, torch::ScalarType dtype);

}  // namespace corral
