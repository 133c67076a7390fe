#pragma once
// A linear layer with a frozen base weight and an optional LoRA update:
//   y = x·Wᵀ + s · dropout(x)·Aᵀ·Bᵀ        W [out, in], A [r, in], B [out, r]
// with s = alpha / r (or alpha / √r for rsLoRA). B starts at zero, so an adapted model equals
// its base until the first update. Parameter names (weight, lora_A.weight, lora_B.weight)
// follow PEFT's layout.
//
// The base weight is stored in a chosen floating dtype, or as int8 with one absmax scale per
// output channel (weight_scale): y = (x·Qᵀ) ⊙ scale. The int8 matmuls dequantise the weight
// tile by tile in both the forward and the backward pass, and autograd keeps only the int8
// tensor, never a dequantised copy.
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
    bool rslora = false;  // scale by alpha / √rank instead of alpha / rank

    double scaling() const;
};

// How frozen base weights are held in memory.
struct BaseStorage {
    torch::ScalarType dtype = torch::kFloat;  // for floating storage
    bool int8 = false;  // per-output-channel absmax int8 instead
};

class LoraLinearImpl : public torch::nn::Module {
public:
    LoraLinearImpl(int64_t inFeatures, int64_t outFeatures, std::optional<LoraOptions> lora);

    torch::Tensor forward(const torch::Tensor &x);  // [..., in] -> [..., out]

    bool hasAdapter() const { return !lora_A.is_empty(); }
    void setAdapterEnabled(bool enabled) { m_adapterEnabled = enabled; }
    // PEFT init: A ~ kaiming-uniform(a=√5) i.e. U(-1/√in, 1/√in), B = 0.
    void resetAdapter();
    double scaling() const { return m_scaling; }

    // Replaces the base weight with `source` ([out, in], any floating dtype, may be a read-only
    // view of a memory-mapped file), converted or quantised row block by row block.
    void setBaseWeight(const torch::Tensor &source, const BaseStorage &storage);
    bool isInt8() const { return weight.scalar_type() == torch::kChar; }
    // The base weight as `dtype` (dequantised when int8).
    torch::Tensor denseWeight(torch::ScalarType dtype) const;
    // W + s·B·A, for export; the base weight's own dtype unless int8 (then float32).
    torch::Tensor mergedWeight() const;
    int64_t baseBytes() const;

    torch::Tensor weight;  // frozen base weight [out, in]: floating, or int8 with weight_scale
    torch::Tensor weight_scale;  // [out] float32 when int8, else empty
    torch::nn::Linear lora_A{nullptr};  // in -> r
    torch::nn::Linear lora_B{nullptr};  // r -> out
    torch::nn::Dropout dropout{nullptr};

private:
    double m_scaling = 0.0;
    bool m_adapterEnabled = true;
};
TORCH_MODULE(LoraLinear);

// Per-output-channel absmax int8 quantisation of a [out, in] matrix, row block by row block:
// scale = max|row| / 127, q = round(row / scale). Returns {q int8, scale float32}.
std::pair<torch::Tensor, torch::Tensor> quantizeInt8(const torch::Tensor &weight);
// x·(q ⊙ scale)ᵀ with the int8 weight dequantised one row block at a time, differentiable in x.
torch::Tensor int8Linear(const torch::Tensor &x, const torch::Tensor &q, const torch::Tensor &scale);

}  // namespace corral
