#pragma once
// A linear layer with a frozen base weight and an optional LoRA update:
//   y = x·Wᵀ + (alpha / r) · dropout(x)·Aᵀ·Bᵀ        W [out, in], A [r, in], B [out, r]
// B starts at zero, so an adapted model equals its base until the first update.
// Parameter names (weight, lora_A.weight, lora_B.weight) follow PEFT's layout.
#include <torch/nn/module.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <optional>

namespace corral {

struct LoraOptions {
    int64_t rank = 8;
    double alpha = 16.0;
    double dropout = 0.0;
};

class LoraLinearImpl : public torch::nn::Module {
public:
    LoraLinearImpl(int64_t inFeatures, int64_t outFeatures, std::optional<LoraOptions> lora);

    torch::Tensor forward(const torch::Tensor &x);  // [..., in] -> [..., out]

    bool hasAdapter() const { return !lora_A.is_empty(); }
    void setAdapterEnabled(bool enabled) { m_adapterEnabled = enabled; }
    // PEFT init: A ~ kaiming-uniform(a=√5) i.e. U(-1/√in, 1/√in), B = 0.
    void resetAdapter();

    torch::Tensor weight;  // frozen base weight [out, in]
    torch::nn::Linear lora_A{nullptr};  // in -> r
    torch::nn::Linear lora_B{nullptr};  // r -> out
    torch::nn::Dropout dropout{nullptr};

private:
    double m_scaling = 0.0;
    bool m_adapterEnabled = true;
};
TORCH_MODULE(LoraLinear);

}  // namespace corral
