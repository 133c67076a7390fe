#pragma once
// The schema: one table that describes every config field (type, default, range, choices,
// description) and reads/writes it. Parsing, validation, YAML output, `--set`, the GUI's
// form and the config reference all walk this one table.
#include "config/RunConfig.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace corral {

enum class FieldType { Int, Float, Bool, String, Enum, StringList, EnumList };

using FieldValue = std::variant<int64_t, double, bool, std::string, std::vector<std::string>>;

struct FieldSpec {
    std::string section;
    std::string key;
    FieldType type = FieldType::Int;
    std::string description;
    std::string unit;  // shown in forms and docs; may be empty
    std::optional<double> min;  // inclusive unless minExclusive
    std::optional<double> max;  // inclusive
    bool minExclusive = false;
    std::vector<std::string> choices;  // for Enum / EnumList
    bool required = false;  // must be set (non-empty) by the user
    std::function<FieldValue(const RunConfig &)> get;
    std::function<void(RunConfig &, const FieldValue &)> set;

    std::string path() const { return section + "." + key; }
};

const std::vector<FieldSpec> &configSchema();
std::vector<std::string> configSections();
const FieldSpec *findField(std::string_view section, std::string_view key);

// The valid name nearest to `name` (edit distance ≤ 3), or empty.
std::string nearestName(std::string_view name, const std::vector<std::string> &candidates);

// Renders a value as YAML text ("8", "2e-05", "true", "\"text\"", "[\"a\", \"b\"]").
std::string formatFieldValue(const FieldSpec &spec, const FieldValue &value);

// Range and choice problems of one value ("must be ≥ 1, got 0"); empty when fine.
std::string checkFieldValue(const FieldSpec &spec, const FieldValue &value);

}  // namespace corral
