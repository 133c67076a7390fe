#pragma once
// trainer_state.json of a checkpoint (docs/formats.md): what a resume restores besides the
// adapters and the optimizer — progress, the early-stopping counters and the data order's
// position. Read without LibTorch so the check runs, and is fuzzed (tests/fuzz), on its own:
// a file from an older version, a hand edit or a half-copied folder must be refused with the
// field, never handed to the sampler (a negative offset would index outside its order).
#include "config/Result.h"

#include <cstdint>
#include <limits>
#include <string>

namespace corral {

struct TrainerStateFile {
    // 2: the checkpoint folder also holds checksums.json (train/CheckpointChecksums.h). Format 1
    // (no checksums) still loads.
    static constexpr int kFormat = 2;
    static constexpr int kOldestFormat = 1;

    int64_t step = 0;
    int64_t tokens = 0;
    double valLoss = std::numeric_limits<double>::quiet_NaN();  // null in the file: NaN
    double firstValLoss = std::numeric_limits<double>::quiet_NaN();
    double bestValLoss = std::numeric_limits<double>::infinity();
    int64_t bestStep = -1;
    int64_t evalsWithoutImprovement = 0;
    int64_t nonFiniteInARow = 0;
    int64_t samplerEpoch = 0;
    int64_t samplerOffset = 0;
    double elapsedSeconds = 0;
};

// Errors name the field; their context is `source`.
Result<TrainerStateFile> parseTrainerStateFile(const std::string &text, const std::string &source);

}  // namespace corral
