#include "model/Lora.h"

#include "compat/TorchCompat.h"

#include <torch/autograd.h>
#include <torch/nn/functional/linear.h>

#include <algorithm>
#include <cmath>

namespace corral {
namespace {

// Dequantised tiles stay below this many elements (16 MiB in float32).
constexpr int64_t kTileElements = int64_t{1} << 22;

int64_t rowsPerTile(int64_t columns)
{
    return std::max<int64_t>(1, kTileElements / std::max<int64_t>(1, columns));
}

torch::Tensor dequantizeRows(const torch::Tensor &q, const torch::Tensor &scale, int64_t r0, int64_t n,
                             torch::ScalarType dtype)
{
    return (q.narrow(0, r0, n).to(torch::kFloat) * scale.narrow(0, r0, n).unsqueeze(1)).to(dtype);
}

// y = x·Wᵀ with W = q ⊙ scale; autograd saves q and scale (int8 + one float per row) only.
class Int8LinearFunction : public torch::autograd::Function<Int8LinearFunction> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext *ctx, const torch::Tensor &x,
                                 const torch::Tensor &q, const torch::Tensor &scale)
    {
        const auto type = compat::computeType(x);
        ctx->save_for_backward({q, scale});
        ctx->saved_data["type"] = static_cast<int64_t>(type);
        ctx->saved_data["x_type"] = static_cast<int64_t>(x.scalar_type());
        const int64_t out = q.size(0), in = q.size(1);
        const auto x2 = x.reshape({-1, in}).to(type);
        auto y = torch::empty({x2.size(0), out}, x2.options());
        const int64_t tile = rowsPerTile(in);
        for (int64_t r0 = 0; r0 < out; r0 += tile) {
            const int64_t n = std::min(tile, out - r0);
            y.narrow(1, r0, n).copy_(torch::mm(x2, dequantizeRows(q, scale, r0, n, type).t()));
        }
        auto shape = x.sizes().vec();
        shape.back() = out;
        return y.view(shape);
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext *ctx,
                                                 torch::autograd::tensor_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto &q = saved[0];
        const auto &scale = saved[1];
        const auto type = static_cast<torch::ScalarType>(ctx->saved_data["type"].toInt());
        const auto xType = static_cast<torch::ScalarType>(ctx->saved_data["x_type"].toInt());
        const int64_t out = q.size(0), in = q.size(1);
        const auto dy = grads[0].reshape({-1, out}).to(type);
        auto dx = torch::zeros({dy.size(0), in}, dy.options().dtype(type == torch::kDouble ? type : torch::kFloat));
        const int64_t tile = rowsPerTile(in);
        for (int64_t r0 = 0; r0 < out; r0 += tile) {
            const int64_t n = std::min(tile, out - r0);
            dx.add_(torch::mm(dy.narrow(1, r0, n), dequantizeRows(q, scale, r0, n, type)));
        }
        auto shape = grads[0].sizes().vec();
        shape.back() = in;
        return {dx.view(shape).to(xType), torch::Tensor(), torch::Tensor()};
    }
};

}  // namespace

double LoraOptions::scaling() const
{
    return rslora ? alpha / std::sqrt(static_cast<double>(rank)) : alpha / static_cast<double>(rank);
}

std::pair<torch::Tensor, torch::Tensor> quantizeInt8(const torch::Tensor &weight)
{
    TORCH_CHECK(weight.dim() == 2, "quantizeInt8 expects a [out, in] matrix");
    const int64_t out = weight.size(0), in = weight.size(1);
    auto q = torch::empty({out, in}, weight.options().dtype(torch::kChar));
    auto scale = torch::empty({out}, weight.options().dtype(torch::kFloat));
    const int64_t tile = rowsPerTile(in);
    for (int64_t r0 = 0; r0 < out; r0 += tile) {
        const int64_t n = std::min(tile, out - r0);
        const auto rows = weight.narrow(0, r0, n).to(torch::kFloat);
        const auto s = rows.abs().amax(1).clamp_min(1e-12) / 127.0;
        scale.narrow(0, r0, n).copy_(s);
        q.narrow(0, r0, n).copy_((rows / s.unsqueeze(1)).round().clamp(-127, 127).to(torch::kChar));
    }
    return {q, scale};
}

torch::Tensor int8Linear(const torch::Tensor &x, const torch::Tensor &q, const torch::Tensor &scale)
{
    return Int8LinearFunction::apply(x, q, scale);
}

LoraLinearImpl::LoraLinearImpl(int64_t inFeatures, int64_t outFeatures, std::optional<LoraOptions> lora)
{
    // Uninitialised: random init or a checkpoint fills it, and untouched pages cost no memory.
    weight = register_parameter("weight", torch::empty({outFeatures, inFeatures}), /*requires_grad=*/false);
    if (!lora)
        return;
    lora_A = register_module("lora_A", torch::nn::Linear(torch::nn::LinearOptions(inFeatures, lora->rank).bias(false)));
    lora_B = register_module("lora_B", torch::nn::Linear(torch::nn::LinearOptions(lora->rank, outFeatures).bias(false)));
    dropout = register_module("dropout", torch::nn::Dropout(lora->dropout));
    m_scaling = lora->scaling();
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

void LoraLinearImpl::setBaseWeight(const torch::Tensor &source, const BaseStorage &storage)
{
    TORCH_CHECK(source.sizes() == weight.sizes(), "base weight shape ", source.sizes(), " != ", weight.sizes());
    torch::NoGradGuard noGrad;
    if (storage.int8) {
        auto [q, scale] = quantizeInt8(source);
        weight.set_data(q);
        if (weight_scale.defined())
            weight_scale.set_data(scale);
        else
            weight_scale = register_buffer("weight_scale", scale);
        return;
    }
    // A copy, never an alias: `source` may be a read-only mapping of a file.
    weight.set_data(source.to(storage.dtype, /*non_blocking=*/false, /*copy=*/true).contiguous());
    if (weight_scale.defined())
        weight_scale.set_data(torch::empty({0}, torch::kFloat));
}

torch::Tensor LoraLinearImpl::denseWeight(torch::ScalarType dtype) const
{
    if (!isInt8())
        return weight.to(dtype);
    return dequantizeRows(weight, weight_scale, 0, weight.size(0), dtype);
}

torch::Tensor LoraLinearImpl::mergedWeight() const
{
    torch::NoGradGuard noGrad;
    const auto dtype = isInt8() ? torch::kFloat : weight.scalar_type();
    auto merged = denseWeight(torch::kFloat);
    if (hasAdapter())
        merged.add_(torch::mm(lora_B->weight.to(torch::kFloat), lora_A->weight.to(torch::kFloat)), m_scaling);
    return merged.to(dtype);
}

int64_t LoraLinearImpl::baseBytes() const
{
    int64_t bytes = weight.numel() * static_cast<int64_t>(weight.element_size());
    if (isInt8())
        bytes += weight_scale.numel() * static_cast<int64_t>(weight_scale.element_size());
    return bytes;
}

torch::Tensor LoraLinearImpl::forward(const torch::Tensor &x)
{
    auto y = isInt8() ? int8Linear(x, weight, weight_scale)
                      : torch::nn::functional::linear(x, weight.scalar_type() == x.scalar_type() ? weight
                                                                                                    : weight.to(x.scalar_type()));
    if (hasAdapter() && m_adapterEnabled) {
        // LoRA matrices are float32 masters; outside autocast a bf16 input meets them in float32.
        const auto loraType = lora_A->weight.scalar_type();
        const bool cast = x.scalar_type() != loraType && compat::computeType(x) == x.scalar_type();
        auto update = lora_B(lora_A(dropout(cast ? x.to(loraType) : x))) * m_scaling;
        y = y + (cast ? update.to(y.scalar_type()) : update);
    }
    return y;
}

}  // namespace corral
