#include "../common/TestProcess.h"
#include "config/ConfigLoader.h"
#include "io/Safetensors.h"
#include "train/Trainer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

using namespace corral;
using corral::test::readJsonl;
namespace fs = std::filesystem;


// The demo recipe, shortened: the validation loss must fall clearly, and the run directory
// must hold what docs/formats.md promises.
TEST(Training, DemoLossFallsAndTheRunDirectoryIsComplete)
{
    const std::string preset = std::string(CORRAL_SOURCE_DIR) + "/resources/presets/tiny-demo.yaml";
    const ConfigReport report = loadConfigFile(preset, {"train.max_steps=16", "train.eval_interval=8",
                                                        "train.save_interval=8", "train.warmup_steps=2"});
    ASSERT_TRUE(report.ok()) << report.summary();
    const fs::path runDir = fs::temp_directory_path() / ("corral-train-" + std::to_string(::getpid()));
    fs::remove_all(runDir);

    std::ostringstream log;
    TrainerOptions options;
    options.runDir = runDir.string();
    Trainer trainer(report.config, options, log, log);
    auto result = trainer.run();
    ASSERT_TRUE(result.ok()) << result.error().toString() << "\n" << log.str();
    const TrainSummary &s = result.value();
    EXPECT_EQ(s.steps, 16);
    EXPECT_LT(s.lastValLoss, s.firstValLoss - 0.5) << log.str();

    // metrics.jsonl: one train record per step in order, val records at 0, 8 and 16.
    const auto metrics = readJsonl(runDir / "metrics.jsonl");
    std::vector<int64_t> trainSteps, valSteps;
    for (const auto &m : metrics) {
        (m.at("kind") == "train" ? trainSteps : valSteps).push_back(m.at("step").get<int64_t>());
        if (m.at("kind") == "train") {
            for (const char *key : {"epoch", "tokens", "loss", "lr", "grad_norm", "tokens_per_s", "time", "elapsed_s"})
                EXPECT_TRUE(m.contains(key)) << key;
        } else {
            EXPECT_NEAR(m.at("ppl").get<double>(), std::exp(m.at("loss").get<double>()), 1e-9);
        }
    }
    std::vector<int64_t> expectedTrain(16);
    std::iota(expectedTrain.begin(), expectedTrain.end(), 1);
    EXPECT_EQ(trainSteps, expectedTrain);
    EXPECT_EQ(valSteps, (std::vector<int64_t>{0, 8, 16}));

    // events.jsonl starts and finishes.
    const auto events = readJsonl(runDir / "events.jsonl");
    ASSERT_GE(events.size(), 2u);
    EXPECT_EQ(events.front().at("kind"), "started");
    EXPECT_EQ(events.back().at("kind"), "finished");

    // The resolved config reads back to the same run.
    const ConfigReport resolved = loadConfigFile((runDir / "config.yaml").string());
    ASSERT_TRUE(resolved.ok()) << resolved.summary();
    EXPECT_EQ(resolved.config.train.max_steps, 16);

    // Checkpoints at 8 and 16 in PEFT layout; no temporary folders left; best points at a saved step.
    for (const char *name : {"step-00000008", "step-00000016"}) {
        const fs::path ckpt = runDir / "checkpoints" / name;
        ASSERT_TRUE(fs::exists(ckpt / "adapter_model.safetensors")) << ckpt;
        const auto config = nlohmann::json::parse(std::ifstream(ckpt / "adapter_config.json"));
        EXPECT_EQ(config.at("peft_type"), "LORA");
        EXPECT_EQ(config.at("r"), report.config.lora.rank);
        auto tensors = readSafetensors((ckpt / "adapter_model.safetensors").string());
        ASSERT_TRUE(tensors.ok()) << tensors.error().toString();
        EXPECT_EQ(tensors.value().size(), 4u * 7u * 2u);  // layers x projections x {A, B}
        EXPECT_TRUE(tensors.value().count("base_model.model.model.layers.3.mlp.down_proj.lora_B.weight"));
        const auto state = nlohmann::json::parse(std::ifstream(ckpt / "trainer_state.json"));
        EXPECT_EQ(state.at("step"), std::stoi(std::string(name).substr(5)));
    }
    for (const auto &entry : fs::directory_iterator(runDir / "checkpoints"))
        EXPECT_NE(entry.path().filename().string().rfind(".tmp", 0), 0u) << entry.path();
    const auto best = nlohmann::json::parse(std::ifstream(runDir / "checkpoints" / "best"));
    EXPECT_EQ(best.at("step"), s.bestStep);
    EXPECT_TRUE(fs::exists(runDir / "checkpoints" / best.at("checkpoint").get<std::string>()));
    fs::remove_all(runDir);
}

TEST(Training, UnreadableDataFailsWithAFailedEvent)
{
    const std::string preset = std::string(CORRAL_SOURCE_DIR) + "/resources/presets/tiny-demo.yaml";
    ConfigReport report = loadConfigFile(preset);
    ASSERT_TRUE(report.ok());
    const fs::path runDir = fs::temp_directory_path() / ("corral-fail-" + std::to_string(::getpid()));
    fs::remove_all(runDir);
    const fs::path tiny = runDir.string() + ".txt";
    std::ofstream(tiny) << "a\n\nb\n";
    report.config.data.files = {tiny.string()};
    std::ostringstream log;
    TrainerOptions options;
    options.runDir = runDir.string();
    auto result = Trainer(report.config, options, log, log).run();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().context, "data.files");
    const auto events = readJsonl(runDir / "events.jsonl");
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().at("kind"), "failed");
    EXPECT_NE(events.back().at("message").get<std::string>().find("yields no sequence"), std::string::npos);
    fs::remove_all(runDir);
    fs::remove(tiny);
}
