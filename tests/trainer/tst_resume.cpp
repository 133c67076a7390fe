// Preemption and resume against the real corral-train binary: SIGTERM saves and exits 75,
// SIGKILL at random moments never leaves a broken checkpoint, and a resumed run repeats the
// uninterrupted one bit for bit.
#include "../common/TestProcess.h"
#include "io/Safetensors.h"
#include "train/Checkpoint.h"
#include "train/CheckpointChecksums.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/serialize/input-archive.h>

#include <chrono>
#include <limits>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <unistd.h>

using namespace corral;
using namespace corral::test;
namespace fs = std::filesystem;

namespace {
const std::string kTrainer = std::string(CORRAL_BIN_DIR) + "/corral-train";
const std::string kDemo = std::string(CORRAL_SOURCE_DIR) + "/resources/presets/tiny-demo.yaml";

// Small and quick, with dropout so the RNG state matters for an exact resume.
std::vector<std::string> recipe(const fs::path &runDir, int maxSteps)
{
    return {kTrainer, "--config", kDemo, "--output", runDir.string(), "--resume", "auto",
            "--set", "data.max_seq_len=32", "--set", "train.micro_batch_size=4", "--set", "train.grad_accum_steps=2",
            "--set", "train.max_steps=" + std::to_string(maxSteps), "--set", "train.warmup_steps=2",
            "--set", "train.eval_interval=5", "--set", "train.save_interval=1", "--set", "train.keep_checkpoints=3",
            "--set", "lora.dropout=0.1", "--set", "train.threads=1"};
}

size_t countTrainRecords(const fs::path &metrics)
{
    std::ifstream in(metrics);
    std::string line;
    size_t n = 0;
    while (std::getline(in, line))
        n += line.find("\"kind\":\"train\"") != std::string::npos;
    return n;
}

// What must match bit for bit: everything but wall-clock figures.
std::vector<std::string> deterministicFields(const std::vector<nlohmann::json> &metrics)
{
    std::vector<std::string> out;
    for (auto m : metrics) {
        for (const char *key : {"time", "elapsed_s", "tokens_per_s", "peak_rss_bytes"})
            m.erase(key);
        out.push_back(m.dump());
    }
    return out;
}

void expectComplete(const std::string &dir)
{
    ASSERT_EQ(missingCheckpointFile(dir), "") << dir;
    auto tensors = readSafetensors(dir + "/adapter_model.safetensors");
    ASSERT_TRUE(tensors.ok()) << tensors.error().toString();
    EXPECT_EQ(tensors.value().size(), 4u * 7u * 2u) << dir;  // layers x targets x {A, B}
    const auto state = nlohmann::json::parse(std::ifstream(dir + "/trainer_state.json"));
    EXPECT_EQ(state.at("step").get<int64_t>(), checkpointStep(dir));
    torch::serialize::InputArchive archive;
    archive.load_from(dir + "/optimizer.pt");  // throws on a truncated archive
    EXPECT_EQ(nlohmann::json::parse(std::ifstream(dir + "/adapter_config.json")).at("peft_type"), "LORA");
}

struct Dirs : ScratchDir {
    Dirs() : ScratchDir("corral-resume") {}
};
}  // namespace

TEST(Resume, SigtermSavesAtTheStepBoundaryAndExitsForARequeue)
{
    Dirs dirs;
    const fs::path run = dirs.root / "term";
    const pid_t pid = spawnProcess(recipe(run, 400), {}, dirs.root / "term.log");
    ASSERT_GT(pid, 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (countTrainRecords(run / "metrics.jsonl") < 3 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_EQ(kill(pid, SIGTERM), 0);
    EXPECT_EQ(waitExit(pid), 75);

    const auto events = readJsonl(run / "events.jsonl");
    ASSERT_FALSE(events.empty());
    const auto &last = events.back();
    EXPECT_EQ(last.at("kind"), "preempted");
    EXPECT_EQ(last.at("signal"), "SIGTERM");
    const int64_t step = last.at("step").get<int64_t>();
    EXPECT_LT(step, 400);
    // The checkpoint is the step the run stopped at, and nothing was trained after it.
    EXPECT_EQ(last.at("checkpoint").get<std::string>(), (run / "checkpoints" / checkpointName(step)).string());
    expectComplete(last.at("checkpoint").get<std::string>());
    EXPECT_EQ(countTrainRecords(run / "metrics.jsonl"), static_cast<size_t>(step));
}

TEST(Resume, KilledAtRandomMomentsNeverLeavesABrokenCheckpointAndResumesExactly)
{
    Dirs dirs;
    constexpr int kSteps = 30;
    const fs::path reference = dirs.root / "reference";
    ASSERT_EQ(waitExit(spawnProcess(recipe(reference, kSteps), {}, dirs.root / "reference.log")), 0);

    const fs::path run = dirs.root / "killed";
    std::mt19937 rng(20261125);
    std::uniform_int_distribution<int> delayMs(150, 1400);
    int kills = 0;
    for (int attempt = 0; attempt < 20; ++attempt) {
        const pid_t pid = spawnProcess(recipe(run, kSteps), {}, dirs.root / "killed.log");
        ASSERT_GT(pid, 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs(rng)));
        kills += kill(pid, SIGKILL) == 0;
        waitExit(pid);
        for (const auto &dir : listCheckpoints(run.string()))
            expectComplete(dir);
        if (fs::exists(run / "checkpoints" / "best")) {
            const auto best = nlohmann::json::parse(std::ifstream(run / "checkpoints" / "best"));
            EXPECT_TRUE(best.at("step").is_number());
        }
    }
    EXPECT_GE(kills, 15);  // most attempts were killed mid-run, not after finishing
    ASSERT_EQ(waitExit(spawnProcess(recipe(run, kSteps), {}, dirs.root / "killed.log")), 0);

    const auto expected = deterministicFields(readJsonl(reference / "metrics.jsonl"));
    const auto got = deterministicFields(readJsonl(run / "metrics.jsonl"));
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i)
        EXPECT_EQ(got[i], expected[i]) << "record " << i;
    const auto refTensors = readSafetensors((reference / "checkpoints" / checkpointName(kSteps) / "adapter_model.safetensors").string());
    const auto gotTensors = readSafetensors((run / "checkpoints" / checkpointName(kSteps) / "adapter_model.safetensors").string());
    ASSERT_TRUE(refTensors.ok() && gotTensors.ok());
    for (const auto &[name, tensor] : refTensors.value())
        EXPECT_TRUE(torch::equal(tensor, gotTensors.value().at(name))) << name;
}

// The checkpoint chosen in the app (checkpoints/chosen) is kept like the best one, however
// old, when a running trainer rotates its checkpoints.
TEST(Resume, PruningKeepsTheBestAndTheChosenCheckpoint)
{
    Dirs dirs;
    const fs::path run = dirs.root / "run";
    for (int64_t step = 1; step <= 6; ++step) {
        const fs::path dir = run / "checkpoints" / checkpointName(step);
        fs::create_directories(dir);
        for (const char *file : kCheckpointFiles)
            std::ofstream(dir / file) << "x";
    }
    std::ofstream(run / "checkpoints" / "chosen") << R"({"format":1,"step":2,"checkpoint":"step-00000002","chosen_at":1795600000})";
    EXPECT_EQ(chosenCheckpointStep(run.string()), 2);
    ASSERT_TRUE(pruneCheckpoints(run.string(), /*keep=*/2, /*protectedStep=*/3).ok());
    std::vector<int64_t> left;
    for (const auto &dir : listCheckpoints(run.string()))
        left.push_back(checkpointStep(dir));
    EXPECT_EQ(left, (std::vector<int64_t>{2, 3, 5, 6}));

    std::ofstream(run / "checkpoints" / "chosen", std::ios::trunc) << "not json";
    EXPECT_EQ(chosenCheckpointStep(run.string()), -1);  // unreadable: nothing extra is kept, nothing fails
    ASSERT_TRUE(pruneCheckpoints(run.string(), 2, 3).ok());
    left.clear();
    for (const auto &dir : listCheckpoints(run.string()))
        left.push_back(checkpointStep(dir));
    EXPECT_EQ(left, (std::vector<int64_t>{3, 5, 6}));
}

TEST(Resume, ANewRunNeverOverwritesAnOldOne)
{
    Dirs dirs;
    const fs::path run = dirs.root / "existing";
    auto args = recipe(run, 3);
    ASSERT_EQ(waitExit(spawnProcess(args, {}, dirs.root / "a.log")), 0);
    args[6] = "none";  // --resume none
    EXPECT_EQ(waitExit(spawnProcess(args, {}, dirs.root / "b.log")), 2);
    std::ifstream log(dirs.root / "b.log");
    const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("already holds a run; pass --resume auto"), std::string::npos) << text;
    EXPECT_EQ(countTrainRecords(run / "metrics.jsonl"), 3u);
}

TEST(Resume, NonFiniteStepsAreSkippedThenTheRunStopsWithAClearError)
{
    // A checkpoint whose adapters hold NaN (as after a divergence) makes every loss non-finite:
    // each step is skipped with an event, and the fifth in a row fails the run.
    Dirs dirs;
    const fs::path run = dirs.root / "nan";
    ASSERT_EQ(waitExit(spawnProcess(recipe(run, 3), {}, dirs.root / "nan.log")), 0);
    const std::string checkpoint = (run / "checkpoints" / checkpointName(3)).string();
    auto tensors = readSafetensors(checkpoint + "/adapter_model.safetensors");
    ASSERT_TRUE(tensors.ok());
    for (auto &[name, tensor] : tensors.value())
        tensor.fill_(std::numeric_limits<float>::quiet_NaN());
    ASSERT_TRUE(writeSafetensors(checkpoint + "/adapter_model.safetensors", tensors.value()).ok());
    // As the trainer would have saved it: the checksums describe the NaN adapter, so the
    // checkpoint is intact (a damaged one would be skipped).
    auto manifest = checksumManifest(checkpoint, std::vector<std::string>(std::begin(kCheckpointFiles), std::end(kCheckpointFiles)));
    ASSERT_TRUE(manifest.ok());
    std::ofstream(checkpoint + "/" + kChecksumManifest, std::ios::trunc) << manifest.value();

    EXPECT_EQ(waitExit(spawnProcess(recipe(run, 20), {}, dirs.root / "nan.log")), 1);
    const auto events = readJsonl(run / "events.jsonl");
    int skipped = 0;
    for (const auto &e : events)
        skipped += e.at("kind") == "skipped_step";
    EXPECT_EQ(skipped, 5);
    EXPECT_EQ(events.back().at("kind"), "failed");
    EXPECT_EQ(events.back().at("message"),
              "step 8: 5 consecutive steps had a non-finite loss or gradient; lower train.lr");
    EXPECT_EQ(countTrainRecords(run / "metrics.jsonl"), 3u);  // no record for a skipped step
}
