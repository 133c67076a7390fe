// Run configs as a person or another tool writes them (YAML, or JSON), and `--set` overrides:
// the YAML reader and the loader never throw and never crash, whatever the text; a parse error
// is the loader's one problem; and what the loader accepted survives the resolved config's round
// trip (configToYaml → loadConfigText → configToYaml gives the same text, and no field of it is
// refused when read back), which is what a resumed run relies on.
//
// Input: the config text; lines after a "--- set" line are overrides, one per line.
#include "FuzzSupport.h"

#include "config/ConfigLoader.h"
#include "config/ConfigWriter.h"
#include "config/Yaml.h"

#include <algorithm>

using namespace corral;

namespace {

// How deep a node tree goes: the loader walks it recursively, so it must stay shallow.
int depthOf(const YamlNode &node)
{
    int deepest = 0;
    for (const auto &[key, child] : node.mapping)
        deepest = std::max(deepest, depthOf(child));
    for (const auto &child : node.sequence)
        deepest = std::max(deepest, depthOf(child));
    return deepest + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto parts = fuzz::splitParts(fuzz::asText(data, size));
    const std::string &text = parts[0].text;
    std::vector<std::string> overrides;
    for (const auto &part : parts) {
        if (part.name != "set")
            continue;
        size_t start = 0;
        while (start < part.text.size()) {
            const size_t end = std::min(part.text.find('\n', start), part.text.size());
            overrides.push_back(part.text.substr(start, end - start));
            start = end + 1;
        }
    }

    const auto root = parseYaml(text, "fuzz.yaml");
    if (root)
        FUZZ_CHECK(depthOf(root.value()) <= 100, "a node tree deeper than the reader's limit");

    // No base folder: relative paths stay as written, and nothing is resolved against this machine.
    const ConfigReport report = loadConfigText(text, "fuzz.yaml", {}, overrides);
    if (!root) {
        FUZZ_CHECK(!report.problems.empty() && report.problems[0].message == root.error().message,
                   "a text the reader refuses must be the loader's first problem: " + root.error().toString());
        return 0;
    }

    const std::string resolved = configToYaml(report.config);
    const ConfigReport again = loadConfigText(resolved, "resolved.yaml", {});
    const std::string resolvedAgain = configToYaml(again.config);
    FUZZ_CHECK(resolvedAgain == resolved, "the resolved config changed on its way through the writer and the loader:\n"
                                              + resolved + "---- became ----\n" + resolvedAgain + again.summary());
    // A field the loader accepted must read back: what the re-read refuses, the checks of the
    // whole config refused in the first config too (a required field left empty), or is about
    // this machine (a data file that does not exist here).
    const std::vector<ConfigProblem> before = validateConfig(report.config);
    for (const auto &problem : again.problems) {
        const bool refusedBefore = std::any_of(before.begin(), before.end(),
                                               [&](const ConfigProblem &p) { return p.field == problem.field; });
        FUZZ_CHECK(problem.location.empty() || refusedBefore,
                   "the loader refuses a field of the resolved config it wrote:\n" + problem.toString() + "\n"
                       + resolved);
    }
    return 0;
}
