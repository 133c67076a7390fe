#pragma once
// The fields in which two run configs differ, in schema order, each value written as YAML, so
// a person can see what a run changed against its preset or against another run's config.
#include "config/RunConfig.h"

#include <string>
#include <vector>

namespace corral {

struct FieldDifference {
    std::string field;  // "lora.rank"
    std::string theirs;  // "8"
    std::string ours;  // "16"
};

// Lists of choices (lora.target_modules) compare as sets: their order means nothing.
std::vector<FieldDifference> diffConfigs(const RunConfig &ours, const RunConfig &theirs);

}  // namespace corral
