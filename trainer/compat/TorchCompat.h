#pragma once
// The one place where LibTorch version differences live. corral-train builds against
// Debian's LibTorch 1.13 (CPU, Gloo) and against LibTorch 2.x (CUDA, NCCL) on GPU machines;
// everything else in trainer/ calls these helpers instead of testing versions itself.
#include <torch/version.h>

#include <ATen/ATen.h>

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

}  // namespace corral::compat
