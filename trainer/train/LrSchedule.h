#pragma once
// Learning rate for the optimizer step with 0-based index `step`:
//   warmup (step < W):  lr · (step + 1) / W
//   cosine:             floor + (lr − floor) · ½ · (1 + cos(π · (step − W) / (S − W))),  floor = lr · min_lr_ratio
//   constant:           lr
#include "config/RunConfig.h"

namespace corral {

double learningRate(const TrainConfig &train, int64_t step);

}  // namespace corral
