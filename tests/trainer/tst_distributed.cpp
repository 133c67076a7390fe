// Data parallel over Gloo with real processes on loopback: two ranks with micro-batch b train
// exactly like one process with micro-batch 2b; a rank alone times out naming the master;
// a signal to one rank stops both after one checkpoint.
#include "../common/TestProcess.h"
#include "io/Safetensors.h"
#include "train/Checkpoint.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace corral;
using namespace corral::test;
namespace fs = std::filesystem;

namespace {
const std::string kTrainer = std::string(CORRAL_BIN_DIR) + "/corral-train";
const std::string kDemo = std::string(CORRAL_SOURCE_DIR) + "/resources/presets/tiny-demo.yaml";

std::vector<std::string> trainArgs(const fs::path &runDir, int microBatch, int maxSteps)
{
    return {kTrainer, "--config", kDemo, "--output", runDir.string(), "--set", "data.max_seq_len=32",
            "--set", "train.micro_batch_size=" + std::to_string(microBatch), "--set", "train.grad_accum_steps=2",
            "--set", "train.max_steps=" + std::to_string(maxSteps), "--set", "train.warmup_steps=1",
            "--set", "train.eval_interval=4", "--set", "train.threads=1", "--set", "data.cache=false",
            "--set", "dist.timeout_s=60"};
}

struct Dirs : ScratchDir {
    Dirs() : ScratchDir("corral-ddp") {}
};
}  // namespace

TEST(Distributed, TwoRanksOfBMatchOneProcessOf2B)
{
    Dirs dirs;
    constexpr int kSteps = 8;
    ASSERT_EQ(waitExit(spawnProcess(trainArgs(dirs.root / "single", 8, kSteps), {}, dirs.root / "single.log")), 0)
        << readText(dirs.root / "single.log");
    const int port = freeLoopbackPort();
    const pid_t r1 = spawnProcess(trainArgs(dirs.root / "ddp", 4, kSteps), rankEnvironment(1, 2, port), dirs.root / "rank1.log");
    const pid_t r0 = spawnProcess(trainArgs(dirs.root / "ddp", 4, kSteps), rankEnvironment(0, 2, port), dirs.root / "rank0.log");
    ASSERT_EQ(waitExit(r0), 0) << readText(dirs.root / "rank0.log");
    ASSERT_EQ(waitExit(r1), 0) << readText(dirs.root / "rank1.log");
    EXPECT_EQ(readText(dirs.root / "rank1.log"), "");  // only rank 0 talks

    const auto single = readJsonl(dirs.root / "single" / "metrics.jsonl");
    const auto ddp = readJsonl(dirs.root / "ddp" / "metrics.jsonl");
    ASSERT_EQ(single.size(), ddp.size());
    double maxLossDiff = 0;
    for (size_t i = 0; i < single.size(); ++i) {
        ASSERT_EQ(single[i].at("kind"), ddp[i].at("kind"));
        ASSERT_EQ(single[i].at("step"), ddp[i].at("step"));
        const double a = single[i].at("loss").get<double>(), b = ddp[i].at("loss").get<double>();
        maxLossDiff = std::max(maxLossDiff, std::abs(a - b));
        EXPECT_NEAR(a, b, 1e-5 * a) << "record " << i;
        if (single[i].at("kind") == "train") {
            EXPECT_EQ(single[i].at("tokens"), ddp[i].at("tokens"));
        }
    }
    const auto a = readSafetensors((dirs.root / "single" / "checkpoints" / checkpointName(kSteps) / "adapter_model.safetensors").string());
    const auto b = readSafetensors((dirs.root / "ddp" / "checkpoints" / checkpointName(kSteps) / "adapter_model.safetensors").string());
    ASSERT_TRUE(a.ok() && b.ok());
    double maxWeightDiff = 0, maxWeight = 0;
    for (const auto &[name, tensor] : a.value()) {
        maxWeightDiff = std::max(maxWeightDiff, (tensor - b.value().at(name)).abs().max().item<double>());
        maxWeight = std::max(maxWeight, tensor.abs().max().item<double>());
    }
    // Sums in another order differ in the last float32 bits; Adam divides by sqrt(v), which
    // magnifies them for parameters whose gradients are near zero, so weights agree to 5e-3 of
    // their scale rather than to the last bit.
    EXPECT_LT(maxWeightDiff, 5e-3 * maxWeight);
    EXPECT_GT(maxWeight, 1e-3);  // the adapters moved: equal weights are not two untouched copies
    std::printf("2 ranks x 4 vs 1 x 8 over %d steps: max loss difference %.3g, max adapter weight difference %.3g "
                "(largest weight %.3g)\n",
                kSteps, maxLossDiff, maxWeightDiff, maxWeight);
    RecordProperty("max_loss_difference", std::to_string(maxLossDiff));
    RecordProperty("max_weight_difference", std::to_string(maxWeightDiff));
}

TEST(Distributed, ARankAloneTimesOutNamingTheMaster)
{
    Dirs dirs;
    const int port = freeLoopbackPort();
    auto args = trainArgs(dirs.root / "alone", 4, 2);
    args.back() = "dist.timeout_s=2";
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(waitExit(spawnProcess(args, rankEnvironment(1, 2, port), dirs.root / "alone.log")), 1);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
    const std::string log = readText(dirs.root / "alone.log");
    EXPECT_NE(log.find("rank 1 of 2 could not join the rendezvous at 127.0.0.1:" + std::to_string(port) + " within 2 s"),
              std::string::npos)
        << log;
}

TEST(Distributed, ASignalToOneRankStopsBothAfterOneCheckpoint)
{
    Dirs dirs;
    const int port = freeLoopbackPort();
    const fs::path run = dirs.root / "signal";
    const pid_t r1 = spawnProcess(trainArgs(run, 4, 500), rankEnvironment(1, 2, port), dirs.root / "s1.log");
    const pid_t r0 = spawnProcess(trainArgs(run, 4, 500), rankEnvironment(0, 2, port), dirs.root / "s0.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (readJsonl(run / "metrics.jsonl").size() < 4 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_EQ(kill(r1, SIGUSR1), 0);  // rank 1 only: rank 0 must learn it through the group
    EXPECT_EQ(waitExit(r1), 75);
    EXPECT_EQ(waitExit(r0), 75) << readText(dirs.root / "s0.log");
    const auto events = readJsonl(run / "events.jsonl");
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().at("kind"), "preempted");
    EXPECT_EQ(events.back().at("signal"), "SIGUSR1");
    EXPECT_EQ(missingCheckpointFile(events.back().at("checkpoint").get<std::string>()), "");
}

namespace {
// Runs a 2-rank job to completion; returns the adapter of its last checkpoint.
TensorMap twoRankRun(const fs::path &root, const std::string &name, std::vector<std::string> extra,
                     const std::string &resume = "none")
{
    const int port = freeLoopbackPort();
    pid_t pids[2];
    for (int rank = 1; rank >= 0; --rank) {
        auto args = trainArgs(root / name, 4, 8);
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {"--resume", resume});
        pids[rank] = spawnProcess(args, rankEnvironment(rank, 2, port), root / (name + "-rank" + std::to_string(rank) + ".log"));
    }
    EXPECT_EQ(waitExit(pids[0]), 0) << readText(root / (name + "-rank0.log"));
    EXPECT_EQ(waitExit(pids[1]), 0) << readText(root / (name + "-rank1.log"));
    auto adapter = readSafetensors((root / name / "checkpoints" / checkpointName(8) / "adapter_model.safetensors").string());
    EXPECT_TRUE(adapter.ok());
    return adapter.ok() ? adapter.value() : TensorMap{};
}

double maxDifference(const TensorMap &a, const TensorMap &b)
{
    double diff = 0;
    for (const auto &[name, tensor] : a)
        diff = std::max(diff, (tensor - b.at(name)).abs().max().item<double>());
    return diff;
}
}  // namespace

// Overlapping the all-reduce with backward changes when the sums start, not what they are.
TEST(Distributed, OverlappedAllReduceGivesTheSameWeightsAsReducingAfterBackward)
{
    Dirs dirs;
    const auto overlapped = twoRankRun(dirs.root, "overlap", {"--set", "dist.overlap_allreduce=true"});
    const auto after = twoRankRun(dirs.root, "after", {"--set", "dist.overlap_allreduce=false"});
    ASSERT_EQ(overlapped.size(), after.size());
    ASSERT_FALSE(overlapped.empty());
    EXPECT_EQ(maxDifference(overlapped, after), 0.0);
}

// With LoRA dropout each rank draws its own masks; a resume must give every rank its own
// generator back, or rank 1 would continue with rank 0's stream.
TEST(Distributed, ResumeRestoresEveryRanksDropoutStream)
{
    Dirs dirs;
    const std::vector<std::string> dropout = {"--set", "lora.dropout=0.2", "--set", "train.save_interval=4"};
    const auto straight = twoRankRun(dirs.root, "straight", dropout);
    // Same run, stopped after step 4's checkpoint and resumed from it in a copy of the run dir.
    fs::create_directories(dirs.root / "resumed" / "checkpoints");
    fs::copy(dirs.root / "straight" / "checkpoints" / checkpointName(4), dirs.root / "resumed" / "checkpoints" / checkpointName(4),
             fs::copy_options::recursive);
    const auto resumed = twoRankRun(dirs.root, "resumed", dropout, "auto");
    ASSERT_FALSE(resumed.empty());
    EXPECT_EQ(maxDifference(straight, resumed), 0.0);
}
