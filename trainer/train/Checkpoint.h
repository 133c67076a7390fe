#pragma once
// Checkpoints in PEFT's adapter layout, complete or absent:
//   RUN_DIR/checkpoints/step-00000500/{adapter_model.safetensors, adapter_config.json, trainer_state.json}
// are written into a temporary sibling folder, fsynced, then renamed into place.
// RUN_DIR/checkpoints/best is a small JSON file naming the best step; replaced atomically.
#include "config/Result.h"
#include "config/RunConfig.h"
#include "io/Safetensors.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace corral {

// Files every complete checkpoint folder holds.
extern const char *const kCheckpointFiles[4];

std::string checkpointName(int64_t step);  // "step-00000500"

// The adapter_config.json PEFT reads.
nlohmann::json peftAdapterConfig(const LoraConfig &lora, const std::string &baseModel);

// Returns the checkpoint's folder. `writeState` writes the training state (optimizer.pt)
// into the temporary folder before everything is fsynced and renamed into place.
Result<std::string> saveCheckpoint(const std::string &runDir, int64_t step, const TensorMap &adapter,
                                   const nlohmann::json &adapterConfig, const nlohmann::json &trainerState,
                                   const std::function<Status(const std::string &dir)> &writeState);

// Complete checkpoint folders of a run, oldest first (temporary folders are never listed).
std::vector<std::string> listCheckpoints(const std::string &runDir);
std::optional<std::string> latestCheckpoint(const std::string &runDir);
// Which required file a folder lacks; empty when complete.
std::string missingCheckpointFile(const std::string &dir);

// Keeps the newest `keep` checkpoints plus the one of `protectedStep` (the best) and the one
// chosen in the app (checkpoints/chosen); 0 keeps all. A folder is renamed to a temporary name
// before it is deleted, so it is never seen half gone.
Status pruneCheckpoints(const std::string &runDir, int64_t keep, int64_t protectedStep);
// Removes what an interrupted save or prune left behind.
void removeTemporaryFolders(const std::string &runDir);
int64_t checkpointStep(const std::string &dir);  // from "step-00000500"; -1 if not a checkpoint name

// The step RUN_DIR/checkpoints/chosen names (written by the app, docs/formats.md); -1 when none.
int64_t chosenCheckpointStep(const std::string &runDir);

Status writeBestPointer(const std::string &runDir, int64_t step, double valLoss);

// Writes a whole file and fsyncs it.
Status writeFileSynced(const std::string &path, const std::string &content);
Status syncFile(const std::string &path);

}  // namespace corral
