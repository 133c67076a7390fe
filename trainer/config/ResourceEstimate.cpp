#include "config/ResourceEstimate.h"

#include "config/DataFiles.h"

#include <algorithm>
#include <filesystem>

namespace corral {
namespace {

struct Projection {
    const char *name;
    int64_t in;
    int64_t out;
};

// The seven linear layers of one decoder layer, [in → out].
std::vector<Projection> projectionsOf(const LlamaConfig &a)
{
    const int64_t q = a.num_heads * a.headDim();
    const int64_t kv = a.num_kv_heads * a.headDim();
    return {
        {"q_proj", a.hidden_size, q},
        {"k_proj", a.hidden_size, kv},
        {"v_proj", a.hidden_size, kv},
        {"o_proj", q, a.hidden_size},
        {"gate_proj", a.hidden_size, a.intermediate_size},
        {"up_proj", a.hidden_size, a.intermediate_size},
        {"down_proj", a.intermediate_size, a.hidden_size},
    };
}

bool targets(const LoraConfig &lora, const char *name)
{
    return std::find(lora.target_modules.begin(), lora.target_modules.end(), name) != lora.target_modules.end();
}

bool usesByteTokenizer(const ModelConfig &model)
{
    if (model.tokenizer == "byte")
        return true;
    return model.tokenizer.empty() && model.path.empty() && model.name == "tiny-demo";
}

}  // namespace

MemoryEstimate estimateMemory(const LlamaConfig &arch, const RunConfig &config, const EstimateTarget &target)
{
    MemoryEstimate m;
    const auto &model = config.model;
    const auto &train = config.train;
    m.weightElementBytes = model.dtype == "float32" || (model.dtype == "auto" && !target.gpu) ? 4 : 2;
    const bool bf16 = train.mixed_precision == "bf16" || (train.mixed_precision == "auto" && target.gpu);
    m.activationElementBytes = bf16 ? 2 : 4;
    const double w = m.weightElementBytes;
    const double e = m.activationElementBytes;
    const double layers = static_cast<double>(arch.num_layers);

    // Base weights. int8: one byte per linear weight and a float32 scale per output row;
    // embeddings, the untied output layer and the norms keep the weight dtype.
    int64_t loraPerLayer = 0;
    int64_t adapted = 0;
    int64_t adaptedInputs = 0;  // Σ in over the adapted projections
    for (const auto &p : projectionsOf(arch)) {
        m.linearRows += arch.num_layers * p.out;
        if (targets(config.lora, p.name)) {
            loraPerLayer += config.lora.rank * (p.in + p.out);
            adaptedInputs += p.in;
            ++adapted;
        }
    }
    m.linearParameters = arch.linearParameterCount();
    m.parameters = arch.parameterCount();
    const double other = static_cast<double>(m.parameters - m.linearParameters);
    const double linear = model.quantize == "int8"
                              ? static_cast<double>(m.linearParameters) + 4.0 * static_cast<double>(m.linearRows)
                              : w * static_cast<double>(m.linearParameters);
    m.baseWeightBytes = linear + w * other;

    // LoRA: float32 weights (4 B) + float32 gradients (4 B) + AdamW's m and v (2 × 4 B).
    m.loraParameters = arch.num_layers * loraPerLayer;
    m.loraBytes = 16.0 * static_cast<double>(m.loraParameters);

    // Activations kept for the backward pass, per token and layer (h hidden, q = heads × head_dim,
    // I intermediate, r rank, n adapted projections): the float32 residual stream entering both
    // RMSNorms (2 × 4h), the two normalised inputs (2h), q, k and v after rotary and the GQA
    // repeat to all heads and the attention output (4q), gate, up, silu(gate) and their product
    // (4I), and each adapter's A·x (r·n), all in the compute dtype e. With lora.dropout > 0 each
    // adapted projection also keeps its dropped input (e) and the dropout mask (1 B): Σin·(e + 1).
    const double h = static_cast<double>(arch.hidden_size);
    const double q = static_cast<double>(arch.num_heads * arch.headDim());
    const double inter = static_cast<double>(arch.intermediate_size);
    const double r = static_cast<double>(config.lora.rank);
    m.activationBytesPerTokenPerLayer = 8.0 * h + e * (2.0 * h + 4.0 * q + 4.0 * inter + r * static_cast<double>(adapted));
    if (config.lora.dropout > 0)
        m.activationBytesPerTokenPerLayer += static_cast<double>(adaptedInputs) * (e + 1.0);
    m.tokensPerMicroBatch = train.micro_batch_size * config.data.max_seq_len;
    const double tokens = static_cast<double>(m.tokensPerMicroBatch);
    m.activationBytes = m.activationBytesPerTokenPerLayer * layers * tokens;

    // Logits over the vocabulary: the output layer's result (e), its float32 copy for the loss and
    // the float32 log-softmax cross-entropy keeps (4 + 4).
    m.logitBytesPerToken = static_cast<double>(arch.vocab_size) * (e + 8.0);
    m.logitBytes = m.logitBytesPerToken * tokens;

    // Packed rows: a [B, T, T] bool mask so documents in one row do not attend to each other.
    if (config.data.packing) {
        const double t = static_cast<double>(config.data.max_seq_len);
        m.attentionMaskBytes = static_cast<double>(train.micro_batch_size) * t * t;
    }
    m.overheadBytes = target.gpu ? kGpuOverheadBytes : kCpuOverheadBytes;
    return m;
}

int64_t tokensPerStep(const RunConfig &config, int64_t ranks)
{
    return config.train.micro_batch_size * config.train.grad_accum_steps * config.data.max_seq_len
         * std::max<int64_t>(1, ranks);
}

DataEstimate estimateData(int64_t bytes, int64_t files, const RunConfig &config, int64_t ranks)
{
    DataEstimate d;
    d.bytes = bytes;
    d.files = files;
    d.tokensPerByte = usesByteTokenizer(config.model) ? 1.0 : 0.25;
    d.tokens = static_cast<int64_t>(static_cast<double>(bytes) * d.tokensPerByte);
    d.trainTokens = static_cast<int64_t>(static_cast<double>(d.tokens) * (1.0 - config.data.val_fraction));
    const int64_t rows = d.trainTokens / std::max<int64_t>(1, config.data.max_seq_len);
    const int64_t perStep = tokensPerStep(config, ranks) / std::max<int64_t>(1, config.data.max_seq_len);
    d.stepsPerEpoch = rows > 0 ? std::max<int64_t>(1, rows / std::max<int64_t>(1, perStep)) : 0;
    return d;
}

std::pair<int64_t, int64_t> dataBytesOf(const DataConfig &data)
{
    int64_t bytes = 0;
    int64_t files = 0;
    for (const auto &entry : data.files) {
        for (const auto &file : expandDataEntry(entry)) {
            std::error_code ec;
            const auto size = std::filesystem::file_size(file, ec);
            if (!ec) {
                bytes += static_cast<int64_t>(size);
                ++files;
            }
        }
    }
    return {bytes, files};
}

Result<LlamaConfig> architectureOf(const ModelConfig &model)
{
    if (!model.path.empty())
        return readLlamaConfig((std::filesystem::path(model.path) / "config.json").string());
    return LlamaConfig::preset(model.name);
}

}  // namespace corral
