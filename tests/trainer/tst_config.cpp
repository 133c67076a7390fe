#include "config/ConfigLoader.h"
#include "config/ConfigReference.h"
#include "config/ConfigWriter.h"
#include "config/Schema.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <set>

using namespace corral;

namespace {
const std::string kDemo = std::string(CORRAL_SOURCE_DIR) + "/resources/presets/tiny-demo.yaml";
const std::string kDataDir = std::string(CORRAL_SOURCE_DIR) + "/resources/demo";

ConfigReport load(const std::string &text, const std::vector<std::string> &overrides = {})
{
    return loadConfigText(text, "run.yaml", kDataDir, overrides);
}

std::vector<std::string> lines(const ConfigReport &report)
{
    std::vector<std::string> out;
    for (const auto &p : report.problems)
        out.push_back(p.toString());
    return out;
}
}  // namespace

TEST(Config, DemoPresetIsValidAndResolvesDataNextToIt)
{
    const ConfigReport report = loadConfigFile(kDemo);
    ASSERT_TRUE(report.ok()) << report.summary();
    ASSERT_EQ(report.config.data.files.size(), 1u);
    EXPECT_TRUE(std::filesystem::path(report.config.data.files[0]).is_absolute());
    EXPECT_TRUE(std::filesystem::exists(report.config.data.files[0]));
    EXPECT_EQ(report.config.lora.rank, 16);
    EXPECT_EQ(report.config.train.grad_accum_steps, 4);
}

TEST(Config, ReportsEveryProblemAtOnceWithFieldAndLine)
{
    const ConfigReport report = load("lora:\n"
                                     "  rank: 0\n"
                                     "train:\n"
                                     "  lr: -1\n"
                                     "  lrr: 3\n"
                                     "  lr_schedule: cosin\n"
                                     "trian:\n"
                                     "  seed: 1\n"
                                     "data:\n"
                                     "  files: [corpus.txt, missing.txt]\n"
                                     "  max_seq_len: 12.5\n");
    const auto got = lines(report);
    const std::vector<std::string> expected = {
        "lora.rank: must be ≥ 1, got 0 (run.yaml:2)",
        "train.lr: must be > 0.0, got -1.0 (run.yaml:4)",
        "train.lrr: unknown key 'lrr' (did you mean 'lr'?) (run.yaml:5)",
        "train.lr_schedule: must be one of cosine, constant; got 'cosin' (did you mean 'cosine'?) (run.yaml:6)",
        "trian: unknown section 'trian' (did you mean 'train'?) (run.yaml:7)",
        "data.max_seq_len: must be an integer, got '12.5' (run.yaml:11)",
        "data.files[1]: no such file '" + kDataDir + "/missing.txt'",
    };
    EXPECT_EQ(got, expected);
}

TEST(Config, MissingRequiredFieldIsNamed)
{
    const ConfigReport report = load("lora:\n  rank: 4\n");
    EXPECT_EQ(lines(report), std::vector<std::string>{"data.files: must list at least one item"});
}

TEST(Config, CrossFieldRule)
{
    const ConfigReport report = load("data:\n  files: corpus.txt\ntrain:\n  warmup_steps: 50\n  max_steps: 50\n");
    EXPECT_EQ(lines(report), std::vector<std::string>{"train.warmup_steps: must be < train.max_steps (50), got 50"});
}

// A config for a cluster names paths on the cluster: with PathCheck::Skip their absence here is
// no problem, while every other rule still is.
TEST(Config, SkippedPathChecksKeepEveryOtherRule)
{
    const std::string text = "model:\n  path: /cluster/models/llama\n  tokenizer: /cluster/tok.json\n"
                             "data:\n  files: [/cluster/data/*.jsonl, /cluster/data/a.txt]\n"
                             "lora:\n  rank: 0\n";
    const ConfigReport here = load(text);
    const auto hereLines = lines(here);
    EXPECT_EQ(hereLines.size(), 5u) << here.summary();
    EXPECT_NE(here.summary().find("model.path: no such folder '/cluster/models/llama'"), std::string::npos);
    EXPECT_NE(here.summary().find("data.files[0]: no file matches '/cluster/data/*.jsonl'"), std::string::npos);

    const ConfigReport cluster = loadConfigText(text, "run.yaml", kDataDir, {}, PathCheck::Skip);
    EXPECT_EQ(lines(cluster), std::vector<std::string>{"lora.rank: must be ≥ 1, got 0 (run.yaml:7)"});
    EXPECT_EQ(cluster.config.model.path, "/cluster/models/llama");

    // The refused rank stayed out of the config: what is left breaks no rule but the paths'.
    EXPECT_TRUE(validateConfig(cluster.config, PathCheck::Skip).empty());
    EXPECT_EQ(validateConfig(cluster.config).size(), 4u);  // model, tokenizer, both data entries
    EXPECT_EQ(checkPathsExist(cluster.config).size(), 4u);
}

TEST(Config, OverridesApplyAfterTheFileAndAreChecked)
{
    ConfigReport report = load("data:\n  files: corpus.txt\n",
                               {"train.lr=1e-4", "lora.target_modules=[q_proj, v_proj]", "output.run_name=x y"});
    ASSERT_TRUE(report.ok()) << report.summary();
    EXPECT_DOUBLE_EQ(report.config.train.lr, 1e-4);
    EXPECT_EQ(report.config.lora.target_modules, (std::vector<std::string>{"q_proj", "v_proj"}));
    EXPECT_EQ(report.config.output.run_name, "x y");

    report = load("data:\n  files: corpus.txt\n", {"lora.rank=zero", "lora.ranks=2", "nonsense"});
    EXPECT_EQ(lines(report), (std::vector<std::string>{
                                 "lora.rank: must be an integer, got 'zero' (--set lora.rank=zero)",
                                 "lora.ranks: unknown key 'ranks' (did you mean 'rank'?) (--set lora.ranks=2)",
                                 "--set nonsense: expected --set section.key=value",
                             }));
}

TEST(Config, EnumListRejectsUnknownAndDuplicateModules)
{
    auto report = load("data:\n  files: corpus.txt\nlora:\n  target_modules: [q_proj, qproj]\n");
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_EQ(report.problems[0].toString(),
              "lora.target_modules: item 1 must be one of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, "
              "down_proj; got 'qproj' (did you mean 'q_proj'?) (run.yaml:4)");
    report = load("data:\n  files: corpus.txt\nlora:\n  target_modules: [q_proj, q_proj]\n");
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_EQ(report.problems[0].message, "lists 'q_proj' twice");
}

TEST(Config, WrittenYamlReadsBackToTheSameConfig)
{
    ConfigReport report = loadConfigFile(kDemo, {"train.lr=0.000123456789", "output.run_name=quote\" and \\ back"});
    ASSERT_TRUE(report.ok()) << report.summary();
    const std::string yaml = configToYaml(report.config);
    const ConfigReport again = loadConfigText(yaml, "resolved.yaml", "/");
    ASSERT_TRUE(again.ok()) << again.summary() << yaml;
    EXPECT_EQ(configToYaml(again.config), yaml);
    EXPECT_DOUBLE_EQ(again.config.train.lr, 0.000123456789);
    EXPECT_EQ(again.config.output.run_name, "quote\" and \\ back");
}

// Found by fuzzing (tests/fuzz, fuzz_config): a string with a NUL (JSON allows "\u0000") was
// written raw into the resolved config, which the reader then refused as a whole.
TEST(Config, ControlBytesInStringsSurviveTheResolvedConfig)
{
    const ConfigReport report = load(R"({"data": {"files": ["corpus.txt"]}, "output": {"run_name": "a\u0000b\rc\u001bd\u007f"}})");
    ASSERT_TRUE(report.ok()) << report.summary();
    ASSERT_EQ(report.config.output.run_name, std::string("a\0b\rc\x1b" "d\x7f", 8));
    const std::string yaml = configToYaml(report.config);
    EXPECT_NE(yaml.find(R"(run_name: "a\x00b\rc\x1bd\x7f")"), std::string::npos) << yaml;
    const ConfigReport again = loadConfigText(yaml, "resolved.yaml", "/");
    ASSERT_TRUE(again.ok()) << again.summary() << yaml;
    EXPECT_EQ(again.config.output.run_name, report.config.output.run_name);
}

TEST(Config, JsonConfigIsAccepted)
{
    const ConfigReport report = load(R"({"data": {"files": ["corpus.txt"]}, "lora": {"rank": 2, "alpha": 4}})");
    ASSERT_TRUE(report.ok()) << report.summary();
    EXPECT_EQ(report.config.lora.rank, 2);
    EXPECT_DOUBLE_EQ(report.config.lora.alpha, 4.0);
}

TEST(Config, EveryFieldHasADescriptionAndAUniquePath)
{
    std::set<std::string> paths;
    for (const auto &spec : configSchema()) {
        EXPECT_FALSE(spec.description.empty()) << spec.path();
        EXPECT_TRUE(paths.insert(spec.path()).second) << spec.path();
    }
}

TEST(Config, DocsConfigReferenceIsCurrent)
{
    std::ifstream in(std::string(CORRAL_SOURCE_DIR) + "/docs/config.md");
    std::ostringstream committed;
    committed << in.rdbuf();
    EXPECT_EQ(committed.str(), configReferenceMarkdown())
        << "docs/config.md is stale: regenerate with  build/bin/corral-train config-reference > docs/config.md";
}
