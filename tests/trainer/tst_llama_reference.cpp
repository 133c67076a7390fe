// Does corral's Llama compute what Hugging Face's LlamaForCausalLM defines? A second forward
// pass, written again from HF's definition with plain loops over doubles (no corral model code,
// no matmul), reads the model's weights by their HF names and must give the same logits to
// 1e-10 in float64: embeddings, RMSNorm, llama3-scaled rotary embeddings in the rotate_half
// convention, grouped-query causal attention, SwiGLU, PEFT's LoRA update, tied or separate
// output layer; past original_max_position_embeddings, and for packed documents.
//
// HF's own code rounds some steps through float32 even in a float64 model (inv_freq, RMSNorm,
// the eager softmax). The reference is the definition in exact arithmetic instead, which is what
// a float64 model should reach; float32 models compute those steps in float32 as HF does.
#include "model/Llama.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

using namespace corral;

namespace {

using Vector = std::vector<double>;

// A row-major matrix copied out of a tensor ([rows, cols], or [n] as one row).
struct Matrix {
    int64_t rows = 0, cols = 0;
    Vector v;
    double at(int64_t r, int64_t c) const { return v[static_cast<size_t>(r * cols + c)]; }
};

Matrix matrixOf(const torch::Tensor &t)
{
    const auto d = t.detach().to(torch::kDouble).contiguous();
    Matrix m;
    m.rows = d.dim() == 2 ? d.size(0) : 1;
    m.cols = d.size(-1);
    m.v.assign(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
    return m;
}

// W·x for W [out, in].
Vector times(const Matrix &w, const Vector &x)
{
    Vector y(static_cast<size_t>(w.rows), 0.0);
    for (int64_t r = 0; r < w.rows; ++r) {
        for (int64_t c = 0; c < w.cols; ++c)
            y[static_cast<size_t>(r)] += w.at(r, c) * x[static_cast<size_t>(c)];
    }
    return y;
}

// HF's llama3 rope parameters: inv_freq = 1/θ^(2i/d), then by wavelength 2π/inv_freq: shorter
// than original/high_freq_factor kept, longer than original/low_freq_factor divided by factor,
// and in between (1 − smooth)·inv_freq/factor + smooth·inv_freq.
Vector referenceInverseFrequencies(const LlamaConfig &c, bool scaled)
{
    const int64_t d = c.headDim();
    Vector inv;
    for (int64_t i = 0; i < d; i += 2)
        inv.push_back(1.0 / std::pow(c.rope_theta, static_cast<double>(i) / static_cast<double>(d)));
    if (!scaled || c.rope_scaling.type != "llama3")
        return inv;
    const auto &s = c.rope_scaling;
    const double original = static_cast<double>(s.original_max_position_embeddings);
    const double lowFreqWavelen = original / s.low_freq_factor;
    const double highFreqWavelen = original / s.high_freq_factor;
    for (double &f : inv) {
        const double wavelen = 2.0 * std::acos(-1.0) / f;
        if (wavelen < highFreqWavelen)
            continue;
        if (wavelen > lowFreqWavelen) {
            f = f / s.factor;
            continue;
        }
        const double smooth = (original / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
        f = (1.0 - smooth) * f / s.factor + smooth * f;
    }
    return inv;
}

class ReferenceLlama {
public:
    // `weights`: the base weights under HF's names; `adapters`: PEFT's saved LoRA tensors
    // (may be empty) with scale alpha / r.
    ReferenceLlama(const LlamaConfig &c, const std::map<std::string, torch::Tensor> &weights,
                   const std::map<std::string, torch::Tensor> &adapters, double loraScale, bool scaledRope = true)
        : m_c(c), m_loraScale(loraScale), m_invFreq(referenceInverseFrequencies(c, scaledRope))
    {
        for (const auto &[name, t] : weights)
            m_w.emplace(name, matrixOf(t));
        for (const auto &[name, t] : adapters)
            m_lora.emplace(name, matrixOf(t));
    }

    // Logits [T][V] of one row; token t sits at rotary position positions[t] and reads only
    // tokens s ≤ t of its own document (segments[s] == segments[t]).
    std::vector<Vector> logits(const std::vector<int64_t> &tokens, const std::vector<int64_t> &positions,
                               const std::vector<int64_t> &segments) const
    {
        const size_t T = tokens.size();
        const auto &embed = m_w.at("model.embed_tokens.weight");
        std::vector<Vector> h(T);
        for (size_t t = 0; t < T; ++t)
            h[t] = Vector(embed.v.begin() + tokens[t] * embed.cols, embed.v.begin() + (tokens[t] + 1) * embed.cols);
        for (int64_t l = 0; l < m_c.num_layers; ++l) {
            const std::string p = "model.layers." + std::to_string(l) + ".";
            std::vector<Vector> normed(T);
            for (size_t t = 0; t < T; ++t)
                normed[t] = rmsNorm(h[t], p + "input_layernorm.weight");
            const auto attended = attention(normed, positions, segments, p + "self_attn.");
            for (size_t t = 0; t < T; ++t) {
                for (size_t i = 0; i < h[t].size(); ++i)
                    h[t][i] += attended[t][i];
                const auto x = rmsNorm(h[t], p + "post_attention_layernorm.weight");
                const auto gate = linear(x, p + "mlp.gate_proj");
                const auto up = linear(x, p + "mlp.up_proj");
                Vector act(gate.size());
                for (size_t i = 0; i < gate.size(); ++i)
                    act[i] = gate[i] / (1.0 + std::exp(-gate[i])) * up[i];  // silu(gate) · up
                const auto down = linear(act, p + "mlp.down_proj");
                for (size_t i = 0; i < h[t].size(); ++i)
                    h[t][i] += down[i];
            }
        }
        const auto &head = m_c.tie_word_embeddings ? embed : m_w.at("lm_head.weight");
        std::vector<Vector> out(T);
        for (size_t t = 0; t < T; ++t)
            out[t] = times(head, rmsNorm(h[t], "model.norm.weight"));
        return out;
    }

private:
    Vector rmsNorm(const Vector &x, const std::string &weight) const
    {
        double meanSquare = 0.0;
        for (double v : x)
            meanSquare += v * v;
        meanSquare /= static_cast<double>(x.size());
        const double r = 1.0 / std::sqrt(meanSquare + m_c.rms_norm_eps);
        const auto &w = m_w.at(weight);
        Vector y(x.size());
        for (size_t i = 0; i < x.size(); ++i)
            y[i] = x[i] * r * w.v[i];
        return y;
    }

    // W·x, plus PEFT's s·B·(A·x) where the module has an adapter.
    Vector linear(const Vector &x, const std::string &module) const
    {
        auto y = times(m_w.at(module + ".weight"), x);
        const auto a = m_lora.find("base_model.model." + module + ".lora_A.weight");
        if (a == m_lora.end())
            return y;
        const auto update = times(m_lora.at("base_model.model." + module + ".lora_B.weight"), times(a->second, x));
        for (size_t i = 0; i < y.size(); ++i)
            y[i] += m_loraScale * update[i];
        return y;
    }

    // rotate_half convention: element i pairs with i ± d/2 and turns by position · inv_freq[i mod d/2].
    Vector rotate(const Vector &x, size_t offset, int64_t position) const
    {
        const size_t d = static_cast<size_t>(m_c.headDim()), half = d / 2;
        Vector y(d);
        for (size_t i = 0; i < d; ++i) {
            const double angle = static_cast<double>(position) * m_invFreq[i % half];
            const double rotated = i < half ? -x[offset + i + half] : x[offset + i - half];
            y[i] = x[offset + i] * std::cos(angle) + rotated * std::sin(angle);
        }
        return y;
    }

    std::vector<Vector> attention(const std::vector<Vector> &x, const std::vector<int64_t> &positions,
                                  const std::vector<int64_t> &segments, const std::string &p) const
    {
        const size_t T = x.size(), d = static_cast<size_t>(m_c.headDim());
        const int64_t groups = m_c.num_heads / m_c.num_kv_heads;
        std::vector<Vector> q(T), k(T), v(T);
        for (size_t t = 0; t < T; ++t) {
            q[t] = linear(x[t], p + "q_proj");
            k[t] = linear(x[t], p + "k_proj");
            v[t] = linear(x[t], p + "v_proj");
        }
        std::vector<Vector> out(T, Vector(static_cast<size_t>(m_c.num_heads) * d, 0.0));
        for (int64_t head = 0; head < m_c.num_heads; ++head) {
            const size_t kvOffset = static_cast<size_t>(head / groups) * d, qOffset = static_cast<size_t>(head) * d;
            for (size_t i = 0; i < T; ++i) {
                const auto qi = rotate(q[i], qOffset, positions[i]);
                Vector scores;
                std::vector<size_t> keys;
                for (size_t j = 0; j <= i; ++j) {
                    if (segments[j] != segments[i])
                        continue;
                    const auto kj = rotate(k[j], kvOffset, positions[j]);
                    double dot = 0.0;
                    for (size_t e = 0; e < d; ++e)
                        dot += qi[e] * kj[e];
                    scores.push_back(dot / std::sqrt(static_cast<double>(d)));
                    keys.push_back(j);
                }
                const double top = *std::max_element(scores.begin(), scores.end());
                double sum = 0.0;
                for (double &s : scores)
                    sum += (s = std::exp(s - top));
                for (size_t n = 0; n < keys.size(); ++n) {
                    for (size_t e = 0; e < d; ++e)
                        out[i][qOffset + e] += scores[n] / sum * v[keys[n]][kvOffset + e];
                }
            }
        }
        std::vector<Vector> projected(T);
        for (size_t t = 0; t < T; ++t)
            projected[t] = linear(out[t], p + "o_proj");
        return projected;
    }

    LlamaConfig m_c;
    double m_loraScale;
    Vector m_invFreq;
    std::map<std::string, Matrix> m_w, m_lora;
};

// 2 layers, hidden 64, 4 query and 2 key/value heads of 16 dims, llama3 scaling over an original
// context of 32 with θ = 10000: wavelengths 6.3 (kept), 19.9 (blended), 63 and longer (slowed).
LlamaConfig referenceConfig(bool tied)
{
    LlamaConfig c;
    c.vocab_size = 101;
    c.hidden_size = 64;
    c.intermediate_size = 96;
    c.num_layers = 2;
    c.num_heads = 4;
    c.num_kv_heads = 2;
    c.rms_norm_eps = 1e-5;
    c.rope_theta = 10000.0;
    c.rope_scaling = {"llama3", 8.0, 1.0, 4.0, 32};
    c.tie_word_embeddings = tied;
    return c;
}

constexpr double kLoraAlpha = 8.0;
constexpr int64_t kLoraRank = 4;

// A float64 model with weights large enough that attention is far from uniform (N(0, 1/in)
// linear weights, N(0, 1) embeddings, norms around 1) and nonzero adapters on every projection.
LlamaForCausalLM referenceModel(const LlamaConfig &c, uint64_t seed)
{
    AdapterSpec spec{{kLoraRank, kLoraAlpha, 0.0, false},
                     {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}};
    LlamaForCausalLM model(c, spec);
    model->to(torch::kDouble);
    model->eval();
    torch::NoGradGuard noGrad;
    torch::manual_seed(seed);
    for (auto &item : model->named_parameters()) {
        auto &w = item.value();
        if (item.key().find("norm") != std::string::npos)
            w.normal_(1.0, 0.1);
        else if (item.key().find("embed_tokens") != std::string::npos)
            w.normal_(0.0, 1.0);
        else
            w.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(w.size(1))));
    }
    return model;
}

std::vector<int64_t> iota(int64_t n)
{
    std::vector<int64_t> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        v[static_cast<size_t>(i)] = i;
    return v;
}

// max |model − reference| / max |reference| over the positions [from, from + n) of `row`.
double relativeError(const torch::Tensor &row, const std::vector<Vector> &reference, int64_t from = 0)
{
    double diff = 0.0, scale = 0.0;
    for (size_t t = 0; t < reference.size(); ++t) {
        for (size_t v = 0; v < reference[t].size(); ++v) {
            const double r = reference[t][v];
            const double m = row[from + static_cast<int64_t>(t)][static_cast<int64_t>(v)].item<double>();
            diff = std::max(diff, std::abs(m - r));
            scale = std::max(scale, std::abs(r));
        }
    }
    return diff / scale;
}

}  // namespace

TEST(LlamaReference, LogitsMatchHuggingFacesDefinitionInFloat64)
{
    for (const bool tied : {false, true}) {
        SCOPED_TRACE(tied ? "tie_word_embeddings" : "separate lm_head");
        const auto c = referenceConfig(tied);
        // All three llama3 bands occur, and 48 tokens reach past the original 32 positions.
        const auto plain = referenceInverseFrequencies(c, false), scaled = referenceInverseFrequencies(c, true);
        int kept = 0, slowed = 0;
        for (size_t i = 0; i < plain.size(); ++i) {
            kept += scaled[i] == plain[i];
            slowed += scaled[i] == plain[i] / c.rope_scaling.factor;
        }
        ASSERT_EQ(kept, 1);
        ASSERT_EQ(slowed, 6);

        auto model = referenceModel(c, tied ? 71 : 72);
        const auto weights = model->baseStateDict();
        EXPECT_EQ(weights.count("lm_head.weight"), tied ? 0u : 1u);
        const int64_t T = 48;
        const auto tokens = torch::randint(0, c.vocab_size, {2, T}, torch::kLong);
        torch::NoGradGuard noGrad;
        const auto withAdapters = model(tokens);
        model->setAdaptersEnabled(false);
        const auto base = model(tokens);
        ASSERT_EQ(withAdapters.scalar_type(), torch::kDouble);

        const double scale = kLoraAlpha / static_cast<double>(kLoraRank);
        const ReferenceLlama adapted(c, weights, model->adapterStateDict(), scale), plainBase(c, weights, {}, scale);
        const ReferenceLlama unscaledRope(c, weights, {}, scale, /*scaledRope=*/false);
        for (int64_t b = 0; b < 2; ++b) {
            const auto ids = tokens[b];
            const std::vector<int64_t> row(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + T);
            const std::vector<int64_t> oneDocument(static_cast<size_t>(T), 0);
            EXPECT_LT(relativeError(withAdapters[b], adapted.logits(row, iota(T), oneDocument)), 1e-10) << "row " << b;
            EXPECT_LT(relativeError(base[b], plainBase.logits(row, iota(T), oneDocument)), 1e-10) << "row " << b;
            // The comparison can fail: rope without the llama3 scaling gives other logits.
            EXPECT_GT(relativeError(base[b], unscaledRope.logits(row, iota(T), oneDocument)), 1e-3) << "row " << b;
        }
    }
}

TEST(LlamaReference, PackedDocumentsComputeWhatEachDocumentAloneWould)
{
    // Two documents in one row, positions restarting at the second: each document's logits are
    // HF's for that document alone in its own sequence (positions 0.., nothing else to read).
    const auto c = referenceConfig(false);
    auto model = referenceModel(c, 73);
    const int64_t first = 40, second = 20;
    const auto tokens = torch::randint(0, c.vocab_size, {1, first + second}, torch::kLong);
    auto positions = torch::cat({torch::arange(first, torch::kLong), torch::arange(second, torch::kLong)}).unsqueeze(0);
    auto segments = torch::cat({torch::zeros({first}, torch::kLong), torch::ones({second}, torch::kLong)}).unsqueeze(0);
    torch::NoGradGuard noGrad;
    const auto packed = model(tokens, positions, segments)[0];

    const ReferenceLlama reference(c, model->baseStateDict(), model->adapterStateDict(),
                                   kLoraAlpha / static_cast<double>(kLoraRank));
    const auto *ids = tokens.data_ptr<int64_t>();
    const std::vector<int64_t> a(ids, ids + first), b(ids + first, ids + first + second);
    const auto alone = [&](const std::vector<int64_t> &doc) {
        return reference.logits(doc, iota(static_cast<int64_t>(doc.size())), std::vector<int64_t>(doc.size(), 0));
    };
    EXPECT_LT(relativeError(packed, alone(a)), 1e-10);
    EXPECT_LT(relativeError(packed, alone(b), first), 1e-10) << "the second document is not computed as if alone";
    // The separation is what makes it so: one document reading the other is another computation.
    // (Restarting or continuing the positions alone cannot be told apart: rotary attention sees
    // only position differences, which are the same either way within one document.)
    auto together = reference.logits(std::vector<int64_t>(ids, ids + first + second), iota(first + second),
                                     std::vector<int64_t>(static_cast<size_t>(first + second), 0));
    together.erase(together.begin(), together.begin() + first);
    EXPECT_GT(relativeError(packed, together, first), 1e-3);
}

TEST(LlamaReference, GivenPositionsAreTheRotaryPositions)
{
    // Positions that are not 0, 1, 2, ... (every third one, up to 141, far past the original 32):
    // the model rotates by exactly the positions it is given.
    const auto c = referenceConfig(true);
    auto model = referenceModel(c, 74);
    const int64_t T = 48;
    const auto tokens = torch::randint(0, c.vocab_size, {1, T}, torch::kLong);
    const auto positions = (torch::arange(T, torch::kLong) * 3).unsqueeze(0);
    torch::NoGradGuard noGrad;
    const auto logits = model(tokens, positions, torch::zeros({1, T}, torch::kLong))[0];
    const ReferenceLlama reference(c, model->baseStateDict(), model->adapterStateDict(),
                                   kLoraAlpha / static_cast<double>(kLoraRank));
    const std::vector<int64_t> ids(tokens.data_ptr<int64_t>(), tokens.data_ptr<int64_t>() + T);
    const std::vector<int64_t> oneDocument(static_cast<size_t>(T), 0);
    const auto *p = positions.data_ptr<int64_t>();
    EXPECT_LT(relativeError(logits, reference.logits(ids, std::vector<int64_t>(p, p + T), oneDocument)), 1e-10);
    EXPECT_GT(relativeError(logits, reference.logits(ids, iota(T), oneDocument)), 1e-3);
}

TEST(LlamaReference, Llama32RopeInverseFrequenciesFollowTheLlama3Formula)
{
    // Llama 3.2 1B: θ = 500000, head_dim 64, factor 32, low 1, high 4, original 8192, so
    // wavelengths below 2048 are kept (i ≤ 14), above 8192 slowed 32× (i ≥ 18), 15..17 blended.
    const auto c = LlamaConfig::preset("llama-3.2-1b").value();
    const auto inv = ropeInverseFrequencies(c);
    ASSERT_EQ(inv.size(), 32u);
    const auto expected = referenceInverseFrequencies(c, true);
    for (size_t i = 0; i < inv.size(); ++i)
        EXPECT_NEAR(inv[i], expected[i], 4e-16 * expected[i]) << "index " << i;
    // The same values worked out separately (Python floats, the formula above), by band.
    const std::pair<size_t, double> known[] = {
        {0, 1.0},                                       // kept
        {7, 0.056669621445291044},                      // kept
        {14, 0.0032114459947525913},                    // kept, the last short wave
        {15, 0.001290547928209264},                     // blended, smooth 0.593
        {16, 0.00042955679655936815},                   // blended, smooth 0.281
        {17, 9.70828780262767e-05},                     // blended, smooth 0.075
        {18, 1.9461638184831125e-05},                   // slowed: 0.000622772421914596 / 32
        {31, 9.418306725434909e-08},                    // slowed
    };
    for (const auto &[i, value] : known)
        EXPECT_NEAR(inv[i], value, 4e-16 * value) << "index " << i;
}
