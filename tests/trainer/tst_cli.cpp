// corral-train's command line as a user meets it: exit codes and the exact messages.
#include "../common/TestProcess.h"
#include "config/ConfigLoader.h"
#include "io/Safetensors.h"
#include "model/ModelLoader.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {
const std::string kTrainer = std::string(CORRAL_BIN_DIR) + "/corral-train";
const std::string kDemo = std::string(CORRAL_SOURCE_DIR) + "/resources/presets/tiny-demo.yaml";

using Output = corral::test::CommandOutput;

Output run(const std::string &args)
{
    return corral::test::runCommand(kTrainer + " " + args);
}
}  // namespace

TEST(Cli, ValidateAcceptsTheDemoAndSizesItsData)
{
    const Output out = run("validate --config " + kDemo);
    EXPECT_EQ(out.exitCode, 0) << out.text;
    EXPECT_NE(out.text.find(kDemo + ": OK"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find("a step takes 32 sequences"), std::string::npos) << out.text;
}

TEST(Cli, ValidateNamesEveryBadFieldAndExitsTwo)
{
    const Output out = run("validate --config " + kDemo + " --set lora.rank=0 --set train.lr_schedule=linear");
    EXPECT_EQ(out.exitCode, 2);
    EXPECT_EQ(out.text, "lora.rank: must be ≥ 1, got 0 (--set lora.rank=0)\n"
                        "train.lr_schedule: must be one of cosine, constant; got 'linear' (--set train.lr_schedule=linear)\n");
}

TEST(Cli, ValidateRefusesBatchesTheDataCannotFill)
{
    const Output out = run("validate --config " + kDemo + " --set train.micro_batch_size=4000");
    EXPECT_EQ(out.exitCode, 2);
    EXPECT_NE(out.text.find("train.micro_batch_size: must be ≤ the 1778 training sequences of up to 128 tokens, got 4000"),
              std::string::npos)
        << out.text;
}

TEST(Cli, ValidateReportsBadRecordsWithFileAndLine)
{
    const fs::path dir = fs::temp_directory_path() / ("corral-cli-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "chat.jsonl") << R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello there"}]})"
                                      << "\n{broken\n";
    const Output out = run("validate --config " + kDemo + " --set data.format=chat --set data.files=" + (dir / "chat.jsonl").string());
    EXPECT_EQ(out.exitCode, 2);
    EXPECT_NE(out.text.find("data.files: 1 of 2 records are bad"), std::string::npos) << out.text;
    EXPECT_NE(out.text.find((dir / "chat.jsonl").string() + ":2: invalid JSON"), std::string::npos) << out.text;
    fs::remove_all(dir);
}

TEST(Cli, UnknownArgumentsAndMissingConfigAreUsageErrors)
{
    EXPECT_EQ(run("--config").exitCode, 2);
    EXPECT_EQ(run("--frobnicate").exitCode, 2);
    const Output out = run("--config /nonexistent/run.yaml");
    EXPECT_EQ(out.exitCode, 2);
    EXPECT_EQ(out.text, "/nonexistent/run.yaml: cannot open config file\n");
}

TEST(Cli, EvaluateAndExportAFinishedRun)
{
    const fs::path root = fs::temp_directory_path() / ("corral-cli-export-" + std::to_string(::getpid()));
    fs::remove_all(root);
    const std::string runDir = (root / "run").string();
    // A dropout other than the default, so the adapter config must carry the run's value.
    Output out = run("--config " + kDemo + " --output " + runDir
                     + " --set train.max_steps=4 --set train.eval_interval=4 --set train.warmup_steps=1"
                     + " --set lora.dropout=0.05");
    ASSERT_EQ(out.exitCode, 0) << out.text;
    double lastVal = 0;
    {
        std::ifstream metrics(fs::path(runDir) / "metrics.jsonl");
        std::string line;
        while (std::getline(metrics, line)) {
            const auto j = nlohmann::json::parse(line);
            if (j.at("kind") == "val")
                lastVal = j.at("loss").get<double>();
        }
    }
    // The summary line says it too, to the digits the log keeps (an earlier fixed-point figure
    // once left stdout at one significant digit: "val loss 6 -> 4").
    const size_t done = out.text.find("done: 4 steps, val loss ");
    ASSERT_NE(done, std::string::npos) << out.text;
    const size_t arrow = out.text.find(" -> ", done);
    ASSERT_NE(arrow, std::string::npos) << out.text;
    EXPECT_NEAR(std::stod(out.text.substr(arrow + 4)), lastVal, 1e-4) << out.text.substr(done, 80);

    // evaluate: the run's best checkpoint, on the run's own config, gives the logged val loss.
    out = run("evaluate --checkpoint " + runDir);
    ASSERT_EQ(out.exitCode, 0) << out.text;
    const auto eval = nlohmann::json::parse(out.text);
    EXPECT_NEAR(eval.at("val_loss").get<double>(), lastVal, 1e-4) << out.text;
    EXPECT_NE(eval.at("checkpoint").get<std::string>().find("step-00000004"), std::string::npos);

    // export: the adapter as PEFT reads it.
    out = run("export --checkpoint " + runDir + " --output " + (root / "adapter").string());
    ASSERT_EQ(out.exitCode, 0) << out.text;
    const auto config = nlohmann::json::parse(std::ifstream(root / "adapter" / "adapter_config.json"));
    EXPECT_EQ(config.at("peft_type"), "LORA");
    EXPECT_EQ(config.at("task_type"), "CAUSAL_LM");
    EXPECT_EQ(config.at("r"), 16);
    EXPECT_EQ(config.at("target_modules").size(), 7u);
    EXPECT_EQ(config.at("lora_alpha"), 32.0);  // the demo preset's
    EXPECT_EQ(config.at("lora_dropout"), 0.05);
    EXPECT_EQ(config.at("use_rslora"), false);
    // Exactly the model's LoRA tensors under PEFT's names: none missing, none extra.
    const auto demo = corral::loadConfigFile(kDemo);
    ASSERT_TRUE(demo.ok()) << demo.summary();
    auto model = corral::buildModel(demo.config, 0, /*cuda=*/false);
    ASSERT_TRUE(model.ok()) << model.error().toString();
    const auto saved = corral::readSafetensors((root / "adapter" / "adapter_model.safetensors").string());
    ASSERT_TRUE(saved.ok()) << saved.error().toString();
    std::set<std::string> savedKeys, modelKeys;
    for (const auto &[name, t] : saved.value())
        savedKeys.insert(name);
    for (const auto &[name, t] : model.value()->adapterStateDict())
        modelKeys.insert(name);
    EXPECT_EQ(savedKeys, modelKeys);
    EXPECT_EQ(modelKeys.size(), 2u * 7u * static_cast<size_t>(model.value()->config().num_layers));

    // export --merge: a Hugging Face model folder that corral-train itself accepts as model.path.
    const std::string merged = (root / "merged").string();
    out = run("export --merge --dtype bfloat16 --checkpoint " + runDir + " --output " + merged);
    ASSERT_EQ(out.exitCode, 0) << out.text;
    const auto hf = nlohmann::json::parse(std::ifstream(fs::path(merged) / "config.json"));
    EXPECT_EQ(hf.at("architectures")[0], "LlamaForCausalLM");
    EXPECT_EQ(hf.at("torch_dtype"), "bfloat16");
    EXPECT_GT(fs::file_size(fs::path(merged) / "model.safetensors"), 1000000u);
    out = run("validate --config " + kDemo + " --set model.path=" + merged + " --set model.tokenizer=byte");
    EXPECT_EQ(out.exitCode, 0) << out.text;

    out = run("export --merge --dtype float8 --checkpoint " + runDir + " --output " + merged);
    EXPECT_EQ(out.exitCode, 2);
    EXPECT_NE(out.text.find("--dtype: must be bfloat16, float16 or float32, got 'float8'"), std::string::npos) << out.text;
    out = run("evaluate --checkpoint " + (root / "nowhere").string());
    EXPECT_EQ(out.exitCode, 2);
    EXPECT_NE(out.text.find("no such folder"), std::string::npos) << out.text;
    fs::remove_all(root);
}
