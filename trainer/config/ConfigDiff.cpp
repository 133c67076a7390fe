#include "config/ConfigDiff.h"

#include "config/Schema.h"

#include <algorithm>

namespace corral {
namespace {

// A list of choices in the schema's order, so [k_proj, q_proj] equals [q_proj, k_proj].
FieldValue canonical(const FieldSpec &spec, FieldValue value)
{
    if (spec.type != FieldType::EnumList)
        return value;
    auto &items = std::get<std::vector<std::string>>(value);
    auto rank = [&](const std::string &item) {
        return std::find(spec.choices.begin(), spec.choices.end(), item) - spec.choices.begin();
    };
    std::stable_sort(items.begin(), items.end(), [&](const auto &a, const auto &b) { return rank(a) < rank(b); });
    return value;
}

}  // namespace

std::vector<FieldDifference> diffConfigs(const RunConfig &ours, const RunConfig &theirs)
{
    std::vector<FieldDifference> differences;
    for (const auto &spec : configSchema()) {
        const FieldValue a = spec.get(ours);
        const FieldValue b = spec.get(theirs);
        if (canonical(spec, a) == canonical(spec, b))
            continue;
        differences.push_back({spec.path(), formatFieldValue(spec, b), formatFieldValue(spec, a)});
    }
    return differences;
}

}  // namespace corral
