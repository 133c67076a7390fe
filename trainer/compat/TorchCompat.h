#pragma once
// The one place where LibTorch version differences live. corral-train builds against
// Debian's LibTorch 1.13 (CPU, Gloo) and against LibTorch 2.x (CUDA, NCCL) on GPU machines;
// everything else in trainer/ calls these helpers instead of testing versions itself.
#include <torch/version.h>

#include <ATen/ATen.h>
#include <ATen/autocast_mode.h>

#include <cmath>
#include <limits>

#if TORCH_VERSION_MAJOR >= 2
#define CORRAL_TORCH_HAS_SDPA 1
#else
#define CORRAL_TORCH_HAS_SDPA 0
#endif
// 2.4 folded the per-device autocast switches into functions taking a device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define CORRAL_TORCH_AUTOCAST_BY_DEVICE 1
#else
#define CORRAL_TORCH_AUTOCAST_BY_DEVICE 0
#endif

namespace corral::compat {

// Attention over [B, H, T, D] tensors with as many query as key/value heads. Without a mask
// it is causal; `allowed` ([B, 1, T, T] bool, true where query i may read key j) replaces the
// causal rule, e.g. to keep documents packed into one row apart. Uses the fused kernel where
// LibTorch has one (2.0+), else the textbook formula with a float32 softmax.
inline at::Tensor attention(const at::Tensor &q, const at::Tensor &k, const at::Tensor &v,
                            const at::Tensor &allowed = {})
{
#if CORRAL_TORCH_HAS_SDPA
    if (allowed.defined())
        return at::scaled_dot_product_attention(q, k, v, allowed, /*dropout_p=*/0.0, /*is_causal=*/false);
    return at::scaled_dot_product_attention(q, k, v, /*attn_mask=*/{}, /*dropout_p=*/0.0, /*is_causal=*/true);
#else
    const int64_t t = q.size(-2);
    const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
    auto scores = at::matmul(q, k.transpose(-2, -1)) * scale;  // [B, H, T, T]
    const auto blocked = allowed.defined() ? allowed.logical_not()
                                           : at::ones({t, t}, q.options().dtype(at::kBool)).triu(1);
    scores = scores.masked_fill(blocked, -std::numeric_limits<double>::infinity());
    const auto softmaxType = q.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
    return at::matmul(at::softmax(scores, -1, softmaxType).to(q.scalar_type()), v);
#endif
}

inline const char *torchVersion() { return TORCH_VERSION; }

// bf16 autocast for one scope: matmuls run in bfloat16 while parameters (the fp32 master
// weights) and reductions such as the loss stay in float32. 1.13 and 2.x name the switches differently.
class Bf16Autocast {
public:
    Bf16Autocast(bool enabled, bool cuda) : m_enabled(enabled), m_cuda(cuda)
    {
        if (!m_enabled)
            return;
#if CORRAL_TORCH_AUTOCAST_BY_DEVICE
        const auto device = m_cuda ? at::kCUDA : at::kCPU;
        m_previous = at::autocast::is_autocast_enabled(device);
        at::autocast::set_autocast_dtype(device, at::kBFloat16);
        at::autocast::set_autocast_enabled(device, true);
#else
        m_previous = m_cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
        if (m_cuda) {
            at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
            at::autocast::set_enabled(true);
        } else {
            at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
            at::autocast::set_cpu_enabled(true);
        }
#endif
        at::autocast::increment_nesting();
    }
    ~Bf16Autocast()
    {
        if (!m_enabled)
            return;
        if (at::autocast::decrement_nesting() == 0)
            at::autocast::clear_cache();
#if CORRAL_TORCH_AUTOCAST_BY_DEVICE
        at::autocast::set_autocast_enabled(m_cuda ? at::kCUDA : at::kCPU, m_previous);
#else
        if (m_cuda)
            at::autocast::set_enabled(m_previous);
        else
            at::autocast::set_cpu_enabled(m_previous);
#endif
    }
    Bf16Autocast(const Bf16Autocast &) = delete;
    Bf16Autocast &operator=(const Bf16Autocast &) = delete;

private:
    bool m_enabled;
    bool m_cuda;
    bool m_previous = false;
};

// The dtype matmuls on x's device run in right now: the autocast dtype inside an autocast
// scope, else x's own. Custom autograd functions use it to cast as autocast would.
inline at::ScalarType computeType(const at::Tensor &x)
{
    if (x.scalar_type() == at::kDouble)
        return x.scalar_type();  // autocast leaves float64 alone
    const bool cuda = x.is_cuda();
#if CORRAL_TORCH_AUTOCAST_BY_DEVICE
    const auto device = cuda ? at::kCUDA : at::kCPU;
    if (at::autocast::is_autocast_enabled(device))
        return at::autocast::get_autocast_dtype(device);
#else
    if (cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled())
        return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
    return x.scalar_type();
}

}  // namespace corral::compat
