// bench_ddp: data-parallel scaling of corral-train over Gloo on this machine. Runs the demo
// model with 1, 2 (and 4 where there are cores) ranks of one thread each, all with the same
// per-rank micro-batch, and prints tokens/s, scaling efficiency against one rank, and the
// bytes all-reduced per step against the LoRA parameter count; then 2 ranks with the all-reduce
// overlapped with backward against reducing after it. Last line: one JSON object.
#include "../common/TestProcess.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {
pid_t spawnRank(const std::vector<std::string> &args, int rank, int world, int port, const fs::path &log)
{
    // One core per rank, for OpenBLAS's own thread pool too (LibTorch's thread setting does not reach it).
    std::vector<std::string> env = {"OPENBLAS_NUM_THREADS=1", "OMP_NUM_THREADS=1"};
    if (world > 1) {
        const auto rankEnv = corral::test::rankEnvironment(rank, world, port);
        env.insert(env.end(), rankEnv.begin(), rankEnv.end());
    }
    return corral::test::spawnProcess(args, env, log);
}

struct Figures {
    double tokensPerSecond = 0;
    double allreduceBytes = 0;
    bool ok = false;
};

Figures run(const std::string &trainer, const std::string &config, const fs::path &dir, int world, int steps,
            const std::vector<std::string> &sets = {})
{
    fs::remove_all(dir);
    fs::create_directories(dir.parent_path());
    const std::vector<std::string> args = {trainer, "--config", config, "--output", dir.string(), "--set", "train.threads=1",
                                           "--set", "train.max_steps=" + std::to_string(steps), "--set",
                                           "train.eval_interval=1000000", "--set", "data.cache=false"};
    std::vector<std::string> all = args;
    for (const std::string &set : sets)
        all.insert(all.end(), {"--set", set});
    const int port = corral::test::freeLoopbackPort();
    std::vector<pid_t> pids;
    for (int r = world - 1; r >= 0; --r)
        pids.push_back(spawnRank(all, r, world, port, dir.string() + ".rank" + std::to_string(r) + ".log"));
    bool ok = true;
    for (const pid_t pid : pids)
        ok = corral::test::waitExit(pid) == 0 && ok;
    Figures f;
    f.ok = ok;
    std::ifstream in(dir / "metrics.jsonl");
    std::string line;
    double tokens = 0, seconds = 0;
    int counted = 0;
    while (std::getline(in, line)) {
        const auto m = nlohmann::json::parse(line);
        if (m.at("kind") != "train" || m.at("step").get<int>() <= 2)  // skip warm-up steps
            continue;
        const double stepTokens = m.at("tokens_per_s").get<double>();
        tokens += 1.0;
        seconds += 1.0 / stepTokens;  // harmonic mean of per-step rates = total tokens / total time
        f.allreduceBytes = m.value("allreduce_bytes", 0.0);
        ++counted;
    }
    f.tokensPerSecond = counted ? tokens / seconds : 0;
    return f;
}
}  // namespace

int main(int argc, char **argv)
{
    const std::string bin = fs::path(argv[0]).parent_path().string();
    const std::string trainer = argc > 1 ? argv[1] : bin + "/corral-train";
    const std::string config = argc > 2 ? argv[2] : std::string(CORRAL_SOURCE_DIR) + "/resources/presets/tiny-demo.yaml";
    const int steps = 12;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const fs::path dir = fs::temp_directory_path() / ("corral-bench-ddp-" + std::to_string(::getpid()));
    // The tiny-demo's LoRA (r=16 on all seven projections of 4 layers): A [16, in] + B [out, 16].
    const long long loraParams = 4LL * 16 * ((256 + 256) + (256 + 128) * 2 + (256 + 256) + (256 + 688) * 2 + (688 + 256));
    std::printf("bench_ddp: tiny-demo, micro-batch 8 x 4 accumulation per rank, 1 thread per rank, %u cores\n", cores);
    std::printf("%6s %12s %11s %12s %18s\n", "ranks", "tokens/s", "speed-up", "efficiency", "all-reduce B/step");
    nlohmann::json result = {{"bench", "ddp"}, {"cores", cores}, {"lora_params", loraParams}};
    double base = 0;
    for (const int world : {1, 2, 4}) {
        if (world > 1 && static_cast<unsigned>(world) > cores)
            break;
        const Figures f = run(trainer, config, dir / ("w" + std::to_string(world)), world, steps);
        if (!f.ok) {
            std::printf("%6d failed: see %s\n", world, (dir / ("w" + std::to_string(world))).c_str());
            return 1;
        }
        if (world == 1)
            base = f.tokensPerSecond;
        const double speedup = f.tokensPerSecond / base;
        std::printf("%6d %12.0f %10.2fx %11.0f%% %18.0f\n", world, f.tokensPerSecond, speedup, 100 * speedup / world,
                    f.allreduceBytes);
        result["tokens_per_s_" + std::to_string(world)] = f.tokensPerSecond;
        result["efficiency_" + std::to_string(world)] = speedup / world;
        if (world > 1)
            result["allreduce_bytes_per_step"] = f.allreduceBytes;
    }
    // The all-reduce overlapped with backward (default) against reducing after backward: two
    // ranks, runs alternated so that a change in the machine's load hits both alike; medians.
    if (cores >= 2) {
        const int rounds = 3;
        std::vector<double> on, off;
        for (int round = 0; round < rounds; ++round) {
            for (const bool overlap : {true, false}) {
                const Figures f = run(trainer, config, dir / "overlap", 2, steps,
                                      {std::string("dist.overlap_allreduce=") + (overlap ? "true" : "false")});
                if (!f.ok) {
                    std::printf("overlap=%d failed: see %s\n", overlap, (dir / "overlap").c_str());
                    return 1;
                }
                (overlap ? on : off).push_back(f.tokensPerSecond);
            }
        }
        const auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v[v.size() / 2];
        };
        const double withOverlap = median(on), after = median(off);
        std::printf("2 ranks, median of %d alternated runs: all-reduce overlapped %.0f tokens/s, after backward %.0f "
                    "tokens/s, ratio %.3f\n",
                    rounds, withOverlap, after, withOverlap / after);
        result["tokens_per_s_2_overlap"] = withOverlap;
        result["tokens_per_s_2_after_backward"] = after;
        result["overlap_ratio"] = withOverlap / after;
    }
    std::printf("LoRA parameters: %lld (%.0f bytes as float32 gradients)\n", loraParams, 4.0 * loraParams);
    fs::remove_all(dir);
    std::printf("%s\n", result.dump().c_str());
    return 0;
}
