#pragma once
// The LLaMA decoder as Hugging Face's LlamaForCausalLM defines it: RMSNorm, rotary position
// embeddings, grouped-query attention, SwiGLU MLP. Module and parameter names match HF
// (model.layers.N.self_attn.q_proj.weight, ...), so checkpoints and PEFT adapters map 1:1.
#include "model/LlamaConfig.h"
#include "model/Lora.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace corral {

struct AdapterSpec {
    LoraOptions options;
    std::set<std::string> targets;  // "q_proj", ..., "down_proj"
};

class RMSNormImpl : public torch::nn::Module {
public:
    RMSNormImpl(int64_t dim, double eps);
    torch::Tensor forward(const torch::Tensor &x);  // x * rsqrt(mean(x²) + eps) * weight, in fp32
    torch::Tensor weight;

private:
    double m_eps;
};
TORCH_MODULE(RMSNorm);

// Token embeddings without an initialiser of their own (random init or a checkpoint fills them).
class TokenEmbeddingImpl : public torch::nn::Module {
public:
    TokenEmbeddingImpl(int64_t vocab, int64_t dim);
    torch::Tensor forward(const torch::Tensor &ids);  // [B, T] -> [B, T, C]
    torch::Tensor weight;
};
TORCH_MODULE(TokenEmbedding);

class LlamaAttentionImpl : public torch::nn::Module {
public:
    LlamaAttentionImpl(const LlamaConfig &config, const AdapterSpec &adapters);
    // x [B, T, C], cos/sin [T, D] or [B, 1, T, D], allowed [B, 1, T, T] or undefined (causal) -> [B, T, C]
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                          const torch::Tensor &allowed);
    LoraLinear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};

private:
    int64_t m_heads, m_kvHeads, m_headDim;
};
TORCH_MODULE(LlamaAttention);

class LlamaMLPImpl : public torch::nn::Module {
public:
    LlamaMLPImpl(const LlamaConfig &config, const AdapterSpec &adapters);
    torch::Tensor forward(const torch::Tensor &x);  // down(silu(gate(x)) * up(x))
    LoraLinear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(LlamaMLP);

class LlamaDecoderLayerImpl : public torch::nn::Module {
public:
    LlamaDecoderLayerImpl(const LlamaConfig &config, const AdapterSpec &adapters);
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin,
                          const torch::Tensor &allowed);
    LlamaAttention self_attn{nullptr};
    LlamaMLP mlp{nullptr};
    RMSNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
};
TORCH_MODULE(LlamaDecoderLayer);

class LlamaModelImpl : public torch::nn::Module {
public:
    LlamaModelImpl(const LlamaConfig &config, const AdapterSpec &adapters);
    // [B, T] -> hidden [B, T, C]. positions [B, T]: rotary positions (default 0..T-1);
    // segments [B, T]: document number of each token, and a token attends only to earlier
    // tokens of its own document (default: one document per row, plain causal attention).
    torch::Tensor forward(const torch::Tensor &inputIds, const torch::Tensor &positions = {},
                          const torch::Tensor &segments = {});
    TokenEmbedding embed_tokens{nullptr};
    torch::nn::ModuleList layers{nullptr};
    RMSNorm norm{nullptr};

private:
    torch::Tensor m_invFreq;  // [D/2] float64; rotary angles are computed in float32 (float64 for float64 models)
};
TORCH_MODULE(LlamaModel);

class LlamaForCausalLMImpl : public torch::nn::Module {
public:
    LlamaForCausalLMImpl(const LlamaConfig &config, const AdapterSpec &adapters);
    // [B, T] -> logits [B, T, V]; positions and segments as in LlamaModel.
    torch::Tensor forward(const torch::Tensor &inputIds, const torch::Tensor &positions = {},
                          const torch::Tensor &segments = {});

    // Random base weights from `baseSeed` (N(0, 0.02), norms 1), LoRA from `adapterSeed`.
    void initialize(uint64_t baseSeed, uint64_t adapterSeed);
    void setAdaptersEnabled(bool enabled);
    std::vector<torch::Tensor> adapterParameters();
    // LoRA tensors under PEFT's saved key names ("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").
    std::map<std::string, torch::Tensor> adapterStateDict();
    const LlamaConfig &config() const { return m_config; }

    // Frozen linear weights by parameter name ("model.layers.0.self_attn.q_proj.weight").
    std::map<std::string, LoraLinear> baseLinears();
    // Converts every frozen linear weight to `storage` (int8 quantises); embeddings and norms
    // stay as they are.
    void convertBase(const BaseStorage &storage);
    // Bytes held by the frozen base weights (linear weights with their scales, embeddings, norms).
    int64_t baseWeightBytes();
    // What baseWeightBytes() would be without int8: each int8 linear weight counted at `dtype`
    // (the model's storage dtype), without its scales. The same figure for a model not quantised.
    int64_t baseWeightBytesUnquantised(torch::ScalarType dtype);
    // Folds each adapter into its base weight (W + s·B·A) and drops the adapters' effect: the
    // model then computes what the adapted model did. For export.
    void mergeAdapters();
    // Base weights under Hugging Face's names, dense (int8 ones dequantised to float32).
    std::map<std::string, torch::Tensor> baseStateDict();

    LlamaModel model{nullptr};
    LoraLinear lm_head{nullptr};

private:
    std::vector<LoraLinear> loraLinears();
    LlamaConfig m_config;
};
TORCH_MODULE(LlamaForCausalLM);

bool isAdapterParameterName(const std::string &name);

}  // namespace corral
