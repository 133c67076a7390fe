// corral-train: the command line only. Parses arguments, loads and validates the config,
// and hands over to the trainer library. Exit codes: 0 done, 1 training failed, 2 bad usage or config.
#include "config/ConfigLoader.h"
#include "config/ConfigReference.h"
#include "train/Trainer.h"

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char *kUsage =
    "usage: corral-train --config FILE [--set section.key=value]... [--output RUN_DIR]\n"
    "       corral-train validate --config FILE [--set section.key=value]...\n"
    "       corral-train config-reference       print every config field as Markdown\n"
    "\n"
    "  --config FILE     run config (YAML or JSON)\n"
    "  --set K=V         override one config field, e.g. --set train.lr=1e-4 (repeatable)\n"
    "  --output RUN_DIR  run directory (default: output.dir of the config)\n";

struct Args {
    std::string command = "train";
    std::string config;
    std::string output;
    std::vector<std::string> overrides;
};

int usageError(const std::string &message)
{
    std::cerr << "corral-train: " << message << "\n" << kUsage;
    return 2;
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
    if (!argList.empty() && argList[0] == "validate") {
        args.command = "validate";
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
        } else if (a == "--set") {
            std::string assignment;
            if (!value(assignment))
                return usageError("--set needs section.key=value");
            args.overrides.push_back(assignment);
        } else {
            return usageError("unknown argument '" + a + "'");
        }
    }
    if (args.config.empty())
        return usageError("--config is required");

    const corral::ConfigReport report = corral::loadConfigFile(args.config, args.overrides);
    if (!report.ok()) {
        std::cerr << report.summary();
        return 2;
    }
    if (args.command == "validate") {
        std::cout << args.config << ": OK\n";
        return 0;
    }

    std::string runDir = !args.output.empty() ? args.output : report.config.output.dir;
    if (runDir.empty())
        return usageError("no run directory: pass --output or set output.dir");
    runDir = std::filesystem::absolute(runDir).lexically_normal().string();

    corral::Trainer trainer(report.config, runDir, std::cout);
    auto result = trainer.run();
    if (!result) {
        std::cerr << "corral-train: error: " << result.error().toString() << "\n";
        return 1;
    }
    const auto &s = result.value();
    std::cout << "done: " << s.steps << " steps, val loss " << s.firstValLoss << " -> " << s.lastValLoss << " (best "
              << s.bestValLoss << " at step " << s.bestStep << ")" << (s.stoppedEarly ? ", stopped early" : "")
              << "\ncheckpoint: " << s.finalCheckpoint << "\n";
    return 0;
}
