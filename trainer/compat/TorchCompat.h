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

namespace corral::compat {

// Causal attention over [B, H, T, D] tensors with as many query as key/value heads.
// Uses the fused kernel where LibTorch has one (2.0+), else the textbook formula.
inline at::Tensor causalAttention(const at::Tensor &q, const at::Tensor &k, const at::Tensor &v)
{
#if CORRAL_TORCH_HAS_SDPA
    return at::scaled_dot_product_attention(q, k, v, /*attn_mask=*/{}, /*dropout_p=*/0.0, /*is_causal=*/true);
#else
    const int64_t t = q.size(-2);
    const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
    auto scores = at::matmul(q, k.transpose(-2, -1)) * scale;  // [B, H, T, T]
    const auto future = at::ones({t, t}, q.options().dtype(at::kBool)).triu(1);
    scores = scores.masked_fill(future, -std::numeric_limits<float>::infinity());
    return at::matmul(at::softmax(scores, -1, at::kFloat).to(q.scalar_type()), v);
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
#if TORCH_VERSION_MAJOR >= 2
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
#if TORCH_VERSION_MAJOR >= 2
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

}  // namespace corral::compat
