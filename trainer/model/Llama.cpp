#include "model/Llama.h"

#include "compat/TorchCompat.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/linear.h>
#include <torch/utils.h>

#include <stdexcept>

namespace corral {
namespace {

std::optional<LoraOptions> adapterFor(const AdapterSpec &adapters, const char *name)
{
    if (adapters.targets.count(name))
        return adapters.options;
    return std::nullopt;
}

// HF's rotate_half: [x1, x2] -> [-x2, x1] over the last dimension.
torch::Tensor rotateHalf(const torch::Tensor &x)
{
    const int64_t half = x.size(-1) / 2;
    return torch::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
}

torch::Tensor applyRotary(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin)
{
    // x [B, H, T, D], cos/sin [T, D] or [B, 1, T, D] broadcast, in x's dtype as HF does.
    return x * cos.to(x.scalar_type()) + rotateHalf(x) * sin.to(x.scalar_type());
}

// [B, KV, T, D] -> [B, KV*rep, T, D]: query head h reads key/value head h / rep.
torch::Tensor repeatKv(const torch::Tensor &x, int64_t rep)
{
    if (rep == 1)
        return x;
    const auto b = x.size(0), kv = x.size(1), t = x.size(2), d = x.size(3);
    return x.unsqueeze(2).expand({b, kv, rep, t, d}).reshape({b, kv * rep, t, d});
}

}  // namespace

bool isAdapterParameterName(const std::string &name)
{
    return name.find("lora_A.") != std::string::npos || name.find("lora_B.") != std::string::npos;
}

RMSNormImpl::RMSNormImpl(int64_t dim, double eps) : m_eps(eps)
{
    weight = register_parameter("weight", torch::ones({dim}), /*requires_grad=*/false);
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor &x)
{
    // As HF: normalise in float32 (float64 stays float64), cast back, then scale.
    const auto type = x.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat;
    const auto xf = x.to(type);
    const auto normed = (xf * torch::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + m_eps)).to(x.scalar_type());
    return weight.to(x.scalar_type()) * normed;
}

TokenEmbeddingImpl::TokenEmbeddingImpl(int64_t vocab, int64_t dim)
{
    weight = register_parameter("weight", torch::empty({vocab, dim}), /*requires_grad=*/false);
}

torch::Tensor TokenEmbeddingImpl::forward(const torch::Tensor &ids)
{
    return torch::embedding(weight, ids);
}

LlamaAttentionImpl::LlamaAttentionImpl(const LlamaConfig &c, const AdapterSpec &adapters)
    : m_heads(c.num_heads), m_kvHeads(c.num_kv_heads), m_headDim(c.headDim())
{
    if (c.hidden_size % c.num_heads != 0 || c.num_heads % c.num_kv_heads != 0)
        throw std::invalid_argument("hidden_size must divide by num_heads and num_heads by num_key_value_heads");
    const int64_t kvDim = m_kvHeads * m_headDim;
    q_proj = register_module("q_proj", LoraLinear(c.hidden_size, m_heads * m_headDim, adapterFor(adapters, "q_proj")));
    k_proj = register_module("k_proj", LoraLinear(c.hidden_size, kvDim, adapterFor(adapters, "k_proj")));
    v_proj = register_module("v_proj", LoraLinear(c.hidden_size, kvDim, adapterFor(adapters, "v_proj")));
    o_proj = register_module("o_proj", LoraLinear(m_heads * m_headDim, c.hidden_size, adapterFor(adapters, "o_proj")));
}

torch::Tensor LlamaAttentionImpl::forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                                         const torch::Tensor &allowed)
{
    const int64_t b = x.size(0), t = x.size(1);
    auto q = q_proj(x).view({b, t, m_heads, m_headDim}).transpose(1, 2);  // [B, H, T, D]
    auto k = k_proj(x).view({b, t, m_kvHeads, m_headDim}).transpose(1, 2);  // [B, KV, T, D]
    auto v = v_proj(x).view({b, t, m_kvHeads, m_headDim}).transpose(1, 2);  // [B, KV, T, D]
    q = applyRotary(q, cos, sin);
    k = applyRotary(k, cos, sin);
    const int64_t rep = m_heads / m_kvHeads;
    auto y = compat::attention(q, repeatKv(k, rep), repeatKv(v, rep), allowed);  // [B, H, T, D]
    return o_proj(y.transpose(1, 2).reshape({b, t, m_heads * m_headDim}));
}

LlamaMLPImpl::LlamaMLPImpl(const LlamaConfig &c, const AdapterSpec &adapters)
{
    gate_proj = register_module("gate_proj", LoraLinear(c.hidden_size, c.intermediate_size, adapterFor(adapters, "gate_proj")));
    up_proj = register_module("up_proj", LoraLinear(c.hidden_size, c.intermediate_size, adapterFor(adapters, "up_proj")));
    down_proj = register_module("down_proj", LoraLinear(c.intermediate_size, c.hidden_size, adapterFor(adapters, "down_proj")));
}

torch::Tensor LlamaMLPImpl::forward(const torch::Tensor &x)
{
    return down_proj(torch::nn::functional::silu(gate_proj(x)) * up_proj(x));
}

LlamaDecoderLayerImpl::LlamaDecoderLayerImpl(const LlamaConfig &c, const AdapterSpec &adapters)
{
    self_attn = register_module("self_attn", LlamaAttention(c, adapters));
    mlp = register_module("mlp", LlamaMLP(c, adapters));
    input_layernorm = register_module("input_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
    post_attention_layernorm = register_module("post_attention_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
}

torch::Tensor LlamaDecoderLayerImpl::forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                                            const torch::Tensor &allowed)
{
    auto h = x + self_attn(input_layernorm(x), cos, sin, allowed);
    return h + mlp(post_attention_layernorm(h));
}

LlamaModelImpl::LlamaModelImpl(const LlamaConfig &c, const AdapterSpec &adapters)
{
    embed_tokens = register_module("embed_tokens", TokenEmbedding(c.vocab_size, c.hidden_size));
    layers = register_module("layers", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.num_layers; ++i)
        layers->push_back(LlamaDecoderLayer(c, adapters));
    norm = register_module("norm", RMSNorm(c.hidden_size, c.rms_norm_eps));
    // A buffer, so it follows the model's device but is neither trained nor saved as a weight.
    const auto inv = ropeInverseFrequencies(c);
    m_invFreq = register_buffer("inv_freq", torch::tensor(inv, torch::kDouble));
}

torch::Tensor LlamaModelImpl::forward(const torch::Tensor &inputIds, const torch::Tensor &positions,
                                      const torch::Tensor &segments)
{
    const int64_t t = inputIds.size(1);
    auto h = embed_tokens(inputIds);  // [B, T, C]
    // The residual stream is float32 (float64 in float64 models) whatever the weights' dtype.
    const auto type = h.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat;
    h = h.to(type);
    const auto invFreq = m_invFreq.to(type);
    torch::Tensor cos, sin;
    {
        // Angles in full precision as HF computes them, outside any autocast scope.
        const auto pos = positions.defined() ? positions.to(type) : torch::arange(t, invFreq.options());
        auto freqs = pos.unsqueeze(-1) * invFreq;  // [T, D/2] or [B, T, D/2]
        auto emb = torch::cat({freqs, freqs}, -1);
        if (positions.defined())
            emb = emb.unsqueeze(1);  // [B, 1, T, D]
        cos = emb.cos();
        sin = emb.sin();
    }
    torch::Tensor allowed;
    if (segments.defined()) {
        // Causal and within one document: [B, 1, T, T].
        const auto same = segments.unsqueeze(2) == segments.unsqueeze(1);
        const auto causal = torch::ones({t, t}, inputIds.options().dtype(torch::kBool)).tril();
        allowed = (same & causal).unsqueeze(1);
    }
    for (const auto &layer : *layers)
        h = layer->as<LlamaDecoderLayer>()->forward(h, cos, sin, allowed);
    return norm(h);
}

LlamaForCausalLMImpl::LlamaForCausalLMImpl(const LlamaConfig &c, const AdapterSpec &adapters) : m_config(c)
{
    model = register_module("model", LlamaModel(c, adapters));
    if (!c.tie_word_embeddings)
        lm_head = register_module("lm_head", LoraLinear(c.hidden_size, c.vocab_size, std::nullopt));
}

torch::Tensor LlamaForCausalLMImpl::forward(const torch::Tensor &inputIds, const torch::Tensor &positions,
                                            const torch::Tensor &segments)
{
    auto h = model(inputIds, positions, segments);
    if (m_config.tie_word_embeddings) {
        const auto &w = model->embed_tokens->weight;
        return torch::nn::functional::linear(h, w.scalar_type() == h.scalar_type() ? w : w.to(h.scalar_type()));
    }
    return lm_head(h);
}

void LlamaForCausalLMImpl::initialize(uint64_t baseSeed, uint64_t adapterSeed)
{
    torch::NoGradGuard noGrad;
    torch::manual_seed(baseSeed);
    for (auto &item : named_parameters()) {
        if (isAdapterParameterName(item.key()))
            continue;
        if (item.key().find("norm.weight") != std::string::npos || item.key().find("layernorm.weight") != std::string::npos)
            item.value().fill_(1.0);
        else
            item.value().normal_(0.0, 0.02);
    }
    torch::manual_seed(adapterSeed);
    for (auto &linear : loraLinears())
        linear->resetAdapter();
}

std::vector<LoraLinear> LlamaForCausalLMImpl::loraLinears()
{
    std::vector<LoraLinear> result;
    for (const auto &child : modules(/*include_self=*/false)) {
        if (auto linear = std::dynamic_pointer_cast<LoraLinearImpl>(child); linear && linear->hasAdapter())
            result.emplace_back(linear);
    }
    return result;
}

void LlamaForCausalLMImpl::setAdaptersEnabled(bool enabled)
{
    for (auto &linear : loraLinears())
        linear->setAdapterEnabled(enabled);
}

std::vector<torch::Tensor> LlamaForCausalLMImpl::adapterParameters()
{
    std::vector<torch::Tensor> result;
    for (auto &item : named_parameters()) {
        if (isAdapterParameterName(item.key()))
            result.push_back(item.value());
    }
    return result;
}

std::map<std::string, LoraLinear> LlamaForCausalLMImpl::baseLinears()
{
    std::map<std::string, LoraLinear> result;
    for (const auto &item : named_modules()) {
        if (auto linear = std::dynamic_pointer_cast<LoraLinearImpl>(item.value()))
            result.emplace(item.key() + ".weight", LoraLinear(linear));
    }
    return result;
}

void LlamaForCausalLMImpl::convertBase(const BaseStorage &storage)
{
    for (auto &[name, linear] : baseLinears()) {
        if (name == "lm_head.weight")
            continue;  // the output projection is not quantised; it keeps the dtype it has
        linear->setBaseWeight(linear->denseWeight(torch::kFloat), storage);
    }
}

int64_t LlamaForCausalLMImpl::baseWeightBytes()
{
    int64_t bytes = 0;
    for (const auto &item : named_parameters()) {
        if (!isAdapterParameterName(item.key()))
            bytes += item.value().numel() * static_cast<int64_t>(item.value().element_size());
    }
    for (const auto &item : named_buffers()) {
        if (item.key().find("weight_scale") != std::string::npos)
            bytes += item.value().numel() * static_cast<int64_t>(item.value().element_size());
    }
    return bytes;
}

int64_t LlamaForCausalLMImpl::baseWeightBytesUnquantised(torch::ScalarType dtype)
{
    int64_t bytes = baseWeightBytes();
    for (const auto &[name, linear] : baseLinears()) {
        if (linear->isInt8())
            bytes += linear->weight.numel() * static_cast<int64_t>(c10::elementSize(dtype))
                     - linear->baseBytes();
    }
    return bytes;
}

void LlamaForCausalLMImpl::mergeAdapters()
{
    torch::NoGradGuard noGrad;
    for (auto &[name, linear] : baseLinears()) {
        if (!linear->hasAdapter())
            continue;
        const auto merged = linear->mergedWeight();
        linear->setBaseWeight(merged, BaseStorage{merged.scalar_type(), false});
        linear->setAdapterEnabled(false);
    }
}

std::map<std::string, torch::Tensor> LlamaForCausalLMImpl::baseStateDict()
{
    std::map<std::string, torch::Tensor> result;
    const auto linears = baseLinears();
    for (const auto &item : named_parameters()) {
        if (isAdapterParameterName(item.key()))
            continue;
        const auto linear = linears.find(item.key());
        if (linear != linears.end() && linear->second->isInt8())
            result.emplace(item.key(), linear->second->denseWeight(torch::kFloat));
        else
            result.emplace(item.key(), item.value().detach());
    }
    return result;
}

std::map<std::string, torch::Tensor> LlamaForCausalLMImpl::adapterStateDict()
{
    std::map<std::string, torch::Tensor> result;
    for (auto &item : named_parameters()) {
        if (isAdapterParameterName(item.key()))
            result.emplace("base_model.model." + item.key(), item.value().detach());
    }
    return result;
}

}  // namespace corral
