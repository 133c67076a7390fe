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

// Loads and validates a config file. Relative data paths resolve against the file's folder.
ConfigReport loadConfigFile(const std::string &path, const std::vector<std::string> &overrides = {});

// Same, from text; `source` names it in messages, `baseDir` anchors relative data paths.
ConfigReport loadConfigText(const std::string &text, const std::string &source, const std::string &baseDir,
                            const std::vector<std::string> &overrides = {});

// Applies one "section.key=value" override (value in YAML syntax, lists as [a, b]).
std::vector<ConfigProblem> applyOverride(RunConfig &config, const std::string &assignment,
                                         const std::string &baseDir = {});

// Checks ranges, choices, required fields, cross-field rules and that data files exist.
std::vector<ConfigProblem> validateConfig(const RunConfig &config);

}  // namespace corral
