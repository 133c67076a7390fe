#pragma once
// Writes a RunConfig as YAML with every field present (the "resolved" config of a run),
// in schema order, so it reads back to the same RunConfig.
#include "config/Result.h"
#include "config/RunConfig.h"

#include <string>

namespace corral {

std::string configToYaml(const RunConfig &config);

// Writes atomically (temp file + rename) so a reader never sees half a config.
Status writeConfigFile(const RunConfig &config, const std::string &path);

}  // namespace corral
