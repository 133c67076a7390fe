// Every preset in resources/presets loads. The tiny demo is complete; the Llama presets leave
// data.files empty on purpose (the user's data), so that is their one problem, and model.path
// empty is allowed (the architecture with random weights).
#include "config/ConfigLoader.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace corral;

TEST(Presets, EveryPresetLoadsWithOnlyTheExpectedProblem)
{
    const std::filesystem::path dir = std::filesystem::path(CORRAL_SOURCE_DIR) / "resources/presets";
    int llamas = 0;
    for (const auto &entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".yaml")
            continue;
        const std::string name = entry.path().stem().string();
        const ConfigReport report = loadConfigFile(entry.path().string());
        if (name == "tiny-demo") {
            EXPECT_TRUE(report.ok()) << report.summary();
            continue;
        }
        ++llamas;
        ASSERT_EQ(report.problems.size(), 1u) << name << ": " << report.summary();
        EXPECT_EQ(report.problems[0].field, "data.files");
        EXPECT_EQ(report.problems[0].message, "must list at least one item");
        const RunConfig &c = report.config;
        EXPECT_EQ(c.model.name, name);
        EXPECT_EQ(c.model.path, "");
        EXPECT_EQ(c.model.quantize, "int8");
        EXPECT_EQ(c.lora.rank, 16);
        EXPECT_EQ(c.lora.alpha, 32.0);
        EXPECT_EQ(c.lora.target_modules.size(), 7u);
        EXPECT_EQ(c.train.grad_accum_steps, 4);
        EXPECT_EQ(c.train.lr, 2e-5);
        EXPECT_EQ(c.train.lr_schedule, "cosine");
        EXPECT_GT(c.train.warmup_steps, 0);
        EXPECT_EQ(c.train.early_stopping_patience, 3);
        EXPECT_EQ(c.data.max_seq_len, 2048);
        EXPECT_EQ(c.train.mixed_precision, "auto");
    }
    EXPECT_EQ(llamas, 3);
}
