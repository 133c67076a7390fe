#pragma once
// The LLaMA decoder as Hugging Face's LlamaForCausalLM defines it: RMSNorm, rotary position
// embeddings, grouped-query attention, SwiGLU MLP. Module and parameter names match HF
// (model.layers.N.self_attn.q_proj.weight, ...), so checkpoints and PEFT adapters map 1:1.
#include "model/Lora.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/pimpl.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace corral {

struct LlamaConfig {
    int64_t vocab_size = 258;
    int64_t hidden_size = 256;
    int64_t intermediate_size = 688;
    int64_t num_layers = 4;
    int64_t num_heads = 8;
    int64_t num_kv_heads = 4;
    double rms_norm_eps = 1e-5;
    double rope_theta = 10000.0;
    bool tie_word_embeddings = false;

    int64_t headDim() const { return hidden_size / num_heads; }
    static LlamaConfig tinyDemo();
};

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

class LlamaAttentionImpl : public torch::nn::Module {
public:
    LlamaAttentionImpl(const LlamaConfig &config, const AdapterSpec &adapters);
    // x [B, T, C], cos/sin [T, D] -> [B, T, C]
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin);
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
    torch::Tensor forward(const torch::Tensor &x, const torch::Tensor &cos, const torch::Tensor &sin);
    LlamaAttention self_attn{nullptr};
    LlamaMLP mlp{nullptr};
    RMSNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
};
TORCH_MODULE(LlamaDecoderLayer);

class LlamaModelImpl : public torch::nn::Module {
public:
    LlamaModelImpl(const LlamaConfig &config, const AdapterSpec &adapters);
    torch::Tensor forward(const torch::Tensor &inputIds);  // [B, T] -> hidden [B, T, C]
    torch::nn::Embedding embed_tokens{nullptr};
    torch::nn::ModuleList layers{nullptr};
    RMSNorm norm{nullptr};

private:
    torch::Tensor m_invFreq;  // [D/2]
};
TORCH_MODULE(LlamaModel);

class LlamaForCausalLMImpl : public torch::nn::Module {
public:
    LlamaForCausalLMImpl(const LlamaConfig &config, const AdapterSpec &adapters);
    torch::Tensor forward(const torch::Tensor &inputIds);  // [B, T] -> logits [B, T, V]

    // Random base weights from `baseSeed` (N(0, 0.02), norms 1), LoRA from `adapterSeed`.
    void initialize(uint64_t baseSeed, uint64_t adapterSeed);
    void setAdaptersEnabled(bool enabled);
    std::vector<torch::Tensor> adapterParameters();
    // LoRA tensors under PEFT's saved key names ("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").
    std::map<std::string, torch::Tensor> adapterStateDict();
    const LlamaConfig &config() const { return m_config; }

    LlamaModel model{nullptr};
    LoraLinear lm_head{nullptr};

private:
    std::vector<LoraLinear> loraLinears();
    LlamaConfig m_config;
};
TORCH_MODULE(LlamaForCausalLM);

bool isAdapterParameterName(const std::string &name);

}  // namespace corral
