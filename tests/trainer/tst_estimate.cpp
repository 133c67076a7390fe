// The resource estimate against numbers worked out by hand (docs/estimate.md) for Llama 3.2 1B.
#include "config/ConfigLoader.h"
#include "config/ResourceEstimate.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace corral;

namespace {
const std::string kPresets = std::string(CORRAL_SOURCE_DIR) + "/resources/presets/";

RunConfig presetConfig(const std::string &name)
{
    // Llama presets leave data.files empty on purpose; everything else must load.
    const ConfigReport report = loadConfigFile(kPresets + name + ".yaml");
    for (const auto &p : report.problems)
        EXPECT_EQ(p.field, "data.files") << p.toString();
    return report.config;
}
}  // namespace

// Llama 3.2 1B: vocab 128256, hidden 2048, intermediate 8192, 16 layers, 32 heads of 64, 8 KV
// heads, tied embeddings. Per layer the projections hold 2·2048² + 2·2048·512 + 3·2048·8192
// = 60,817,408 weights (973,078,528 in 16 layers) in 2048+512+512+2048+8192+8192+2048 = 23,552
// output rows; embeddings 128256·2048 = 262,668,288; norms 33·2048 = 67,584.
TEST(Estimate, Llama32OneBPresetByHand)
{
    const RunConfig config = presetConfig("llama-3.2-1b");
    auto arch = architectureOf(config.model);
    ASSERT_TRUE(arch) << arch.error().toString();
    const MemoryEstimate m = estimateMemory(arch.value(), config, {true, 1});
    EXPECT_EQ(m.parameters, 1'235'814'400);
    EXPECT_EQ(m.linearParameters, 973'078'528);
    EXPECT_EQ(m.linearRows, 16 * 23'552);
    // int8: 1 B per linear weight + a 4 B scale per row; embeddings and norms in bf16.
    EXPECT_DOUBLE_EQ(m.baseWeightBytes, 973'078'528.0 + 4.0 * 376'832 + 2.0 * (262'668'288 + 67'584));
    EXPECT_DOUBLE_EQ(m.baseWeightBytes, 1'500'057'600.0);
    // r = 16 on all seven: 16·(4096 + 2560 + 2560 + 4096 + 10240 + 10240 + 10240) = 704,512 per layer.
    EXPECT_EQ(m.loraParameters, 16 * 704'512);
    EXPECT_DOUBLE_EQ(m.loraBytes, 16.0 * 11'272'192);  // weights, grads, Adam m and v in fp32
    // Per token and layer: 8·2048 + 2·(2·2048 + 4·2048 + 4·8192 + 16·7), and dropout 0.05 keeps
    // each adapted input once more with its mask: (5·2048 + 2048 + 8192)·(2 + 1).
    EXPECT_DOUBLE_EQ(m.activationBytesPerTokenPerLayer, 16'384.0 + 90'336.0 + 61'440.0);
    EXPECT_EQ(m.tokensPerMicroBatch, 2 * 2048);
    EXPECT_DOUBLE_EQ(m.activationBytes, 168'160.0 * 16 * 4096);
    EXPECT_DOUBLE_EQ(m.logitBytes, 128'256.0 * (2 + 4 + 4) * 4096);
    EXPECT_DOUBLE_EQ(m.attentionMaskBytes, 2.0 * 2048 * 2048);
    EXPECT_DOUBLE_EQ(m.overheadBytes, 1024.0 * 1024 * 1024);
    EXPECT_DOUBLE_EQ(m.totalBytes(), 19'036'442'624.0);  // 17.73 GiB

    EXPECT_EQ(tokensPerStep(config, 1), 2 * 4 * 2048);
    EXPECT_EQ(tokensPerStep(config, 8), 8 * 16'384);
}

TEST(Estimate, PrecisionQuantisationAndRankChangeTheRightTerms)
{
    RunConfig config = presetConfig("llama-3.2-1b");
    const LlamaConfig arch = LlamaConfig::preset("llama-3.2-1b").value();
    config.model.quantize = "none";
    EXPECT_DOUBLE_EQ(estimateMemory(arch, config, {true, 1}).baseWeightBytes, 2.0 * 1'235'814'400);
    config.model.dtype = "float32";
    EXPECT_DOUBLE_EQ(estimateMemory(arch, config, {true, 1}).baseWeightBytes, 4.0 * 1'235'814'400);

    // On CPUs auto means float32 weights and no autocast: every saved activation is 4 bytes.
    config.model.dtype = "auto";
    config.lora.dropout = 0.0;
    const MemoryEstimate cpu = estimateMemory(arch, config, {false, 1});
    EXPECT_EQ(cpu.weightElementBytes, 4);
    EXPECT_EQ(cpu.activationElementBytes, 4);
    EXPECT_DOUBLE_EQ(cpu.activationBytesPerTokenPerLayer, 16'384.0 + 4.0 * 45'168);
    EXPECT_DOUBLE_EQ(cpu.logitBytes, 128'256.0 * 12 * 4096);

    // Only q and v adapted, rank 8: 8·(4096 + 2560) per layer.
    config.lora.rank = 8;
    config.lora.target_modules = {"q_proj", "v_proj"};
    EXPECT_EQ(estimateMemory(arch, config, {true, 1}).loraParameters, 16 * 8 * 6656);
    config.data.packing = false;
    EXPECT_DOUBLE_EQ(estimateMemory(arch, config, {true, 1}).attentionMaskBytes, 0.0);
}

TEST(Estimate, StepsPerEpochFromBytes)
{
    RunConfig config = presetConfig("llama-3.2-1b");
    // 100 MB of text at ~4 bytes per token: 25M tokens, 22.5M for training (val 0.1), 10,986 rows of
    // 2048, 16 sequences per step on two ranks: 686 steps.
    const DataEstimate d = estimateData(100'000'000, 3, config, 2);
    EXPECT_TRUE(d.rough);
    EXPECT_EQ(d.tokens, 25'000'000);
    EXPECT_EQ(d.trainTokens, 22'500'000);
    EXPECT_EQ(d.stepsPerEpoch, 22'500'000 / 2048 / 16);
    EXPECT_EQ(estimateData(0, 0, config, 1).stepsPerEpoch, 0);

    // The tiny demo's byte tokenizer: one token per byte.
    const ConfigReport demo = loadConfigFile(kPresets + "tiny-demo.yaml");
    ASSERT_TRUE(demo.ok()) << demo.summary();
    const auto [bytes, files] = dataBytesOf(demo.config.data);
    EXPECT_EQ(files, 1);
    EXPECT_EQ(bytes, static_cast<int64_t>(std::filesystem::file_size(demo.config.data.files[0])));
    const DataEstimate tiny = estimateData(bytes, files, demo.config, 1);
    EXPECT_DOUBLE_EQ(tiny.tokensPerByte, 1.0);
    EXPECT_EQ(tiny.tokens, bytes);
}

TEST(Estimate, ArchitectureFromTheModelFolder)
{
    const auto dir = std::filesystem::temp_directory_path() / "corral-estimate-arch";
    std::filesystem::create_directories(dir);
    LlamaConfig small = LlamaConfig::tinyDemo();
    small.num_layers = 3;
    std::ofstream(dir / "config.json") << llamaConfigJson(small);
    ModelConfig model;
    model.name = "llama-3.1-8b";  // the folder wins over the name
    model.path = dir.string();
    auto arch = architectureOf(model);
    ASSERT_TRUE(arch) << arch.error().toString();
    EXPECT_EQ(arch.value().num_layers, 3);
    model.path = (dir / "missing").string();
    auto missing = architectureOf(model);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().toString().find("config.json"), std::string::npos);
    std::filesystem::remove_all(dir);
}

// Found by fuzzing (tests/fuzz, fuzz_llama_config): a model's config.json is read for the
// estimate too. A float where an integer belongs (rope_scaling's 8.19e92, an eos_token_id list
// with 1.28e83) was converted to an integer (undefined behaviour), and sizes such as hidden_size 2^40 overflowed the parameter counts
// (undefined behaviour, then nonsense). Both are refused with the field.
TEST(Estimate, ConfigJsonSizesThatCannotBeCountedAreRefused)
{
    const std::string base = R"("vocab_size": 258, "intermediate_size": 688, "num_hidden_layers": 4, "num_attention_heads": 8)";
    auto problem = [&](const std::string &fields) {
        const auto arch = parseLlamaConfig("{" + base + ", " + fields + "}", "config.json");
        return arch ? std::string() : arch.error().toString();
    };
    EXPECT_EQ(problem(R"("hidden_size": 1099511627776)"),
              "config.json: hidden_size: must be at most 1048576, got 1099511627776");
    EXPECT_EQ(problem(R"("hidden_size": 256, "num_key_value_heads": 8, "head_dim": 1000000)"),
              "config.json: head_dim: must be at most 4096, got 1000000");
    EXPECT_EQ(problem(R"("hidden_size": 256, "rope_scaling": {"rope_type": "llama3", "factor": 8,
                          "original_max_position_embeddings": 8.19e92})"),
              "config.json: rope_scaling.original_max_position_embeddings: must be a positive integer, got 8.19e+92");
    // The same bound when head_dim is hidden_size / num_attention_heads (found by the target's
    // round trip: llamaConfigJson writes head_dim out, and the reader refused what it accepted).
    EXPECT_EQ(problem(R"("hidden_size": 184688)"),
              "config.json: head_dim: must be at most 4096, got 23086 (hidden_size / num_attention_heads)");
    EXPECT_EQ(problem(R"("hidden_size": 256, "eos_token_id": [1, 1.28e83])"),
              "config.json: eos_token_id: must be an integer or a list of integers, got [1,1.28e+83]");
    EXPECT_EQ(problem(R"("hidden_size": 256, "eos_token_id": [1, 2])"), "");

    // The largest sizes accepted still count without overflow.
    const auto largest = parseLlamaConfig(R"({"vocab_size": 16777216, "hidden_size": 1048576, "intermediate_size": 1048576,
        "num_hidden_layers": 1024, "num_attention_heads": 4096, "num_key_value_heads": 4096, "head_dim": 4096})",
                                          "config.json");
    ASSERT_TRUE(largest.ok()) << largest.error().toString();
    RunConfig config;
    config.lora.rank = 1024;
    const MemoryEstimate m = estimateMemory(largest.value(), config, EstimateTarget{});
    EXPECT_GT(m.parameters, m.linearParameters);
    EXPECT_GT(m.totalBytes(), 1e15);
}
