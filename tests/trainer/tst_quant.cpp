// LoRA gradients against finite differences, and the int8 base: error, gradients, memory,
// and training quality against bf16 on the demo.
#include "../common/TestProcess.h"
#include "config/ConfigLoader.h"
#include "compat/TorchCompat.h"
#include "model/Llama.h"
#include "train/Trainer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <sstream>

using namespace corral;
namespace fs = std::filesystem;

namespace {

LlamaConfig tinyConfig()
{
    LlamaConfig c;
    c.vocab_size = 258;
    c.hidden_size = 16;
    c.intermediate_size = 24;
    c.num_layers = 2;
    c.num_heads = 4;
    c.num_kv_heads = 2;
    return c;
}

// Output rows of the decoder layers' linear weights: one int8 scale each.
int64_t linearRows(const LlamaConfig &c)
{
    return c.num_layers * (c.num_heads * c.headDim() + 2 * c.num_kv_heads * c.headDim() + c.hidden_size
                           + 2 * c.intermediate_size + c.hidden_size);
}

double summedLoss(LlamaForCausalLM &model, const torch::Tensor &inputs, const torch::Tensor &labels)
{
    const auto logits = model(inputs);
    return torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}), labels.reshape({-1}),
                                                torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
        .item<double>();
}

}  // namespace

TEST(Lora, GradientsMatchFiniteDifferencesInFloat64)
{
    for (const bool rslora : {false, true}) {
        AdapterSpec spec{{3, 6.0, 0.0, rslora}, {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}};
        LlamaForCausalLM model(tinyConfig(), spec);
        model->initialize(5, 6);
        model->to(torch::kDouble);
        {
            torch::NoGradGuard noGrad;
            for (auto &p : model->adapterParameters())
                p.normal_(0.0, 0.3);  // B ≠ 0, so A's gradient is not zero either
        }
        torch::manual_seed(9);
        const auto inputs = torch::randint(0, 258, {2, 7}, torch::kLong);
        const auto labels = torch::randint(0, 258, {2, 7}, torch::kLong);
        const auto logits = model(inputs);
        ASSERT_EQ(logits.scalar_type(), torch::kDouble);
        torch::nn::functional::cross_entropy(logits.reshape({-1, 258}), labels.reshape({-1}),
                                             torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
            .backward();
        int checked = 0;
        for (const auto &item : model->named_parameters()) {
            if (!isAdapterParameterName(item.key()))
                continue;
            auto p = item.value();
            ASSERT_TRUE(p.grad().defined()) << item.key();
            const auto flat = p.view({-1});
            const auto grad = p.grad().view({-1});
            for (int64_t i = 0; i < flat.numel(); i += std::max<int64_t>(1, flat.numel() / 5)) {
                const double eps = 1e-6;
                const double saved = flat[i].item<double>();
                torch::NoGradGuard noGrad;
                flat[i].fill_(saved + eps);
                const double up = summedLoss(model, inputs, labels);
                flat[i].fill_(saved - eps);
                const double down = summedLoss(model, inputs, labels);
                flat[i].fill_(saved);
                const double numeric = (up - down) / (2 * eps);
                const double analytic = grad[i].item<double>();
                EXPECT_NEAR(analytic, numeric, 1e-6 * std::max(1.0, std::abs(numeric)))
                    << item.key() << "[" << i << "] rslora=" << rslora;
                ++checked;
            }
        }
        EXPECT_GT(checked, 2 * 7 * 2 * 4);
    }
}

TEST(Lora, RsLoraScalesByTheSquareRootOfTheRank)
{
    EXPECT_DOUBLE_EQ((LoraOptions{16, 32.0, 0.0, false}.scaling()), 2.0);
    EXPECT_DOUBLE_EQ((LoraOptions{16, 32.0, 0.0, true}.scaling()), 8.0);
    LoraLinear linear(8, 4, LoraOptions{4, 8.0, 0.0, true});
    EXPECT_DOUBLE_EQ(linear->scaling(), 4.0);
    // PEFT's init: A ~ U(-1/√in, 1/√in), B = 0.
    EXPECT_LE(linear->lora_A->weight.abs().max().item<double>(), 1.0 / std::sqrt(8.0));
    EXPECT_EQ(linear->lora_B->weight.abs().max().item<double>(), 0.0);
}

TEST(Int8, OutputErrorStaysUnderOnePercentAndWeightsTakeHalfOfBf16)
{
    torch::manual_seed(1);
    LoraLinear dense(2048, 512, std::nullopt), quant(2048, 512, std::nullopt), bf16(2048, 512, std::nullopt);
    const auto w = torch::randn({512, 2048}) * 0.02;
    dense->setBaseWeight(w, BaseStorage{torch::kFloat, false});
    quant->setBaseWeight(w, BaseStorage{torch::kFloat, true});
    bf16->setBaseWeight(w, BaseStorage{torch::kBFloat16, false});
    ASSERT_TRUE(quant->isInt8());
    EXPECT_EQ(quant->weight.scalar_type(), torch::kChar);
    const auto x = torch::randn({64, 2048});
    torch::NoGradGuard noGrad;
    const auto y = dense(x), yq = quant(x);
    const double relative = ((yq - y).norm() / y.norm()).item<double>();
    std::cout << "int8 relative output error on random inputs: " << relative * 100 << " %\n";
    EXPECT_LT(relative, 0.01);
    EXPECT_GT(relative, 0.0);
    // int8 plus one float32 scale per row: about half of bfloat16's bytes.
    EXPECT_EQ(quant->baseBytes(), 512 * 2048 + 512 * 4);
    EXPECT_EQ(bf16->baseBytes(), 512 * 2048 * 2);
}

TEST(Int8, BackwardEqualsTheDequantisedLayersGradient)
{
    torch::manual_seed(2);
    LoraLinear quant(300, 70, LoraOptions{4, 8.0, 0.0, false});
    quant->setBaseWeight(torch::randn({70, 300}), BaseStorage{torch::kFloat, true});
    const auto x = torch::randn({3, 5, 300}, torch::requires_grad());
    const auto upstream = torch::randn({3, 5, 70});
    (quant(x) * upstream).sum().backward();
    const auto x2 = x.detach().clone().requires_grad_(true);
    const auto dense = quant->denseWeight(torch::kFloat);
    (torch::matmul(x2, dense.t()) * upstream).sum().backward();
    EXPECT_TRUE(torch::allclose(x.grad(), x2.grad(), 1e-4, 1e-5));
    // LoRA matrices still learn on top of the int8 base.
    EXPECT_TRUE(quant->lora_B->weight.grad().defined());
    EXPECT_GT(quant->lora_B->weight.grad().abs().sum().item<double>(), 0.0);
}

TEST(Int8, UnderBf16AutocastAgreesWithTheDenseLayer)
{
    torch::manual_seed(3);
    LoraLinear quant(512, 256, std::nullopt), dense(512, 256, std::nullopt);
    quant->setBaseWeight(torch::randn({256, 512}) * 0.02, BaseStorage{torch::kFloat, true});
    dense->setBaseWeight(quant->denseWeight(torch::kFloat), BaseStorage{torch::kFloat, false});
    const auto x = torch::randn({4, 16, 512}, torch::requires_grad());
    const auto x2 = x.detach().clone().requires_grad_(true);
    const auto upstream = torch::randn({4, 16, 256});
    torch::Tensor yq, yd;
    {
        compat::Bf16Autocast autocast(true, false);
        yq = quant(x);
        yd = dense(x2);
    }
    EXPECT_EQ(yq.scalar_type(), yd.scalar_type());
    const auto rel = [](const torch::Tensor &a, const torch::Tensor &b) {
        return ((a.to(torch::kFloat) - b.to(torch::kFloat)).norm() / b.to(torch::kFloat).norm()).item<double>();
    };
    EXPECT_LT(rel(yq, yd), 1e-2);
    (yq.to(torch::kFloat) * upstream).sum().backward();
    (yd.to(torch::kFloat) * upstream).sum().backward();
    EXPECT_EQ(x.grad().scalar_type(), torch::kFloat);
    EXPECT_LT(rel(x.grad(), x2.grad()), 1e-2);
}

TEST(Int8, ModelWeightBytesHalveAgainstBf16)
{
    LlamaConfig c = LlamaConfig::tinyDemo();
    AdapterSpec spec{{8, 16.0, 0.0, false}, {"q_proj", "v_proj"}};
    LlamaForCausalLM bf16(c, spec), int8(c, spec);
    bf16->initialize(1, 2);
    int8->initialize(1, 2);
    bf16->convertBase(BaseStorage{torch::kBFloat16, false});
    int8->convertBase(BaseStorage{torch::kBFloat16, true});
    const int64_t linear = c.linearParameterCount();
    // Only the linear layers differ: 2 bytes per weight against 1 plus a scale per row.
    EXPECT_EQ(bf16->baseWeightBytes() - int8->baseWeightBytes(), 2 * linear - (linear + 4 * linearRows(c)));
}

namespace {
struct DemoRun {
    TrainSummary summary;
    nlohmann::json started;  // the `started` event
    std::string log;
};
}  // namespace

// The base weights stored as int8 against bfloat16, everything else equal: both runs set
// model.dtype bfloat16, so what is not quantised is stored alike (embeddings bfloat16, the
// built-in output layer float32), and both compute in float32, as CPU runs train. The LoRA run
// must end within 2% of the bf16 one's validation loss.
TEST(Int8, DemoTrainingReachesBf16ValidationLossWithinTwoPercent)
{
    const std::string preset = std::string(CORRAL_SOURCE_DIR) + "/resources/presets/tiny-demo.yaml";
    auto runWith = [&](const std::string &quantize) {
        const ConfigReport report = loadConfigFile(
            preset, {"train.max_steps=30", "train.eval_interval=30", "train.save_interval=0", "train.warmup_steps=3",
                     "model.dtype=bfloat16", quantize});
        EXPECT_TRUE(report.ok()) << report.summary();
        const fs::path runDir = fs::temp_directory_path() / ("corral-int8-" + std::to_string(::getpid()));
        fs::remove_all(runDir);
        std::ostringstream log;
        TrainerOptions options;
        options.runDir = runDir.string();
        Trainer trainer(report.config, options, log, log);
        auto result = trainer.run();
        DemoRun run{result.ok() ? result.value() : TrainSummary{}, {}, log.str()};
        const auto events = corral::test::readJsonl(runDir / "events.jsonl");
        if (!events.empty())
            run.started = events.front();
        fs::remove_all(runDir);
        EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().toString()) << log.str();
        return run;
    };
    const auto bf16Run = runWith("model.quantize=none");
    const auto int8Run = runWith("model.quantize=int8");
    const TrainSummary &bf16 = bf16Run.summary, &int8 = int8Run.summary;
    std::cout << "demo val loss after 30 steps: bf16 base " << bf16.lastValLoss << ", int8 base " << int8.lastValLoss
              << " (" << 100 * (int8.lastValLoss / bf16.lastValLoss - 1) << " %)\n";
    EXPECT_LT(bf16.lastValLoss, bf16.firstValLoss - 0.5);  // both really trained
    EXPECT_LT(int8.lastValLoss, int8.firstValLoss - 0.5);
    EXPECT_LT(std::abs(int8.lastValLoss / bf16.lastValLoss - 1), 0.02);

    // The started event and the log give the base weights' size as stored and without int8.
    ASSERT_EQ(bf16Run.started.value("kind", ""), "started");
    ASSERT_EQ(int8Run.started.value("kind", ""), "started");
    const auto bytes = [](const DemoRun &run, const char *key) { return run.started.at(key).get<int64_t>(); };
    EXPECT_EQ(bytes(bf16Run, "base_weight_bytes_unquantised"), bytes(bf16Run, "base_weight_bytes"));
    // Unquantised, each decoder linear weight takes model.dtype's 2 bytes instead of 1, and has no
    // float32 scale per row: exactly what the bf16 run holds.
    const LlamaConfig c = LlamaConfig::tinyDemo();
    EXPECT_EQ(bytes(int8Run, "base_weight_bytes_unquantised") - bytes(int8Run, "base_weight_bytes"),
              2 * c.linearParameterCount() - (c.linearParameterCount() + 4 * linearRows(c)))
        << int8Run.started.dump();
    EXPECT_EQ(bytes(int8Run, "base_weight_bytes_unquantised"), bytes(bf16Run, "base_weight_bytes"));
    EXPECT_NE(int8Run.log.find(" MiB int8 ("), std::string::npos) << int8Run.log;
    EXPECT_NE(int8Run.log.find(" MiB unquantised)"), std::string::npos) << int8Run.log;
    EXPECT_NE(bf16Run.log.find(" MiB (not quantised)"), std::string::npos) << bf16Run.log;
}
