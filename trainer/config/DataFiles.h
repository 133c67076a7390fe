#pragma once
// data.files entries are paths or glob patterns; this expands them, sorted, so every rank
// and every resume sees the same files in the same order.
#include <string>
#include <vector>

namespace corral {

bool isGlobPattern(const std::string &entry);
// The regular files an entry names: itself, or its glob matches in sorted order.
std::vector<std::string> expandDataEntry(const std::string &entry);

}  // namespace corral
