#include "config/ConfigWriter.h"

#include "config/Schema.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace corral {

std::string configToYaml(const RunConfig &config)
{
    std::string out = "# Corral run config (format 1)\n";
    std::string section;
    for (const auto &spec : configSchema()) {
        if (spec.section != section) {
            section = spec.section;
            out += section + ":\n";
        }
        out += "  " + spec.key + ": " + formatFieldValue(spec, spec.get(config)) + "\n";
    }
    return out;
}

Status writeConfigFile(const RunConfig &config, const std::string &path)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << configToYaml(config);
        out.flush();
        if (!out)
            return makeError(ErrorCode::Io, "cannot write config", tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        return makeError(ErrorCode::Io, "cannot rename config into place: " + ec.message(), path);
    return okStatus();
}

}  // namespace corral
