// Faults a long run meets, injected for real against the corral-train binary, each showing
// that nothing is lost: the disk filling up while a checkpoint is written, a rank of a 2-rank
// Gloo run killed mid-step (or frozen), and a checkpoint damaged after it was saved. Every
// test ends with the run finished, and where it can, bit for bit equal to an uninterrupted one.
#include "../common/SmallDisk.h"
#include "../common/TestProcess.h"
#include "io/Safetensors.h"
#include "train/Checkpoint.h"
#include "train/CheckpointChecksums.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
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

// Small and quick: a checkpoint and an evaluation every 2 steps, every checkpoint kept.
std::vector<std::string> recipe(const fs::path &runDir, int maxSteps, const std::string &resume = "auto")
{
    return {kTrainer, "--config", kDemo, "--output", runDir.string(), "--resume", resume,
            "--set", "data.max_seq_len=32", "--set", "train.micro_batch_size=4", "--set", "train.grad_accum_steps=2",
            "--set", "train.max_steps=" + std::to_string(maxSteps), "--set", "train.warmup_steps=1",
            "--set", "train.eval_interval=2", "--set", "train.save_interval=2", "--set", "train.keep_checkpoints=0",
            "--set", "train.threads=1", "--set", "data.cache=false"};
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string> &more)
{
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// waitExit with a deadline: a process still running after `seconds` is killed, and -1 returned,
// so a hang fails the test instead of stalling it.
int waitExitWithin(pid_t pid, double seconds)
{
    const auto start = std::chrono::steady_clock::now();
    while (secondsSince(start) < seconds) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return -1;
}

std::vector<int64_t> trainSteps(const fs::path &metrics)
{
    std::vector<int64_t> steps;
    for (const auto &record : readJsonl(metrics))  // throws on a line that is not JSON: half a record
        if (record.at("kind") == "train")
            steps.push_back(record.at("step").get<int64_t>());
    return steps;
}

std::vector<int64_t> oneToN(int64_t n)
{
    std::vector<int64_t> v;
    for (int64_t i = 1; i <= n; ++i)
        v.push_back(i);
    return v;
}

// Everything in metrics.jsonl but wall-clock figures, which must match an uninterrupted run.
std::vector<std::string> deterministicFields(const fs::path &metrics)
{
    std::vector<std::string> out;
    for (auto m : readJsonl(metrics)) {
        for (const char *key : {"time", "elapsed_s", "tokens_per_s", "peak_rss_bytes"})
            m.erase(key);
        out.push_back(m.dump());
    }
    return out;
}

void expectSameAdapter(const fs::path &a, const fs::path &b)
{
    const auto x = readSafetensors((a / "adapter_model.safetensors").string());
    const auto y = readSafetensors((b / "adapter_model.safetensors").string());
    ASSERT_TRUE(x.ok() && y.ok());
    ASSERT_EQ(x.value().size(), y.value().size());
    for (const auto &[name, tensor] : x.value())
        EXPECT_TRUE(torch::equal(tensor, y.value().at(name))) << name;
}

std::vector<std::string> folderNames(const fs::path &dir)
{
    std::vector<std::string> names;
    for (const auto &entry : fs::directory_iterator(dir))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

const nlohmann::json *lastEvent(const std::vector<nlohmann::json> &events, const std::string &kind)
{
    for (auto it = events.rbegin(); it != events.rend(); ++it)
        if (it->at("kind") == kind)
            return &*it;
    return nullptr;
}

uint64_t pages(uint64_t bytes)
{
    return (bytes + 4095) / 4096 * 4096;
}

struct Dirs : ScratchDir {
    Dirs() : ScratchDir("corral-faults") {}
};
}  // namespace

// ---- disk full while a checkpoint is written ------------------------------------------------
TEST(Faults, DiskFullDuringACheckpointKeepsThePreviousOneAndResumesWhenSpaceIsFreed)
{
    Dirs dirs;
    constexpr int kSteps = 6;
    // The uninterrupted run: what the faulty one must end as, and the sizes to plan the disk by.
    const fs::path reference = dirs.root / "reference";
    ASSERT_EQ(waitExit(spawnProcess(recipe(reference, kSteps), {}, dirs.root / "reference.log")), 0)
        << readText(dirs.root / "reference.log");
    const fs::path first = reference / "checkpoints" / checkpointName(2);
    const uint64_t adapterBytes = fs::file_size(first / "adapter_model.safetensors");
    const uint64_t optimizerBytes = fs::file_size(first / "optimizer.pt");
    uint64_t checkpointPages = 0;
    for (const auto &entry : fs::directory_iterator(first))
        checkpointPages += pages(entry.file_size());
    uint64_t runPages = 0;  // config.yaml, metrics, events of the whole run: more than step 4 has written
    for (const char *name : {"config.yaml", "metrics.jsonl", "events.jsonl"})
        runPages += pages(fs::file_size(reference / name));

    // CORRAL_TEST_DISK_FULL=rlimit takes the fallback even where namespaces work, to test it.
    std::string why = "CORRAL_TEST_DISK_FULL=rlimit";
    const char *forced = std::getenv("CORRAL_TEST_DISK_FULL");
    auto disk = forced && std::string(forced) == "rlimit" ? nullptr
                                                           : SmallDisk::create(dirs.root / "disk", uint64_t{64} << 20, why);
    fs::path run;
    std::string expectedCause;
    pid_t pid = -1;
    const fs::path log = dirs.root / "fault.log";
    if (disk) {
        // Room for the run's files, the first checkpoint, and the adapter and half the
        // optimizer state of a second: the save at step 4 runs out of space in optimizer.pt.
        const fs::path ballast = disk->root() / "ballast";
        const uint64_t room = runPages + checkpointPages + pages(adapterBytes) + optimizerBytes / 2 + 4 * 4096;
        const uint64_t available = fs::space(disk->root()).available;
        ASSERT_GT(available, room + (uint64_t{8} << 20)) << "the tmpfs should be 64 MiB";
        {
            std::ofstream out(ballast, std::ios::binary);
            const std::string chunk(1 << 20, '\0');
            uint64_t left = available - room;
            while (left > 0 && out) {
                const uint64_t n = std::min<uint64_t>(left, chunk.size());
                out.write(chunk.data(), static_cast<std::streamsize>(n));
                left -= n;
            }
            ASSERT_TRUE(out.good());
        }
        std::printf("disk full: a 64 MiB tmpfs in a mount namespace (%s), %llu bytes left free\n",
                    disk->method().c_str(), static_cast<unsigned long long>(fs::space(disk->root()).available));
        RecordProperty("method", disk->method());
        run = disk->root() / "run";
        expectedCause = "No space left on device";
        pid = spawnProcess(recipe(run, kSteps), {}, log);
    } else {
        // No namespace may be made here: a file-size limit instead. The run's first part (its
        // checkpoint at step 2 and the metrics, which the resume cuts back to step 2) comes from
        // the reference; the resumed process then fails in optimizer.pt at step 4.
        std::printf("disk full: no mount namespace here (%s); falling back to RLIMIT_FSIZE (EFBIG)\n", why.c_str());
        RecordProperty("method", "RLIMIT_FSIZE, no namespace: " + why);
        run = dirs.root / "run";
        fs::create_directories(run / "checkpoints");
        fs::copy(first, run / "checkpoints" / checkpointName(2), fs::copy_options::recursive);
        fs::copy_file(reference / "metrics.jsonl", run / "metrics.jsonl");
        expectedCause = "File too large";
        pid = spawnWithFileSizeLimit(recipe(run, kSteps), log, (adapterBytes + optimizerBytes) / 2);
    }
    ASSERT_GT(pid, 0);
    const auto start = std::chrono::steady_clock::now();
    const int code = waitExitWithin(pid, 120);
    const double seconds = secondsSince(start);
    const std::string text = readText(log);
    EXPECT_EQ(code, 74) << text;  // kExitNoSpace
    std::printf("disk full: exit %d after %.1f s\n", code, seconds);

    // stderr and events.jsonl say what failed, where, and that step 2 is intact.
    const std::string failedAt = (run / "checkpoints" / checkpointName(4)).string();
    EXPECT_NE(text.find("corral-train: error: " + failedAt + ": not saved: "), std::string::npos) << text;
    EXPECT_NE(text.find("optimizer.pt: write failed: " + expectedCause), std::string::npos) << text;
    EXPECT_NE(text.find("the newest complete checkpoint step-00000002 is intact"), std::string::npos) << text;
    const auto events = readJsonl(run / "events.jsonl");
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().at("kind"), "failed");
    const std::string message = events.back().value("message", "");
    EXPECT_NE(message.find(failedAt), std::string::npos) << message;
    EXPECT_NE(message.find(expectedCause), std::string::npos) << message;
    std::printf("disk full: failed event: %s\n", message.c_str());

    // Nothing half-written is visible, the temporary folder is gone, and step 2 is intact.
    auto names = folderNames(run / "checkpoints");
    names.erase(std::remove(names.begin(), names.end(), "best"), names.end());
    EXPECT_EQ(names, std::vector<std::string>{checkpointName(2)});
    EXPECT_TRUE(verifyCheckpoint((run / "checkpoints" / checkpointName(2)).string()).ok());
    const auto steps = trainSteps(run / "metrics.jsonl");  // every line a whole record
    ASSERT_GE(steps.size(), 2u);
    EXPECT_EQ(steps, oneToN(static_cast<int64_t>(steps.size())));

    // Space freed, the same command continues from step 2 and ends as the uninterrupted run did.
    if (disk)
        fs::remove(disk->root() / "ballast");
    ASSERT_EQ(waitExitWithin(spawnProcess(recipe(run, kSteps), {}, dirs.root / "resume.log"), 120), 0)
        << readText(dirs.root / "resume.log");
    const auto resumed = readJsonl(run / "events.jsonl");
    ASSERT_NE(lastEvent(resumed, "resumed"), nullptr);
    EXPECT_EQ(lastEvent(resumed, "resumed")->at("step"), 2);
    EXPECT_EQ(trainSteps(run / "metrics.jsonl"), oneToN(kSteps));
    EXPECT_EQ(deterministicFields(run / "metrics.jsonl"), deterministicFields(reference / "metrics.jsonl"));
    expectSameAdapter(run / "checkpoints" / checkpointName(kSteps), reference / "checkpoints" / checkpointName(kSteps));
}

// ---- a rank of a 2-rank run killed, or frozen ----------------------------------------------
namespace {
struct TwoRanks {
    pid_t pids[2] = {-1, -1};
    fs::path logs[2];
};

// `timeout` is dist.timeout_s: long where a test must not depend on it (a busy 2-core machine
// can keep one rank from answering for seconds, e.g. while rank 0 fsyncs a checkpoint).
TwoRanks startTwoRanks(const fs::path &root, const fs::path &run, int maxSteps, const std::string &tag, int timeout,
                       const std::vector<std::string> &extra = {})
{
    const int port = freeLoopbackPort();
    TwoRanks ranks;
    for (int rank = 1; rank >= 0; --rank) {
        ranks.logs[rank] = root / (tag + "-rank" + std::to_string(rank) + ".log");
        auto args = with(recipe(run, maxSteps), {"--set", "dist.timeout_s=" + std::to_string(timeout)});
        ranks.pids[rank] = spawnProcess(with(args, extra), rankEnvironment(rank, 2, port), ranks.logs[rank]);
    }
    return ranks;
}

// Waits until rank 0 has logged `steps` train records (and so saved the checkpoint before them).
bool waitForSteps(const fs::path &run, size_t steps)
{
    const auto start = std::chrono::steady_clock::now();
    while (secondsSince(start) < 90) {
        std::ifstream in(run / "metrics.jsonl");
        std::string line;
        size_t n = 0;
        while (std::getline(in, line))
            n += line.find("\"kind\":\"train\"") != std::string::npos;
        if (n >= steps)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}
}  // namespace

class KilledRank : public ::testing::TestWithParam<int> {};

TEST_P(KilledRank, TheOtherStopsWithAClearErrorAndTwoRanksResume)
{
    const int victim = GetParam();
    const int survivor = 1 - victim;
    Dirs dirs;
    constexpr int kSteps = 12;
    const fs::path run = dirs.root / "run";
    constexpr int kTimeout = 60;  // a killed peer must be noticed long before this
    TwoRanks ranks = startTwoRanks(dirs.root, run, kSteps, "first", kTimeout);
    ASSERT_TRUE(waitForSteps(run, 3)) << readText(ranks.logs[0]);
    ASSERT_EQ(::kill(ranks.pids[victim], SIGKILL), 0);
    const auto killedAt = std::chrono::steady_clock::now();
    const int code = waitExitWithin(ranks.pids[survivor], 60);
    const double seconds = secondsSince(killedAt);
    waitExit(ranks.pids[victim]);
    const std::string text = readText(ranks.logs[survivor]);
    std::printf("rank %d killed: rank %d exited %d after %.2f s\n%s", victim, survivor, code, seconds, text.c_str());
    RecordProperty("survivor_exit_seconds", std::to_string(seconds));
    EXPECT_EQ(code, 1) << text;
    // A dead peer closes its sockets: no waiting for dist.timeout_s at all.
    EXPECT_LT(seconds, 15.0);
    const std::string who = "rank " + std::to_string(survivor) + " of 2: ";
    EXPECT_NE(text.find(who), std::string::npos) << text;
    EXPECT_NE(text.find(" failed: rank " + std::to_string(victim) + " is gone (its connection closed"), std::string::npos)
        << text;
    EXPECT_NE(text.find("start every rank again with --resume auto"), std::string::npos) << text;
    if (survivor == 0) {  // rank 0 writes the run folder: the failure is in events.jsonl too
        const auto events = readJsonl(run / "events.jsonl");
        ASSERT_FALSE(events.empty());
        EXPECT_EQ(events.back().at("kind"), "failed");
        EXPECT_NE(events.back().value("message", "").find("rank 1 is gone"), std::string::npos) << events.back().dump();
    }

    // Every checkpoint left is whole; two ranks resume from the newest and finish.
    const auto checkpoints = listCheckpoints(run.string());
    ASSERT_FALSE(checkpoints.empty());
    for (const auto &dir : checkpoints)
        EXPECT_TRUE(verifyCheckpoint(dir).ok()) << dir;
    const int64_t resumeStep = checkpointStep(checkpoints.back());
    TwoRanks again = startTwoRanks(dirs.root, run, kSteps, "again", kTimeout);
    EXPECT_EQ(waitExitWithin(again.pids[0], 120), 0) << readText(again.logs[0]);
    EXPECT_EQ(waitExitWithin(again.pids[1], 120), 0) << readText(again.logs[1]);
    const auto events = readJsonl(run / "events.jsonl");
    ASSERT_NE(lastEvent(events, "resumed"), nullptr);
    EXPECT_EQ(lastEvent(events, "resumed")->at("step"), resumeStep);
    EXPECT_EQ(lastEvent(events, "resumed")->at("world_size"), 2);
    EXPECT_EQ(events.back().at("kind"), "finished");
    EXPECT_EQ(trainSteps(run / "metrics.jsonl"), oneToN(kSteps));
    EXPECT_TRUE(verifyCheckpoint((run / "checkpoints" / checkpointName(kSteps)).string()).ok());
}

INSTANTIATE_TEST_SUITE_P(Faults, KilledRank, ::testing::Values(1, 0),
                         [](const ::testing::TestParamInfo<int> &info) { return "Rank" + std::to_string(info.param); });

// A frozen peer keeps its sockets open: only dist.timeout_s ends the wait.
TEST(Faults, AFrozenRankStopsTheOtherAfterDistTimeout)
{
    Dirs dirs;
    const fs::path run = dirs.root / "run";
    // No checkpoint before the end: a slow fsync on rank 0 cannot look like a frozen peer.
    constexpr int kTimeout = 8;
    TwoRanks ranks = startTwoRanks(dirs.root, run, 200, "frozen", kTimeout, {"--set", "train.save_interval=0"});
    ASSERT_TRUE(waitForSteps(run, 2)) << readText(ranks.logs[0]);
    ASSERT_EQ(::kill(ranks.pids[1], SIGSTOP), 0);
    const auto stoppedAt = std::chrono::steady_clock::now();
    const int code = waitExitWithin(ranks.pids[0], 60);
    const double seconds = secondsSince(stoppedAt);
    ::kill(ranks.pids[1], SIGKILL);
    waitExit(ranks.pids[1]);
    const std::string text = readText(ranks.logs[0]);
    std::printf("rank 1 frozen: rank 0 exited %d after %.2f s\n%s", code, seconds, text.c_str());
    RecordProperty("survivor_exit_seconds", std::to_string(seconds));
    EXPECT_EQ(code, 1) << text;
    EXPECT_GE(seconds, kTimeout - 0.5);
    EXPECT_LT(seconds, kTimeout + 15.0);
    EXPECT_NE(text.find("rank 0 of 2: "), std::string::npos) << text;
    EXPECT_NE(text.find("failed: no answer from rank 1 within 8 s (dist.timeout_s)"), std::string::npos) << text;
}

// ---- a checkpoint damaged after it was saved ------------------------------------------------
TEST(Faults, ADamagedNewestCheckpointIsSkippedByResumeAutoAndRefusedWhenNamed)
{
    Dirs dirs;
    const fs::path run = dirs.root / "run";
    ASSERT_EQ(waitExit(spawnProcess(recipe(run, 4), {}, dirs.root / "first.log")), 0) << readText(dirs.root / "first.log");
    const fs::path newest = run / "checkpoints" / checkpointName(4);
    ASSERT_TRUE(fs::exists(newest / kChecksumManifest));
    const fs::path original = dirs.root / "original-step-4";
    fs::copy(newest, original, fs::copy_options::recursive);
    {  // one byte flipped in the middle of the optimizer state, as a bad disk or a copy might
        std::fstream f(newest / "optimizer.pt", std::ios::in | std::ios::out | std::ios::binary);
        const auto middle = static_cast<std::streamoff>(fs::file_size(newest / "optimizer.pt") / 2);
        f.seekg(middle);
        char byte = 0;
        f.read(&byte, 1);
        byte = static_cast<char>(byte ^ 0x5a);
        f.seekp(middle);
        f.write(&byte, 1);
    }
    const std::string damage = "damaged checkpoint: optimizer.pt checksum differs from checksums.json (saved fnv1a64 ";

    // Named explicitly, it is refused: training, evaluate and export alike.
    const fs::path named = dirs.root / "named.log";
    EXPECT_EQ(waitExit(spawnProcess(recipe(run, 6, newest.string()), {}, named)), 1) << readText(named);
    EXPECT_NE(readText(named).find("corral-train: error: " + newest.string() + ": " + damage), std::string::npos)
        << readText(named);
    for (const std::string command : {"evaluate", "export"}) {
        std::vector<std::string> args = {kTrainer, command, "--checkpoint", newest.string()};
        if (command == "export")
            args.insert(args.end(), {"--output", (dirs.root / "exported").string()});
        const fs::path log = dirs.root / (command + ".log");
        EXPECT_EQ(waitExit(spawnProcess(args, {}, log)), 1) << readText(log);
        EXPECT_NE(readText(log).find(newest.string() + ": " + damage), std::string::npos) << readText(log);
    }
    EXPECT_FALSE(fs::exists(dirs.root / "exported" / "adapter_model.safetensors"));

    // --resume auto warns, sets it aside, continues from step 2 and saves step 4 again, equal
    // to the one before the damage: nothing was lost.
    const fs::path autoLog = dirs.root / "auto.log";
    ASSERT_EQ(waitExit(spawnProcess(recipe(run, 4), {}, autoLog)), 0) << readText(autoLog);
    const std::string text = readText(autoLog);
    std::printf("named: %s\nauto: %s\n", readText(named).c_str(), text.substr(0, text.find('\n')).c_str());
    EXPECT_NE(text.find("corral-train: warning: checkpoint " + newest.string() + " is damaged: optimizer.pt checksum "
                        "differs from checksums.json"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("skipped and moved to corrupt-step-00000004, resuming from the next newest intact one"),
              std::string::npos)
        << text;
    const auto events = readJsonl(run / "events.jsonl");
    const auto *warning = lastEvent(events, "warning");
    ASSERT_NE(warning, nullptr);
    EXPECT_EQ(warning->at("checkpoint"), newest.string());
    EXPECT_EQ(warning->at("file"), "optimizer.pt");
    ASSERT_NE(lastEvent(events, "resumed"), nullptr);
    EXPECT_EQ(lastEvent(events, "resumed")->at("step"), 2);
    EXPECT_EQ(events.back().at("kind"), "finished");
    EXPECT_TRUE(fs::exists(run / "checkpoints" / "corrupt-step-00000004" / "optimizer.pt"));
    EXPECT_TRUE(verifyCheckpoint(newest.string()).ok());
    EXPECT_EQ(trainSteps(run / "metrics.jsonl"), oneToN(4));
    expectSameAdapter(newest, original);
}

TEST(Faults, CheckpointsSavedBeforeChecksumsStillLoad)
{
    Dirs dirs;
    const fs::path run = dirs.root / "run";
    ASSERT_EQ(waitExit(spawnProcess(recipe(run, 2), {}, dirs.root / "first.log")), 0) << readText(dirs.root / "first.log");
    const fs::path dir = run / "checkpoints" / checkpointName(2);
    // As format 1 wrote it: no checksums.json, trainer_state format 1.
    fs::remove(dir / kChecksumManifest);
    auto state = nlohmann::json::parse(std::ifstream(dir / "trainer_state.json"));
    EXPECT_EQ(state.at("format"), 2);
    state["format"] = 1;
    std::ofstream(dir / "trainer_state.json", std::ios::trunc) << state.dump(2) << "\n";
    EXPECT_TRUE(verifyCheckpoint(dir.string()).ok());
    const fs::path log = dirs.root / "evaluate.log";
    EXPECT_EQ(waitExit(spawnProcess({kTrainer, "evaluate", "--checkpoint", dir.string()}, {}, log)), 0) << readText(log);
    ASSERT_EQ(waitExit(spawnProcess(recipe(run, 4), {}, dirs.root / "resume.log")), 0) << readText(dirs.root / "resume.log");
    EXPECT_EQ(lastEvent(readJsonl(run / "events.jsonl"), "resumed")->at("step"), 2);

    // A copy of the adapter files alone, as the app downloads them with checksums.json (no
    // optimizer.pt): evaluate reads it, checked against the manifest.
    const fs::path copy = dirs.root / "download" / "checkpoints" / checkpointName(4);
    fs::create_directories(copy);
    for (const char *name : {"adapter_model.safetensors", "adapter_config.json", "trainer_state.json", "checksums.json"})
        fs::copy_file(run / "checkpoints" / checkpointName(4) / name, copy / name);
    fs::copy_file(run / "config.yaml", dirs.root / "download" / "config.yaml");
    const fs::path copyLog = dirs.root / "copy.log";
    EXPECT_EQ(waitExit(spawnProcess({kTrainer, "evaluate", "--checkpoint", copy.string()}, {}, copyLog)), 0) << readText(copyLog);
    {
        std::fstream f(copy / "adapter_model.safetensors", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(-3, std::ios::end);
        f.write("xyz", 3);
    }
    EXPECT_EQ(waitExit(spawnProcess({kTrainer, "evaluate", "--checkpoint", copy.string()}, {}, copyLog)), 1) << readText(copyLog);
    EXPECT_NE(readText(copyLog).find("damaged checkpoint: adapter_model.safetensors checksum differs"), std::string::npos)
        << readText(copyLog);

    // The resumed run saved format 2 again. A truncated file is caught by its size alone.
    const fs::path newer = run / "checkpoints" / checkpointName(4);
    EXPECT_TRUE(verifyCheckpoint(newer.string()).ok());
    fs::resize_file(newer / "adapter_model.safetensors", fs::file_size(newer / "adapter_model.safetensors") - 4);
    auto defect = findCheckpointDefect(newer.string());
    ASSERT_TRUE(defect.has_value());
    EXPECT_EQ(defect->file, "adapter_model.safetensors");
    EXPECT_NE(defect->message.find("size differs from checksums.json"), std::string::npos) << defect->message;
    // Format 2 is always saved with the manifest: one without it is damaged, not old.
    fs::remove(newer / kChecksumManifest);
    defect = findCheckpointDefect(newer.string());
    ASSERT_TRUE(defect.has_value());
    EXPECT_EQ(defect->file, kChecksumManifest);
}

TEST(Faults, Fnv1a64MatchesThePublishedValues)
{
    // From the FNV reference (Fowler, Noll, Vo): the empty string, "a" and "foobar".
    EXPECT_EQ(fnv1a64("", 0), 0xcbf29ce484222325ULL);
    EXPECT_EQ(fnv1a64("a", 1), 0xaf63dc4c8601ec8cULL);
    EXPECT_EQ(fnv1a64("foobar", 6), 0x85944171f73967e8ULL);
    // Hashing in pieces is hashing the whole.
    EXPECT_EQ(fnv1a64("bar", 3, fnv1a64("foo", 3)), fnv1a64("foobar", 6));
}
