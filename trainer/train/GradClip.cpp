#include "train/GradClip.h"

#include <torch/nn/utils/clip_grad.h>

#include <limits>

namespace corral {

double clipGradients(const std::vector<torch::Tensor> &params, double maxNorm)
{
    return torch::nn::utils::clip_grad_norm_(params, maxNorm > 0 ? maxNorm : std::numeric_limits<double>::infinity());
}

}  // namespace corral
