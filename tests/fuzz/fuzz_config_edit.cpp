// The config editor's form edits (setFieldInText) on whatever text the person has typed: an edit
// either says why it cannot be made, or gives text that still parses, in which the edited field
// reads back as the value given and every other value is as it was.
//
// Input: the first line picks the field (a number, modulo the schema's size) and the second
// line is the value (as a string field takes it, or parsed for numbers, booleans and lists);
// the rest is the config text.
#include "FuzzSupport.h"

#include "config/ConfigTextEdit.h"
#include "config/Schema.h"
#include "config/Yaml.h"

#include <cmath>
#include <cstdlib>

using namespace corral;

namespace {

std::string lineAt(std::string_view text, size_t &pos)
{
    const size_t end = std::min(text.find('\n', pos), text.size());
    std::string line(text.substr(pos, end - pos));
    pos = end < text.size() ? end + 1 : end;
    return line;
}

FieldValue valueFor(const FieldSpec &spec, const std::string &text)
{
    switch (spec.type) {
    case FieldType::Int: return FieldValue(static_cast<int64_t>(std::strtoll(text.c_str(), nullptr, 10)));
    case FieldType::Float: {
        const double v = std::strtod(text.c_str(), nullptr);
        return FieldValue(std::isfinite(v) ? v : 0.0);
    }
    case FieldType::Bool: return FieldValue(!text.empty() && text[0] == 't');
    case FieldType::String:
    case FieldType::Enum: return FieldValue(text);
    case FieldType::StringList:
    case FieldType::EnumList: {
        std::vector<std::string> items;
        size_t start = 0;
        while (start <= text.size()) {
            const size_t comma = std::min(text.find(',', start), text.size());
            items.push_back(text.substr(start, comma - start));
            start = comma + 1;
        }
        return FieldValue(items);
    }
    }
    return FieldValue(text);
}

// Two nodes say the same (lines aside).
bool same(const YamlNode &a, const YamlNode &b)
{
    if (a.kind != b.kind || a.scalar != b.scalar || a.quoted != b.quoted || a.mapping.size() != b.mapping.size()
        || a.sequence.size() != b.sequence.size())
        return false;
    for (size_t i = 0; i < a.mapping.size(); ++i) {
        if (a.mapping[i].first != b.mapping[i].first || !same(a.mapping[i].second, b.mapping[i].second))
            return false;
    }
    for (size_t i = 0; i < a.sequence.size(); ++i) {
        if (!same(a.sequence[i], b.sequence[i]))
            return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view input = fuzz::asText(data, size);
    size_t pos = 0;
    const auto &schema = configSchema();
    const FieldSpec &spec = schema[std::strtoul(lineAt(input, pos).c_str(), nullptr, 10) % schema.size()];
    const std::string valueText = lineAt(input, pos);
    const std::string text(input.substr(pos));

    const std::string valueYaml = formatFieldValue(spec, valueFor(spec, valueText));
    const auto value = parseYamlValue(valueYaml, "value");
    FUZZ_CHECK(value.ok(), "formatFieldValue wrote a value the reader refuses: " + valueYaml);

    const auto before = parseYaml(text, "before");
    const auto edited = setFieldInText(text, spec.section, spec.key, valueYaml);
    if (!edited)
        return 0;
    FUZZ_CHECK(before.ok(), "an edit of text that does not parse succeeded");
    const auto after = parseYaml(edited.value(), "after");
    FUZZ_CHECK(after.ok(), "the edited text does not parse: " + (after ? std::string() : after.error().toString())
                               + "\n---- before ----\n" + text + "\n---- after ----\n" + edited.value());
    const YamlNode &root = after.value();
    FUZZ_CHECK(root.kind == YamlNode::Kind::Mapping, "the edited text is not a mapping:\n" + edited.value());
    const YamlNode *section = root.find(spec.section);
    FUZZ_CHECK(section && section->kind == YamlNode::Kind::Mapping,
               "no section " + spec.section + " after the edit:\n" + edited.value());
    const YamlNode *field = section->find(spec.key);
    FUZZ_CHECK(field && same(*field, value.value()),
               "the edited field " + spec.path() + " does not read back as " + valueYaml + ":\n" + edited.value());

    // Everything else as it was: each section's other keys, and the other sections.
    for (const auto &[name, node] : before.value().mapping) {
        const YamlNode *now = root.find(name);
        FUZZ_CHECK(now != nullptr, "section " + name + " lost in the edit:\n" + edited.value());
        if (name != spec.section) {
            FUZZ_CHECK(same(node, *now), "section " + name + " changed in the edit of " + spec.path() + ":\n"
                                             + text + "\n---- became ----\n" + edited.value());
            continue;
        }
        for (const auto &[key, child] : node.mapping) {
            if (key == spec.key)
                continue;
            const YamlNode *other = now->find(key);
            FUZZ_CHECK(other && same(child, *other), spec.section + "." + key + " changed in the edit of " + spec.path()
                                                         + ":\n" + text + "\n---- became ----\n" + edited.value());
        }
    }
    return 0;
}
