#include "model/LlamaConfig.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace corral {
namespace {

constexpr double kPi = 3.14159265358979323846;

}  // namespace

LlamaConfig LlamaConfig::tinyDemo()
{
    return LlamaConfig{};
}

namespace {

LlamaConfig llama3(int64_t hidden, int64_t intermediate, int64_t layers, int64_t heads, bool tied, double ropeFactor)
{
    LlamaConfig c;
    c.vocab_size = 128256;
    c.hidden_size = hidden;
    c.intermediate_size = intermediate;
    c.num_layers = layers;
    c.num_heads = heads;
    c.num_kv_heads = 8;
    c.head_dim = hidden / heads;
    c.rms_norm_eps = 1e-5;
    c.rope_theta = 500000.0;
    c.rope_scaling = {"llama3", ropeFactor, 1.0, 4.0, 8192};
    c.max_position_embeddings = 131072;
    c.tie_word_embeddings = tied;
    c.bos_token_id = 128000;
    c.eos_token_ids = {128001};
    c.torch_dtype = "bfloat16";
    return c;
}

}  // namespace

std::vector<std::string> LlamaConfig::presetNames()
{
    return {"tiny-demo", "llama-3.2-1b", "llama-3.2-3b", "llama-3.1-8b"};
}

Result<LlamaConfig> LlamaConfig::preset(const std::string &name)
{
    if (name == "tiny-demo")
        return tinyDemo();
    if (name == "llama-3.2-1b")
        return llama3(2048, 8192, 16, 32, true, 32.0);
    if (name == "llama-3.2-3b")
        return llama3(3072, 8192, 28, 24, true, 32.0);
    if (name == "llama-3.1-8b")
        return llama3(4096, 14336, 32, 32, false, 8.0);
    return makeError(ErrorCode::InvalidArgument, "unknown architecture '" + name + "'", "model.name");
}

int64_t LlamaConfig::linearParameterCount() const
{
    const int64_t attention = hidden_size * (num_heads * headDim()) * 2 + hidden_size * (num_kv_heads * headDim()) * 2;
    const int64_t mlp = 3 * hidden_size * intermediate_size;
    return num_layers * (attention + mlp);
}

int64_t LlamaConfig::parameterCount() const
{
    const int64_t embeddings = vocab_size * hidden_size * (tie_word_embeddings ? 1 : 2);
    const int64_t norms = (2 * num_layers + 1) * hidden_size;
    return linearParameterCount() + embeddings + norms;
}

namespace {
int64_t maxDimension(const std::string &key)
{
    if (key == "vocab_size")
        return int64_t{1} << 24;  // the tokenizer's id limit
    if (key == "hidden_size" || key == "intermediate_size")
        return int64_t{1} << 20;
    if (key == "num_hidden_layers")
        return 1024;
    if (key == "num_attention_heads" || key == "num_key_value_heads" || key == "head_dim")
        return 4096;
    return std::numeric_limits<int64_t>::max();
}
}  // namespace

Result<LlamaConfig> parseLlamaConfig(const std::string &jsonText, const std::string &source)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(jsonText);
    } catch (const nlohmann::json::exception &e) {
        return makeError(ErrorCode::Parse, std::string("not valid JSON: ") + e.what(), source);
    }
    if (!j.is_object())
        return makeError(ErrorCode::Parse, "not a JSON object", source);
    auto fail = [&](const std::string &field, const std::string &message) {
        return makeError(ErrorCode::Validation, field + ": " + message, source);
    };
    LlamaConfig c;
    try {
        const std::string modelType = j.value("model_type", "llama");
        if (modelType != "llama")
            return fail("model_type", "only LLaMA models (\"llama\") are supported, got \"" + modelType + "\"");
        // A positive whole number of `object` (never converted from a float: 1e93 is no int), at
        // most `max`.
        auto integerOf = [&](const nlohmann::json &object, const char *key, int64_t &out, bool required,
                             int64_t max = std::numeric_limits<int64_t>::max()) -> std::string {
            if (!object.contains(key) || object[key].is_null())
                return required ? std::string("missing") : std::string();
            if (!object[key].is_number_integer() || object[key].get<int64_t>() <= 0)
                return "must be a positive integer, got " + object[key].dump();
            if (object[key].get<int64_t>() > max)
                return "must be at most " + std::to_string(max) + ", got " + object[key].dump();
            out = object[key].get<int64_t>();
            return {};
        };
        // The sizes are bounded far above any real model (Llama 3.1 405B: hidden 16384, 126
        // layers, 128 heads), so the parameter and memory counts stay within int64.
        auto integer = [&](const char *key, int64_t &out, bool required) {
            return integerOf(j, key, out, required, maxDimension(key));
        };
        const std::pair<const char *, int64_t *> required[] = {
            {"vocab_size", &c.vocab_size},
            {"hidden_size", &c.hidden_size},
            {"intermediate_size", &c.intermediate_size},
            {"num_hidden_layers", &c.num_layers},
            {"num_attention_heads", &c.num_heads},
        };
        for (const auto &[key, out] : required) {
            if (auto problem = integer(key, *out, true); !problem.empty())
                return fail(key, problem);
        }
        c.num_kv_heads = c.num_heads;
        if (auto problem = integer("num_key_value_heads", c.num_kv_heads, false); !problem.empty())
            return fail("num_key_value_heads", problem);
        if (auto problem = integer("head_dim", c.head_dim, false); !problem.empty())
            return fail("head_dim", problem);
        if (auto problem = integer("max_position_embeddings", c.max_position_embeddings, false); !problem.empty())
            return fail("max_position_embeddings", problem);
        if (!j.contains("head_dim") && c.hidden_size % c.num_heads != 0)
            return fail("num_attention_heads", "must divide hidden_size (" + std::to_string(c.hidden_size) + ")");
        if (c.num_heads % c.num_kv_heads != 0)
            return fail("num_key_value_heads", "must divide num_attention_heads (" + std::to_string(c.num_heads) + ")");
        if (c.headDim() % 2 != 0)
            return fail("head_dim", "must be even for rotary embeddings, got " + std::to_string(c.headDim()));
        if (c.headDim() > maxDimension("head_dim"))  // hidden_size / num_attention_heads, when not given
            return fail("head_dim", "must be at most " + std::to_string(maxDimension("head_dim")) + ", got "
                                        + std::to_string(c.headDim()) + " (hidden_size / num_attention_heads)");
        c.rms_norm_eps = j.value("rms_norm_eps", 1e-6);
        c.rope_theta = j.value("rope_theta", 10000.0);
        if (!(c.rms_norm_eps > 0) || !(c.rope_theta > 0))
            return fail(c.rms_norm_eps > 0 ? "rope_theta" : "rms_norm_eps", "must be > 0");
        c.tie_word_embeddings = j.value("tie_word_embeddings", false);
        const std::string act = j.value("hidden_act", "silu");
        if (act != "silu")
            return fail("hidden_act", "only \"silu\" (SwiGLU) is supported, got \"" + act + "\"");
        for (const char *key : {"attention_bias", "mlp_bias"}) {
            if (j.value(key, false))
                return fail(key, "biases in the linear layers are not supported");
        }
        if (j.contains("rope_scaling") && !j["rope_scaling"].is_null()) {
            const auto &rs = j["rope_scaling"];
            if (!rs.is_object())
                return fail("rope_scaling", "must be an object or null");
            const std::string type = rs.value("rope_type", rs.value("type", std::string("default")));
            if (type == "llama3") {
                c.rope_scaling.type = type;
                c.rope_scaling.factor = rs.at("factor").get<double>();
                c.rope_scaling.low_freq_factor = rs.value("low_freq_factor", 1.0);
                c.rope_scaling.high_freq_factor = rs.value("high_freq_factor", 4.0);
                const std::string original = integerOf(rs, "original_max_position_embeddings",
                                                       c.rope_scaling.original_max_position_embeddings, false);
                if (!original.empty())
                    return fail("rope_scaling.original_max_position_embeddings", original);
                const RopeScaling &r = c.rope_scaling;
                if (!(r.factor >= 1.0) || !(r.high_freq_factor > r.low_freq_factor))
                    return fail("rope_scaling", "llama3 scaling needs factor ≥ 1 and high_freq_factor > "
                                                "low_freq_factor, got " + rs.dump());
            } else if (type != "default") {
                return fail("rope_scaling", "rope type \"" + type + "\" is not supported (default, llama3)");
            }
        }
        if (j.contains("bos_token_id") && j["bos_token_id"].is_number_integer())
            c.bos_token_id = j["bos_token_id"].get<int64_t>();
        if (j.contains("eos_token_id")) {
            const auto &e = j["eos_token_id"];
            if (e.is_number_integer()) {
                c.eos_token_ids = {e.get<int64_t>()};
            } else if (e.is_array()) {
                for (const auto &id : e) {  // integers only: a float as large as 1e83 fits no int64
                    if (!id.is_number_integer())
                        return fail("eos_token_id", "must be an integer or a list of integers, got " + e.dump());
                    c.eos_token_ids.push_back(id.get<int64_t>());
                }
            }
        }
        c.torch_dtype = j.value("torch_dtype", j.value("dtype", std::string("float32")));
    } catch (const nlohmann::json::exception &e) {
        return makeError(ErrorCode::Validation, std::string("malformed field: ") + e.what(), source);
    }
    return c;
}

Result<LlamaConfig> readLlamaConfig(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        return makeError(ErrorCode::NotFound, "cannot open the model's config.json", path);
    std::stringstream text;
    text << in.rdbuf();
    return parseLlamaConfig(text.str(), path);
}

std::string llamaConfigJson(const LlamaConfig &c)
{
    nlohmann::json j = {
        {"architectures", {"LlamaForCausalLM"}},
        {"model_type", "llama"},
        {"vocab_size", c.vocab_size},
        {"hidden_size", c.hidden_size},
        {"intermediate_size", c.intermediate_size},
        {"num_hidden_layers", c.num_layers},
        {"num_attention_heads", c.num_heads},
        {"num_key_value_heads", c.num_kv_heads},
        {"head_dim", c.headDim()},
        {"hidden_act", "silu"},
        {"rms_norm_eps", c.rms_norm_eps},
        {"rope_theta", c.rope_theta},
        {"max_position_embeddings", c.max_position_embeddings},
        {"tie_word_embeddings", c.tie_word_embeddings},
        {"attention_bias", false},
        {"mlp_bias", false},
        {"torch_dtype", c.torch_dtype},
    };
    if (c.rope_scaling.type.empty()) {
        j["rope_scaling"] = nullptr;
    } else {
        j["rope_scaling"] = {{"rope_type", c.rope_scaling.type},
                             {"factor", c.rope_scaling.factor},
                             {"low_freq_factor", c.rope_scaling.low_freq_factor},
                             {"high_freq_factor", c.rope_scaling.high_freq_factor},
                             {"original_max_position_embeddings", c.rope_scaling.original_max_position_embeddings}};
    }
    if (c.bos_token_id >= 0)
        j["bos_token_id"] = c.bos_token_id;
    if (c.eos_token_ids.size() == 1)
        j["eos_token_id"] = c.eos_token_ids.front();
    else if (!c.eos_token_ids.empty())
        j["eos_token_id"] = c.eos_token_ids;
    return j.dump(2) + "\n";
}

std::vector<double> ropeInverseFrequencies(const LlamaConfig &c)
{
    const int64_t d = c.headDim();
    std::vector<double> inv(static_cast<size_t>(d / 2));
    for (int64_t i = 0; i < d / 2; ++i)
        inv[static_cast<size_t>(i)] = std::pow(c.rope_theta, -2.0 * static_cast<double>(i) / static_cast<double>(d));
    if (c.rope_scaling.type != "llama3")
        return inv;
    // Wavelengths longer than original_context / low_freq_factor are divided by `factor`,
    // shorter than original_context / high_freq_factor kept, and in between blended linearly
    // in original_context / wavelength.
    const auto &s = c.rope_scaling;
    const double context = static_cast<double>(s.original_max_position_embeddings);
    const double longWave = context / s.low_freq_factor;
    const double shortWave = context / s.high_freq_factor;
    for (double &f : inv) {
        const double wavelength = 2.0 * kPi / f;
        if (wavelength > longWave) {
            f /= s.factor;
        } else if (wavelength >= shortWave) {
            const double blend = (context / wavelength - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
            f = (1.0 - blend) * f / s.factor + blend * f;
        }
    }
    return inv;
}

}  // namespace corral
