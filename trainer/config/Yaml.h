#pragma once
// A reader for the YAML subset that run configs use, written here so corral-train
// builds with LibTorch and header-only libraries alone (clusters rarely have yaml-cpp).
//
// Supported: block mappings and sequences by indentation, `- key: value` items,
// flow sequences `[a, "b", 3]` on one line, plain / 'single' / "double" quoted scalars
// (escapes \n \t \r \0 \" \\ \/ and \xNN), `null`/`~`, comments, a leading `---`. A document
// starting with `{` is read as JSON. Anything else (anchors, tags, block scalars, flow
// mappings) is refused with file:line.
#include "config/Result.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace corral {

struct YamlNode {
    enum class Kind { Null, Scalar, Sequence, Mapping };
    Kind kind = Kind::Null;
    std::string scalar;  // for Scalar
    bool quoted = false;  // a quoted scalar is always a string
    int line = 0;  // 1-based line in the source; 0 when unknown (JSON input)
    std::vector<std::pair<std::string, YamlNode>> mapping;  // in document order
    std::vector<YamlNode> sequence;

    const YamlNode *find(std::string_view key) const;
};

// Parses a whole document. `source` names the file in error messages.
Result<YamlNode> parseYaml(std::string_view text, const std::string &source);

// Parses a single inline value, as written after `key:` (a scalar or a flow sequence).
Result<YamlNode> parseYamlValue(std::string_view text, const std::string &source);

}  // namespace corral
