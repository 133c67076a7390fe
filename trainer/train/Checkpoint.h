#pragma once
// Checkpoints in PEFT's adapter layout, complete or absent:
//   RUN_DIR/checkpoints/step-00000500/{adapter_model.safetensors, adapter_config.json, trainer_state.json}
// are written into a temporary sibling folder, fsynced, then renamed into place.
// RUN_DIR/checkpoints/best is a small JSON file naming the best step; replaced atomically.
#include "config/Result.h"
#include "config/RunConfig.h"
#include "io/Safetensors.h"

#include <nlohmann/json.hpp>

#include <string>

namespace corral {

std::string checkpointName(int64_t step);  // "step-00000500"

// The adapter_config.json PEFT reads.
nlohmann::json peftAdapterConfig(const LoraConfig &lora, const std::string &baseModel);

// Returns the checkpoint's folder.
Result<std::string> saveCheckpoint(const std::string &runDir, int64_t step, const TensorMap &adapter,
                                   const nlohmann::json &adapterConfig, const nlohmann::json &trainerState);

Status writeBestPointer(const std::string &runDir, int64_t step, double valLoss);

// Writes a whole file and fsyncs it.
Status writeFileSynced(const std::string &path, const std::string &content);

}  // namespace corral
