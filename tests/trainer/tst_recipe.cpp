// The recipe's arithmetic: token-averaged loss independent of the micro-batch split,
// clipping, early stopping, and a run that stops early on its own.
#include "config/ConfigLoader.h"
#include "io/Safetensors.h"
#include "train/EarlyStopping.h"
#include "train/GradClip.h"
#include "train/Trainer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace corral;
namespace fs = std::filesystem;

namespace {
const std::string kDemo = std::string(CORRAL_SOURCE_DIR) + "/resources/presets/tiny-demo.yaml";

struct RunOutput {
    std::vector<nlohmann::json> metrics, events;
    TrainSummary summary;
    fs::path dir;
};

RunOutput runDemo(const std::string &name, std::vector<std::string> overrides)
{
    overrides.insert(overrides.begin(), {"data.max_seq_len=32", "train.warmup_steps=1", "train.threads=1"});
    const ConfigReport report = loadConfigFile(kDemo, overrides);
    EXPECT_TRUE(report.ok()) << report.summary();
    RunOutput out;
    out.dir = fs::temp_directory_path() / ("corral-recipe-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(out.dir);
    TrainerOptions options;
    options.runDir = out.dir.string();
    std::ostringstream log;
    auto result = Trainer(report.config, options, log, log).run();
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().toString()) << log.str();
    if (result.ok())
        out.summary = result.value();
    for (const char *file : {"metrics.jsonl", "events.jsonl"}) {
        std::ifstream in(out.dir / file);
        std::string line;
        while (std::getline(in, line))
            (std::string(file) == "metrics.jsonl" ? out.metrics : out.events).push_back(nlohmann::json::parse(line));
    }
    return out;
}

std::vector<double> trainLosses(const RunOutput &run)
{
    std::vector<double> losses;
    for (const auto &m : run.metrics) {
        if (m.at("kind") == "train")
            losses.push_back(m.at("loss").get<double>());
    }
    return losses;
}
}  // namespace

TEST(Recipe, LossAndUpdatesDoNotDependOnTheMicroBatchSplit)
{
    const auto one = runDemo("8x1", {"train.micro_batch_size=8", "train.grad_accum_steps=1", "train.max_steps=4"});
    const auto two = runDemo("4x2", {"train.micro_batch_size=4", "train.grad_accum_steps=2", "train.max_steps=4"});
    const auto four = runDemo("2x4", {"train.micro_batch_size=2", "train.grad_accum_steps=4", "train.max_steps=4"});
    const auto a = trainLosses(one), b = trainLosses(two), c = trainLosses(four);
    ASSERT_EQ(a.size(), 4u);
    ASSERT_EQ(b.size(), 4u);
    ASSERT_EQ(c.size(), 4u);
    double maxDiff = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        maxDiff = std::max({maxDiff, std::abs(a[i] - b[i]), std::abs(a[i] - c[i])});
        EXPECT_NEAR(a[i], b[i], 1e-5 * a[i]) << "step " << i + 1;
        EXPECT_NEAR(a[i], c[i], 1e-5 * a[i]) << "step " << i + 1;
    }
    // The losses move (the model trains), so equal values are not a coincidence of a frozen model.
    EXPECT_LT(a.back(), a.front());
    RecordProperty("max_loss_difference", std::to_string(maxDiff));
    for (const auto &run : {one, two, four})
        fs::remove_all(run.dir);
}

TEST(Recipe, ClippingReportsThePreClipNormAndBoundsTheGradient)
{
    auto w = torch::zeros({3}, torch::requires_grad());
    (w * torch::tensor({3.0f, 4.0f, 0.0f})).sum().backward();  // gradient (3, 4, 0), norm 5
    EXPECT_NEAR(clipGradients({w}, 1.0), 5.0, 1e-6);
    EXPECT_NEAR(w.grad().norm().item<double>(), 1.0, 1e-5);
    EXPECT_NEAR(w.grad()[0].item<double>() / w.grad()[1].item<double>(), 0.75, 1e-6);  // direction kept
    EXPECT_NEAR(clipGradients({w}, 10.0), 1.0, 1e-5);  // under the limit: untouched
    EXPECT_NEAR(w.grad().norm().item<double>(), 1.0, 1e-5);
    EXPECT_NEAR(clipGradients({w}, 0.0), 1.0, 1e-5);  // 0: measure only
}

TEST(EarlyStopping, StopsAfterPatienceEvaluationsWithoutImprovement)
{
    struct Case {
        const char *name;
        int64_t patience;
        double minDelta;
        std::vector<double> curve;
        int stopAt;  // index into curve; -1: never
        int64_t bestStep;
    };
    const Case cases[] = {
        {"falling", 2, 0.0, {5, 4, 3, 2, 1}, -1, 4},
        {"plateau", 2, 0.0, {5, 4, 4, 4, 3}, 3, 1},
        {"tiny gains below min_delta", 2, 0.1, {5, 4, 3.95, 3.92, 3.0}, 3, 1},
        {"recovers in time", 3, 0.0, {5, 4, 4.1, 4.2, 3.9, 4.0}, -1, 4},
        {"patience 0 never stops", 0, 0.0, {1, 2, 3, 4, 5}, -1, 0},
        {"rises at once", 1, 0.0, {1, 2}, 1, 0},
    };
    for (const auto &c : cases) {
        EarlyStopping early(c.patience, c.minDelta);
        int stoppedAt = -1;
        for (size_t i = 0; i < c.curve.size() && stoppedAt < 0; ++i) {
            if (early.update(static_cast<int64_t>(i), c.curve[i]).stop)
                stoppedAt = static_cast<int>(i);
        }
        EXPECT_EQ(stoppedAt, c.stopAt) << c.name;
        EXPECT_EQ(early.bestStep(), c.bestStep) << c.name;
    }
}

TEST(Recipe, ARunThatStopsImprovingStopsEarlyAndSaysSo)
{
    // A learning rate too small to move the validation loss by min_delta: patience 2 at eval
    // every 2 steps stops at step 4, with an event and a final checkpoint, and succeeds.
    const auto run = runDemo("early", {"train.lr=1e-9", "train.max_steps=50", "train.eval_interval=2",
                                       "train.early_stopping_patience=2", "train.early_stopping_min_delta=0.001"});
    EXPECT_TRUE(run.summary.stoppedEarly);
    EXPECT_EQ(run.summary.steps, 4);
    EXPECT_EQ(run.summary.bestStep, 0);
    bool sawEvent = false;
    for (const auto &e : run.events)
        sawEvent |= e.at("kind") == "early_stop" && e.at("step") == 4;
    EXPECT_TRUE(sawEvent);
    EXPECT_EQ(run.events.back().at("kind"), "finished");
    EXPECT_TRUE(fs::exists(run.dir / "checkpoints" / "step-00000004" / "adapter_model.safetensors"));
    fs::remove_all(run.dir);
}

TEST(Recipe, Bf16AutocastTrainsWithFloat32MasterWeights)
{
    // Small steps and a small validation set: without AVX512-BF16 LibTorch emulates bf16 on the
    // CPU, and the demo's full 8 x 4 steps took four minutes here for what one micro-batch shows.
    const std::vector<std::string> small{"train.max_steps=4", "train.grad_accum_steps=1", "data.val_fraction=0.02"};
    auto with = [&small](const char *precision) {
        std::vector<std::string> overrides = small;
        overrides.push_back(std::string("train.mixed_precision=") + precision);
        return overrides;
    };
    const auto fp32 = runDemo("fp32", with("none"));
    const auto bf16 = runDemo("bf16", with("bf16"));
    const auto a = trainLosses(fp32), b = trainLosses(bf16);
    ASSERT_EQ(a.size(), 4u);
    ASSERT_EQ(b.size(), 4u);
    bool differs = false;
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_NEAR(b[i], a[i], 0.02 * a[i]) << "step " << i + 1;  // bf16 rounding, not a different model
        differs |= a[i] != b[i];
    }
    EXPECT_TRUE(differs) << "bf16 gave bit-identical losses: autocast was not active";
    const auto tensors = readSafetensors((bf16.dir / "checkpoints" / "step-00000004" / "adapter_model.safetensors").string());
    ASSERT_TRUE(tensors.ok());
    for (const auto &[name, tensor] : tensors.value())
        EXPECT_EQ(tensor.scalar_type(), torch::kFloat) << name;
    fs::remove_all(fp32.dir);
    fs::remove_all(bf16.dir);
}
