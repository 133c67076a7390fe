#include "config/DataFiles.h"

#include <algorithm>
#include <filesystem>
#include <glob.h>

namespace corral {

bool isGlobPattern(const std::string &entry)
{
    return entry.find_first_of("*?[") != std::string::npos;
}

std::vector<std::string> expandDataEntry(const std::string &entry)
{
    std::vector<std::string> files;
    std::error_code ec;
    if (!isGlobPattern(entry)) {
        if (std::filesystem::is_regular_file(entry, ec))
            files.push_back(entry);
        return files;
    }
    glob_t matches{};
    if (::glob(entry.c_str(), 0, nullptr, &matches) == 0) {
        for (size_t i = 0; i < matches.gl_pathc; ++i) {
            if (std::filesystem::is_regular_file(matches.gl_pathv[i], ec))
                files.emplace_back(matches.gl_pathv[i]);
        }
    }
    globfree(&matches);
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace corral
