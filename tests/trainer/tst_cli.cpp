// corral-train's command line as a user meets it: exit codes and the exact messages.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {
const std::string kTrainer = std::string(CORRAL_BIN_DIR) + "/corral-train";
const std::string kDemo = std::string(CORRAL_SOURCE_DIR) + "/resources/presets/tiny-demo.yaml";

struct Output {
    int exitCode = -1;
    std::string text;  // stdout and stderr
};

Output run(const std::string &args)
{
    Output out;
    FILE *pipe = ::popen((kTrainer + " " + args + " 2>&1").c_str(), "r");
    if (!pipe)
        return out;
    std::array<char, 4096> buffer{};
    size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        out.text.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    out.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
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
