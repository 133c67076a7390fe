#include "config/ConfigReference.h"

#include "config/RunConfig.h"
#include "config/Schema.h"

namespace corral {

namespace {
const char *typeName(FieldType type)
{
    switch (type) {
    case FieldType::Int: return "integer";
    case FieldType::Float: return "number";
    case FieldType::Bool: return "boolean";
    case FieldType::String: return "string";
    case FieldType::Enum: return "one of";
    case FieldType::StringList: return "list of strings";
    case FieldType::EnumList: return "list, each one of";
    }
    return "";
}

std::string range(const FieldSpec &spec)
{
    std::string out;
    if (!spec.choices.empty()) {
        for (const auto &choice : spec.choices)
            out += (out.empty() ? "" : ", ") + ("`" + choice + "`");
        return out;
    }
    auto number = [&](double v) {
        return spec.type == FieldType::Int ? std::to_string(static_cast<long long>(v))
                                           : formatFieldValue(spec, FieldValue(v));
    };
    if (spec.min)
        out += (spec.minExclusive ? "> " : "≥ ") + number(*spec.min);
    if (spec.max)
        out += (out.empty() ? "" : ", ") + ("≤ " + number(*spec.max));
    return out;
}
}  // namespace

std::string configReferenceMarkdown()
{
    const RunConfig defaults;
    std::string out =
        "# Run config reference\n\n"
        "Generated from `trainer/config/Schema.cpp` by `corral-train config-reference`; a test keeps this file in step.\n\n"
        "A run config is YAML (or JSON) with the sections below. Unknown sections and keys are errors, with the nearest\n"
        "valid name suggested; every problem is reported at once, each with its field and file:line. Relative paths in\n"
        "`data.files` resolve against the config file's folder. `--set section.key=value` overrides one field.\n";
    std::string section;
    for (const auto &spec : configSchema()) {
        if (spec.section != section) {
            section = spec.section;
            out += "\n## " + section + "\n\n| field | type | default | allowed | description |\n|---|---|---|---|---|\n";
        }
        std::string def = spec.required ? "(required)" : formatFieldValue(spec, spec.get(defaults));
        std::string description = spec.description;
        if (!spec.unit.empty())
            description += " Unit: " + spec.unit + ".";
        out += "| `" + spec.path() + "` | " + typeName(spec.type) + " | `" + def + "` | " + range(spec) + " | "
            + description + " |\n";
    }
    return out;
}

}  // namespace corral
