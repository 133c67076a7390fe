#include "model/Lora.h"

#include <torch/nn/functional/linear.h>
#include <torch/nn/init.h>

#include <cmath>

namespace corral {

LoraLinearImpl::LoraLinearImpl(int64_t inFeatures, int64_t outFeatures, std::optional<LoraOptions> lora)
{
    weight = register_parameter("weight", torch::empty({outFeatures, inFeatures}), /*requires_grad=*/false);
    if (!lora)
        return;
    lora_A = register_module("lora_A", torch::nn::Linear(torch::nn::LinearOptions(inFeatures, lora->rank).bias(false)));
    lora_B = register_module("lora_B", torch::nn::Linear(torch::nn::LinearOptions(lora->rank, outFeatures).bias(false)));
    dropout = register_module("dropout", torch::nn::Dropout(lora->dropout));
    m_scaling = lora->alpha / static_cast<double>(lora->rank);
    resetAdapter();
}

void LoraLinearImpl::resetAdapter()
{
    if (!hasAdapter())
        return;
    torch::NoGradGuard noGrad;
    const double bound = 1.0 / std::sqrt(static_cast<double>(lora_A->weight.size(1)));
    lora_A->weight.uniform_(-bound, bound);
    lora_B->weight.zero_();
}

torch::Tensor LoraLinearImpl::forward(const torch::Tensor &x)
{
    auto y = torch::nn::functional::linear(x, weight.to(x.scalar_type()));
    if (hasAdapter() && m_adapterEnabled)
        y = y + lora_B(lora_A(dropout(x))) * m_scaling;
    return y;
}

}  // namespace corral
