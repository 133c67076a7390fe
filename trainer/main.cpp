// corral-train: the command line only. Parses arguments, loads and validates the config,
// and hands over to the trainer library. Exit codes (config/ExitCodes.h): 0 done, 1 training failed,
// 2 bad usage or config, 74 the disk or quota is full, 75 stopped by a signal after a checkpoint.
#include "TokenizeCommand.h"
#include "config/ConfigLoader.h"
#include "config/ConfigReference.h"
#include "config/ExitCodes.h"
#include "data/TextDataset.h"
#include "text/LoadTokenizer.h"
#include "train/StopSignals.h"
#include "train/Tools.h"
#include "train/Trainer.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace {

const std::string kUsage = std::string(
    "usage: corral-train --config FILE [--set section.key=value]... [--output RUN_DIR] [--resume auto|none|CHECKPOINT]\n"
    "       corral-train validate --config FILE [--set section.key=value]...\n"
    "       corral-train evaluate --checkpoint DIR [--config FILE] [--set section.key=value]...\n"
    "       corral-train export --checkpoint DIR --output DIR [--merge [--dtype bfloat16|float16|float32]] [--config FILE]\n"
    "       corral-train config-reference       print every config field as Markdown\n")
    + corral::kTokenizeUsage +
    "\n"
    "  --config FILE     run config (YAML or JSON)\n"
    "  --set K=V         override one config field, e.g. --set train.lr=1e-4 (repeatable)\n"
    "  --output RUN_DIR  run directory (default: output.dir of the config)\n"
    "  --resume MODE     none (default): a new run; auto: continue from the newest complete checkpoint\n"
    "                    in RUN_DIR, or start when there is none; or a checkpoint folder\n"
    "  --checkpoint DIR  evaluate/export: a checkpoint folder, or a run folder (its best checkpoint);\n"
    "                    the config defaults to the run's config.yaml\n"
    "  --merge           export a full Hugging Face model with the adapter folded into its weights\n"
    "                    (config.json, model.safetensors, tokenizer files) instead of the PEFT adapter\n"
    "\n"
    "exit codes: 0 done, 1 failed, 2 bad usage or config, 74 the disk or quota is full (the newest\n"
    "complete checkpoint is intact: free space and resume with --resume auto), 75 stopped by\n"
    "SIGTERM/SIGUSR1/SIGINT after saving a checkpoint (requeue and resume with --resume auto)\n"
    "`corral-train tokenize --help` explains tokenize.\n";

struct Args {
    std::string command = "train";
    std::string config;
    std::string output;
    std::string resume = "none";
    std::vector<std::string> overrides;
    std::string checkpoint;
    bool merge = false;
    std::string dtype;
};

int exitCodeFor(const corral::Error &error)
{
    switch (error.code) {
    case corral::ErrorCode::InvalidArgument: return corral::kExitBadUsage;
    case corral::ErrorCode::NoSpace: return corral::kExitNoSpace;
    default: return corral::kExitFailed;
    }
}

int usageError(const std::string &message)
{
    std::cerr << "corral-train: " << message << "\n" << kUsage;
    return 2;
}

// `validate` also reads the data: a config whose batches the data cannot fill is refused
// here, before it reaches a cluster queue.
int validateData(const corral::RunConfig &config, const std::string &configPath)
{
    auto tokenizer = corral::loadRunTokenizer(config.model);
    if (!tokenizer) {
        std::cerr << tokenizer.error().toString() << "\n";
        return 2;
    }
    auto data = corral::loadTextData(config.data, *tokenizer.value());
    if (!data) {
        std::cerr << data.error().toString() << "\n";
        return 2;
    }
    const auto &d = data.value();
    for (const auto &problem : d.problems)
        std::cerr << "warning: skipped bad record " << problem.toString() << "\n";
    if (d.train.size() < config.train.micro_batch_size) {
        std::cerr << "train.micro_batch_size: must be ≤ the " << d.train.size() << " training sequences of up to "
                  << config.data.max_seq_len << " tokens, got " << config.train.micro_batch_size << "\n";
        return 2;
    }
    const int64_t perStep = config.train.micro_batch_size * config.train.grad_accum_steps;
    std::cout << configPath << ": OK\n"
              << "data: " << d.train.size() << " training / " << d.val.size() << " validation sequences, "
              << d.train.targets << " training tokens; a step takes " << perStep << " sequences, an epoch is about "
              << std::max<int64_t>(1, d.train.size() / perStep) << " steps\n";
    return 0;
}

int checkpointCommand(Args &args)
{
    if (args.checkpoint.empty())
        return usageError(args.command + " needs --checkpoint");
    if (args.command == "export" && args.output.empty())
        return usageError("export needs --output");
    auto checkpoint = corral::resolveCheckpoint(args.checkpoint);
    if (!checkpoint) {
        std::cerr << "corral-train: " << checkpoint.error().toString() << "\n";
        return 2;
    }
    if (args.config.empty())
        args.config = corral::runConfigOf(checkpoint.value());
    const corral::ConfigReport report = corral::loadConfigFile(args.config, args.overrides);
    if (!report.ok()) {
        std::cerr << report.summary();
        return 2;
    }
    try {
        if (args.command == "evaluate") {
            auto result = corral::evaluateCheckpoint(report.config, checkpoint.value());
            if (!result) {
                std::cerr << "corral-train: " << result.error().toString() << "\n";
                return 1;
            }
            std::cout << result.value().dump() << "\n";
            return 0;
        }
        corral::ExportOptions options{checkpoint.value(), args.output, args.merge, args.dtype};
        if (auto st = corral::exportCheckpoint(report.config, options, std::cout); !st) {
            std::cerr << "corral-train: " << st.error().toString() << "\n";
            return exitCodeFor(st.error());
        }
    } catch (const std::exception &e) {
        std::cerr << "corral-train: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char **argv)
{
    Args args;
    std::vector<std::string> argList(argv + 1, argv + argc);
    size_t i = 0;
    if (!argList.empty() && argList[0] == "config-reference") {
        std::cout << corral::configReferenceMarkdown();
        return 0;
    }
    if (!argList.empty() && argList[0] == "tokenize")
        return corral::runTokenizeCommand({argList.begin() + 1, argList.end()}, std::cin, std::cout, std::cerr);
    if (!argList.empty() && (argList[0] == "validate" || argList[0] == "evaluate" || argList[0] == "export")) {
        args.command = argList[0];
        i = 1;
    }
    for (; i < argList.size(); ++i) {
        const std::string &a = argList[i];
        auto value = [&](std::string &out) {
            if (i + 1 >= argList.size())
                return false;
            out = argList[++i];
            return true;
        };
        if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            return 0;
        } else if (a == "--config") {
            if (!value(args.config))
                return usageError("--config needs a file");
        } else if (a == "--output") {
            if (!value(args.output))
                return usageError("--output needs a folder");
        } else if (a == "--resume") {
            if (!value(args.resume))
                return usageError("--resume needs auto, none or a checkpoint folder");
        } else if (a == "--checkpoint") {
            if (!value(args.checkpoint))
                return usageError("--checkpoint needs a folder");
        } else if (a == "--merge") {
            args.merge = true;
        } else if (a == "--dtype") {
            if (!value(args.dtype))
                return usageError("--dtype needs bfloat16, float16 or float32");
        } else if (a == "--set") {
            std::string assignment;
            if (!value(assignment))
                return usageError("--set needs section.key=value");
            args.overrides.push_back(assignment);
        } else {
            return usageError("unknown argument '" + a + "'");
        }
    }
    if (args.command == "evaluate" || args.command == "export")
        return checkpointCommand(args);
    if (args.config.empty())
        return usageError("--config is required");

    const corral::ConfigReport report = corral::loadConfigFile(args.config, args.overrides);
    if (!report.ok()) {
        std::cerr << report.summary();
        return 2;
    }
    if (args.command == "validate")
        return validateData(report.config, args.config);

    std::string runDir = !args.output.empty() ? args.output : report.config.output.dir;
    if (runDir.empty())
        return usageError("no run directory: pass --output or set output.dir");
    runDir = std::filesystem::absolute(runDir).lexically_normal().string();

    auto world = corral::worldFromEnvironment([](const char *name) { return std::getenv(name); },
                                              static_cast<int>(report.config.dist.master_port));
    if (!world) {
        std::cerr << "corral-train: " << world.error().toString() << "\n";
        return 2;
    }
    corral::installStopSignalHandlers();
    corral::TrainerOptions options;
    options.runDir = runDir;
    options.resume = args.resume;
    options.world = world.value();
    // Only rank 0 talks (llm.c's habit): N ranks printing the same lines help nobody.
    std::ostream silent(nullptr);
    const bool main = world.value().rank == 0;
    corral::Trainer trainer(report.config, options, main ? std::cout : silent, main ? std::cerr : silent);
    auto result = trainer.run();
    if (!result) {
        std::cerr << "corral-train" << (main ? "" : " rank " + std::to_string(world.value().rank))
                  << ": error: " << result.error().toString() << "\n";
        return exitCodeFor(result.error());
    }
    if (!main)
        return result.value().stopSignal ? corral::kExitPreempted : 0;
    const auto &s = result.value();
    if (s.stopSignal) {
        std::cout << "stopped by " << corral::signalName(s.stopSignal) << " at step " << s.steps
                  << "; resume with --resume auto\ncheckpoint: " << s.finalCheckpoint << "\n";
        return corral::kExitPreempted;
    }
    std::cout << "done: " << s.steps << " steps, val loss " << s.firstValLoss << " -> " << s.lastValLoss << " (best "
              << s.bestValLoss << " at step " << s.bestStep << ")" << (s.stoppedEarly ? ", stopped early" : "")
              << "\ncheckpoint: " << s.finalCheckpoint << "\n";
    return 0;
}
