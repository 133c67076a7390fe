#pragma once
// Global gradient-norm clipping over a set of parameters. Returns the norm before clipping
// (what the metrics report); max_norm 0 measures without clipping.
#include <torch/types.h>

#include <vector>

namespace corral {

double clipGradients(const std::vector<torch::Tensor> &params, double maxNorm);

}  // namespace corral
