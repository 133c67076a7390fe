// bench_model: forward + backward speed of the LLaMA model with LoRA on this machine's CPU, for
// the demo model and for a Llama 3.2 1B-shaped model cut to a few layers (random weights), each
// in float32, bf16 autocast, and with the int8 base. Prints tokens/s, the model FLOPs per token
// (docs/benchmarks.md gives the formula) and the FLOP/s reached. Last line: one JSON object.
#include "compat/TorchCompat.h"
#include "model/Llama.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

using namespace corral;

namespace {

struct Shape {
    std::string name;
    LlamaConfig config;
    int64_t batch, seq, iterations;
};

// LoRA weights of one decoder layer: rank·(in + out) for each adapted projection (the MLP's
// are wider than the attention's, and k/v narrower under grouped-query attention).
double loraWeightsPerLayer(const LlamaConfig &c, const AdapterSpec &adapters)
{
    const int64_t h = c.hidden_size, q = c.num_heads * c.headDim(), kv = c.num_kv_heads * c.headDim();
    const int64_t i = c.intermediate_size;
    const std::map<std::string, int64_t> inPlusOut = {{"q_proj", h + q},    {"k_proj", h + kv},    {"v_proj", h + kv},
                                                      {"o_proj", q + h},    {"gate_proj", h + i}, {"up_proj", h + i},
                                                      {"down_proj", i + h}};
    int64_t sum = 0;
    for (const auto &target : adapters.targets)
        sum += inPlusOut.at(target);
    return static_cast<double>(adapters.options.rank * sum);
}

// Matmul FLOPs per trained token: forward 2 per weight of every linear layer (the output layer
// included), backward 2 more for the activation gradients (frozen weights get no weight
// gradient), LoRA's own three matmuls per adapter (forward, input and weight gradient), and
// attention: QKᵀ and A·V over T/2 keys on average, 2 FLOPs per multiply-add, backward twice that.
double flopsPerToken(const LlamaConfig &c, int64_t seq, const AdapterSpec &adapters)
{
    const double linear = static_cast<double>(c.linearParameterCount() + c.vocab_size * c.hidden_size);
    const double lora = static_cast<double>(c.num_layers) * loraWeightsPerLayer(c, adapters);
    const double attentionForward = 2.0 * 2.0 * static_cast<double>(c.num_layers) * static_cast<double>(c.num_heads * c.headDim())
                                    * static_cast<double>(seq) / 2.0;
    return 4.0 * linear + 6.0 * lora + 3.0 * attentionForward;
}

struct Row {
    std::string model, mode;
    double tokensPerS = 0, gflopPerToken = 0, gflopPerS = 0, weightMiB = 0;
};

Row measure(const Shape &shape, bool bf16, bool int8)
{
    const AdapterSpec adapters{{16, 32.0, 0.0, false},
                               {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}};
    LlamaForCausalLM model(shape.config, adapters);
    model->initialize(1, 2);
    if (int8)
        model->convertBase(BaseStorage{torch::kFloat, true});
    model->train();
    torch::manual_seed(3);
    const auto inputs = torch::randint(0, shape.config.vocab_size, {shape.batch, shape.seq}, torch::kLong);
    const auto labels = torch::randint(0, shape.config.vocab_size, {shape.batch, shape.seq}, torch::kLong);
    auto step = [&] {
        torch::Tensor loss;
        {
            compat::Bf16Autocast autocast(bf16, false);
            const auto logits = model(inputs);
            loss = torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}).to(torch::kFloat),
                                                        labels.reshape({-1}));
        }
        loss.backward();
        for (auto &p : model->adapterParameters())
            p.mutable_grad() = torch::Tensor();
    };
    step();  // warm-up: allocations, autocast caches
    const auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < shape.iterations; ++i)
        step();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Row row;
    row.model = shape.name;
    row.mode = std::string(bf16 ? "bf16 autocast" : "float32") + (int8 ? " + int8 base" : "");
    row.tokensPerS = static_cast<double>(shape.batch * shape.seq * shape.iterations) / seconds;
    row.gflopPerToken = flopsPerToken(shape.config, shape.seq, adapters) / 1e9;
    row.gflopPerS = row.tokensPerS * row.gflopPerToken;
    row.weightMiB = static_cast<double>(model->baseWeightBytes()) / (1 << 20);
    return row;
}

}  // namespace

int main()
{
    LlamaConfig oneB = LlamaConfig::preset("llama-3.2-1b").value();
    oneB.num_layers = 2;  // the 1B's layer shapes and vocabulary, two of its sixteen layers
    const std::vector<Shape> shapes = {
        {"tiny-demo", LlamaConfig::tinyDemo(), 8, 128, 6},
        {"llama-3.2-1b (2 layers)", oneB, 1, 256, 2},
    };
    std::printf("LibTorch %s, %d threads\n", compat::torchVersion(), torch::get_num_threads());
    std::printf("%-24s %-24s %12s %10s %12s %12s\n", "model", "mode", "tokens/s", "GFLOP/tok", "GFLOP/s", "base MiB");
    nlohmann::json out = {{"bench", "model"}, {"threads", torch::get_num_threads()}, {"rows", nlohmann::json::array()}};
    for (const auto &shape : shapes) {
        for (const bool bf16 : {false, true}) {
            for (const bool int8 : {false, true}) {
                const Row r = measure(shape, bf16, int8);
                std::printf("%-24s %-24s %12.1f %10.3f %12.2f %12.1f\n", r.model.c_str(), r.mode.c_str(), r.tokensPerS,
                            r.gflopPerToken, r.gflopPerS, r.weightMiB);
                std::fflush(stdout);
                out["rows"].push_back({{"model", r.model}, {"mode", r.mode}, {"tokens_per_s", r.tokensPerS},
                                       {"gflop_per_token", r.gflopPerToken}, {"gflop_per_s", r.gflopPerS},
                                       {"base_weight_mib", r.weightMiB}});
            }
        }
    }
    std::printf("%s\n", out.dump().c_str());
    return 0;
}
