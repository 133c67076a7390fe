#pragma once
// The architecture of a LLaMA model: Hugging Face's LlamaConfig fields that change the forward
// pass. Read from a model folder's config.json, or the built-in tiny-demo preset. No LibTorch,
// so the app can size models (resource estimate) with the same code.
#include "config/Result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace corral {

// rope_scaling {"rope_type": "llama3", ...} of Llama 3.1/3.2: long wavelengths are slowed
// down by `factor`, short ones kept, and the band between interpolated smoothly.
struct RopeScaling {
    std::string type;  // "" (none) or "llama3"
    double factor = 1.0;
    double low_freq_factor = 1.0;
    double high_freq_factor = 4.0;
    int64_t original_max_position_embeddings = 8192;
};

struct LlamaConfig {
    int64_t vocab_size = 258;
    int64_t hidden_size = 256;
    int64_t intermediate_size = 688;
    int64_t num_layers = 4;
    int64_t num_heads = 8;
    int64_t num_kv_heads = 4;
    int64_t head_dim = 0;  // config.json's head_dim; 0: hidden_size / num_heads
    double rms_norm_eps = 1e-5;
    double rope_theta = 10000.0;
    RopeScaling rope_scaling;
    int64_t max_position_embeddings = 2048;
    bool tie_word_embeddings = false;
    int64_t bos_token_id = -1;  // -1: not given
    std::vector<int64_t> eos_token_ids;
    std::string torch_dtype = "float32";  // dtype the weights were saved in

    int64_t headDim() const { return head_dim > 0 ? head_dim : hidden_size / num_heads; }
    static LlamaConfig tinyDemo();
    // Built-in architectures by model.name: tiny-demo, llama-3.2-1b, llama-3.2-3b, llama-3.1-8b
    // (the published shapes; weights are random unless model.path gives a checkpoint).
    static Result<LlamaConfig> preset(const std::string &name);
    static std::vector<std::string> presetNames();

    // Parameter counts: all weights, and the part in the decoder layers' linear projections.
    int64_t parameterCount() const;
    int64_t linearParameterCount() const;
};

// Reads and checks a Hugging Face config.json (LlamaForCausalLM or model_type "llama").
// Unsupported features (attention or MLP biases, another activation or rope type) are errors
// that name the field and the file.
Result<LlamaConfig> readLlamaConfig(const std::string &configJsonPath);
Result<LlamaConfig> parseLlamaConfig(const std::string &jsonText, const std::string &source);
// The config.json a Hugging Face LlamaForCausalLM expects for this architecture.
std::string llamaConfigJson(const LlamaConfig &config);

// Rotary inverse frequencies θ^(-2i/d) for i < d/2, with the llama3 scaling applied when set.
std::vector<double> ropeInverseFrequencies(const LlamaConfig &config);

}  // namespace corral
