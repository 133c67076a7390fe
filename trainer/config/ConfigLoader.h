#pragma once
// Reads a run config (YAML or JSON), applies `--set section.key=value` overrides, and
// validates it, reporting every problem at once, each naming the field and file:line.
#include "config/Result.h"
#include "config/RunConfig.h"

#include <string>
#include <vector>

namespace corral {

struct ConfigProblem {
    std::string field;  // "lora.rank", "data.files[1]"; empty for problems of the whole file
    std::string message;  // "must be ≥ 1, got 0"
    std::string location;  // "run.yaml:7"; empty when unknown

    // "lora.rank: must be ≥ 1, got 0 (run.yaml:7)"
    std::string toString() const;
};

struct ConfigReport {
    RunConfig config;
    std::vector<ConfigProblem> problems;
    bool ok() const { return problems.empty(); }
    std::string summary() const;  // one problem per line
};

// Where the paths a config names (model.path, model.tokenizer, data.files) are checked. A run
// for a cluster reads them on the cluster: this machine cannot say whether they exist there (the
// app checks them over SFTP instead, app/slurm/ClusterPaths).
enum class PathCheck {
    ThisMachine,  // each must exist here: what corral-train validate does where the trainer runs
    Skip,  // every other rule still applies
};

// Loads and validates a config file. Relative data paths resolve against the file's folder.
ConfigReport loadConfigFile(const std::string &path, const std::vector<std::string> &overrides = {});

// Same, from text; `source` names it in messages, `baseDir` anchors relative data paths.
ConfigReport loadConfigText(const std::string &text, const std::string &source, const std::string &baseDir,
                            const std::vector<std::string> &overrides = {}, PathCheck paths = PathCheck::ThisMachine);

// Applies one "section.key=value" override (value in YAML syntax, lists as [a, b]).
std::vector<ConfigProblem> applyOverride(RunConfig &config, const std::string &assignment,
                                         const std::string &baseDir = {});

// Checks ranges, choices, required fields, cross-field rules and (unless skipped) that the
// model folder, tokenizer and data files exist on this machine.
std::vector<ConfigProblem> validateConfig(const RunConfig &config, PathCheck paths = PathCheck::ThisMachine);

// The existence half of validateConfig alone: model.path is a folder with config.json, the
// tokenizer a file (or a folder with tokenizer.json), each data.files entry a file or a pattern
// that matches one.
std::vector<ConfigProblem> checkPathsExist(const RunConfig &config);

}  // namespace corral
