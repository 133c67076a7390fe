#include "config/ConfigTextEdit.h"

#include "config/Schema.h"
#include "config/Yaml.h"

#include <algorithm>

namespace corral {
namespace {

std::vector<std::string> splitLines(const std::string &text)
{
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

size_t indentOf(const std::string &line)
{
    size_t i = 0;
    while (i < line.size() && line[i] == ' ')
        ++i;
    return i;
}

// Blank lines and whole-line comments carry no YAML content. Blank is what the reader trims
// (Yaml.cpp): spaces, tabs and carriage returns, wherever they are in the indentation.
bool isContent(const std::string &line)
{
    const size_t i = line.find_first_not_of(" \t\r");
    return i != std::string::npos && line[i] != '#';
}

// Index just past the last content line in [from, to): where an entry's text ends, leaving the
// comments and blank lines that follow it to whatever comes next.
size_t endOfContent(const std::vector<std::string> &lines, size_t from, size_t to)
{
    size_t end = from + 1;
    for (size_t i = from; i < to && i < lines.size(); ++i) {
        if (isContent(lines[i]))
            end = i + 1;
    }
    return end;
}

// Splits "  key: value  # note" into its key part ("  key") and its comment (" # note", or empty).
std::pair<std::string, std::string> keyAndComment(const std::string &line)
{
    const size_t indent = indentOf(line);
    size_t colon = std::string::npos;
    char quote = 0;
    for (size_t i = indent; i < line.size(); ++i) {
        const char c = line[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if ((c == '"' || c == '\'') && i == indent) {
            quote = c;
        } else if (c == ':'
                   && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t' || line[i + 1] == '\r')) {
            colon = i;
            break;
        }
    }
    if (colon == std::string::npos)
        return {line, {}};
    std::string comment;
    quote = 0;
    for (size_t i = colon + 1; i < line.size(); ++i) {
        const char c = line[i];
        if (quote) {
            if (c == '\\' && quote == '"')
                ++i;
            else if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '#' && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
            size_t start = i;
            while (start > colon + 1 && (line[start - 1] == ' ' || line[start - 1] == '\t'))
                --start;
            comment = line.substr(start);
            break;
        }
    }
    return {line.substr(0, colon), comment};
}

int schemaIndex(const std::string &section, const std::string &key)
{
    const auto &schema = configSchema();
    for (size_t i = 0; i < schema.size(); ++i) {
        if (schema[i].section == section && schema[i].key == key)
            return static_cast<int>(i);
    }
    return -1;
}

int sectionIndex(const std::string &section)
{
    const auto sections = configSections();
    const auto it = std::find(sections.begin(), sections.end(), section);
    return it == sections.end() ? -1 : static_cast<int>(it - sections.begin());
}

std::string joinLines(const std::vector<std::string> &lines)
{
    std::string out;
    for (const auto &line : lines)
        out += line + "\n";
    return out;
}

// Adds "section:\n  key: value" before the first section that comes later in schema order
// (above the comments that introduce it), or at the end.
std::string addSection(std::vector<std::string> lines, const YamlNode &root, const std::string &section,
                       const std::string &entry)
{
    size_t at = lines.size();
    const int order = sectionIndex(section);
    for (const auto &[name, node] : root.mapping) {
        const int other = sectionIndex(name);
        if (order >= 0 && other > order && node.line > 0) {
            at = static_cast<size_t>(node.line - 1);
            while (at > 0 && !isContent(lines[at - 1]) && indentOf(lines[at - 1]) < lines[at - 1].size())
                --at;  // keep a section's leading comment lines with it
            break;
        }
    }
    // At the indentation of the document's other sections (a whole document may be indented).
    const std::string indent = root.mapping.empty() || root.mapping.front().second.line <= 0
                                   ? std::string()
                                   : std::string(indentOf(lines[static_cast<size_t>(root.mapping.front().second.line - 1)]), ' ');
    std::vector<std::string> block = {indent + section + ":", indent + "  " + entry};
    if (at < lines.size())
        block.emplace_back();  // a blank line before the next section
    if (at > 0 && isContent(lines[at - 1]))
        block.insert(block.begin(), std::string());  // and one after the previous
    lines.insert(lines.begin() + static_cast<long>(at), block.begin(), block.end());
    return joinLines(lines);
}

}  // namespace

Result<std::string> setFieldInText(const std::string &text, const std::string &section, const std::string &key,
                                   const std::string &valueYaml)
{
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && text[first] == '{')
        return makeError(ErrorCode::InvalidArgument, "a JSON document cannot be edited line by line");
    auto parsed = parseYaml(text, "config");
    if (!parsed)
        return parsed.error();
    const YamlNode &root = parsed.value();
    std::vector<std::string> lines = splitLines(text);
    const std::string entry = key + ": " + valueYaml;
    if (root.kind == YamlNode::Kind::Null)
        return addSection(lines, root, section, entry);
    if (root.kind != YamlNode::Kind::Mapping)
        return makeError(ErrorCode::InvalidArgument, "the top level is not a mapping of sections");

    const auto sectionIt = std::find_if(root.mapping.begin(), root.mapping.end(),
                                        [&](const auto &item) { return item.first == section; });
    if (sectionIt == root.mapping.end())
        return addSection(lines, root, section, entry);
    const YamlNode &node = sectionIt->second;
    const size_t sectionLine = static_cast<size_t>(node.line - 1);
    const size_t sectionStop = std::next(sectionIt) == root.mapping.end()
                                   ? lines.size()
                                   : static_cast<size_t>(std::next(sectionIt)->second.line - 1);
    const std::string sectionIndent(indentOf(lines[sectionLine]), ' ');

    if (node.kind == YamlNode::Kind::Null) {
        // "lora:" or "lora: ~": the section gets its first key; an inline null must go.
        const auto [head, comment] = keyAndComment(lines[sectionLine]);
        lines[sectionLine] = head + ":" + comment;
        lines.insert(lines.begin() + static_cast<long>(sectionLine + 1), sectionIndent + "  " + entry);
        return joinLines(lines);
    }
    if (node.kind != YamlNode::Kind::Mapping)
        return makeError(ErrorCode::InvalidArgument, "section '" + section + "' is not a mapping of 'key: value' lines");

    const auto &entries = node.mapping;
    for (size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].first != key)
            continue;
        const size_t keyLine = static_cast<size_t>(entries[i].second.line - 1);
        const size_t stop = i + 1 < entries.size() ? static_cast<size_t>(entries[i + 1].second.line - 1) : sectionStop;
        const size_t end = endOfContent(lines, keyLine, stop);
        const auto [head, comment] = keyAndComment(lines[keyLine]);
        lines.erase(lines.begin() + static_cast<long>(keyLine), lines.begin() + static_cast<long>(end));
        lines.insert(lines.begin() + static_cast<long>(keyLine), head + ": " + valueYaml + comment);
        return joinLines(lines);
    }

    // A new key: after the entry that precedes it in schema order, else first in the section.
    const std::string childIndent = entries.empty() ? sectionIndent + "  "
                                                    : std::string(indentOf(lines[static_cast<size_t>(entries[0].second.line - 1)]), ' ');
    const int order = schemaIndex(section, key);
    size_t at = sectionLine + 1;
    for (size_t i = 0; i < entries.size(); ++i) {
        const int other = schemaIndex(section, entries[i].first);
        if (order >= 0 && other >= 0 && other < order) {
            const size_t keyLine = static_cast<size_t>(entries[i].second.line - 1);
            const size_t stop = i + 1 < entries.size() ? static_cast<size_t>(entries[i + 1].second.line - 1) : sectionStop;
            at = std::max(at, endOfContent(lines, keyLine, stop));
        }
    }
    lines.insert(lines.begin() + static_cast<long>(at), childIndent + entry);
    return joinLines(lines);
}

}  // namespace corral
