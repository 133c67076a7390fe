#include "config/ConfigLoader.h"

#include "config/DataFiles.h"
#include "config/Schema.h"
#include "config/Yaml.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

namespace fs = std::filesystem;

namespace corral {
namespace {

std::string locationOf(const std::string &source, int line)
{
    return line > 0 ? source + ":" + std::to_string(line) : source;
}

std::optional<int64_t> parseInt(const std::string &s)
{
    if (s.empty())
        return std::nullopt;
    errno = 0;
    char *end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno != 0 || end != s.c_str() + s.size())
        return std::nullopt;
    return static_cast<int64_t>(v);
}

std::optional<double> parseFloat(const std::string &s)
{
    if (s.empty() || s.find_first_of("xXpP") != std::string::npos)  // no hex floats
        return std::nullopt;
    char *end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size())
        return std::nullopt;
    return v;
}

// Converts a node to the field's type, or says why it cannot.
Result<FieldValue> toFieldValue(const FieldSpec &spec, const YamlNode &node)
{
    auto bad = [](std::string message) { return makeError(ErrorCode::Validation, std::move(message)); };
    if (node.kind == YamlNode::Kind::Null)
        return bad("has no value");
    const bool list = spec.type == FieldType::StringList || spec.type == FieldType::EnumList;
    if (node.kind == YamlNode::Kind::Mapping)
        return bad(list ? "must be a list, got a mapping" : "must be a single value, got a mapping");
    if (node.kind == YamlNode::Kind::Sequence) {
        if (!list)
            return bad("must be a single value, got a list");
        std::vector<std::string> items;
        for (const auto &item : node.sequence) {
            if (item.kind != YamlNode::Kind::Scalar)
                return bad("must be a list of plain values");
            items.push_back(item.scalar);
        }
        return FieldValue(items);
    }
    const std::string &s = node.scalar;
    switch (spec.type) {
    case FieldType::Int:
        if (auto v = parseInt(s); v && !node.quoted)
            return FieldValue(*v);
        return bad("must be an integer, got '" + s + "'");
    case FieldType::Float:
        if (auto v = parseFloat(s); v && !node.quoted)
            return FieldValue(*v);
        return bad("must be a number, got '" + s + "'");
    case FieldType::Bool:
        if (!node.quoted && (s == "true" || s == "True" || s == "yes" || s == "on"))
            return FieldValue(true);
        if (!node.quoted && (s == "false" || s == "False" || s == "no" || s == "off"))
            return FieldValue(false);
        return bad("must be true or false, got '" + s + "'");
    case FieldType::String:
    case FieldType::Enum:
        return FieldValue(s);
    case FieldType::StringList:
    case FieldType::EnumList:
        return FieldValue(std::vector<std::string>{s});  // a single item may be written without brackets
    }
    return bad("unsupported field type");
}

// Data paths in a config are relative to the config's folder.
void resolvePaths(const FieldSpec &spec, FieldValue &value, const std::string &baseDir)
{
    if (baseDir.empty())
        return;
    if (spec.section == "model" && (spec.key == "path" || spec.key == "tokenizer")) {
        auto &path = std::get<std::string>(value);
        if (!path.empty() && path != "byte" && fs::path(path).is_relative())
            path = (fs::path(baseDir) / path).lexically_normal().string();
        return;
    }
    if (spec.section != "data" || spec.key != "files")
        return;
    for (auto &file : std::get<std::vector<std::string>>(value)) {
        fs::path p(file);
        if (!file.empty() && p.is_relative())
            file = (fs::path(baseDir) / p).lexically_normal().string();
    }
}

std::string unknownMessage(const std::string &what, const std::string &name, const std::vector<std::string> &valid)
{
    std::string message = "unknown " + what + " '" + name + "'";
    const std::string near = nearestName(name, valid);
    message += near.empty() ? "; valid: " : " (did you mean '" + near + "'?)";
    if (near.empty()) {
        for (size_t i = 0; i < valid.size(); ++i)
            message += (i ? ", " : "") + valid[i];
    }
    return message;
}

std::vector<std::string> keysOf(const std::string &section)
{
    std::vector<std::string> keys;
    for (const auto &spec : configSchema()) {
        if (spec.section == section)
            keys.push_back(spec.key);
    }
    return keys;
}

void applyDocument(RunConfig &config, const YamlNode &root, const std::string &source, const std::string &baseDir,
                   std::vector<ConfigProblem> &problems)
{
    if (root.kind == YamlNode::Kind::Null)
        return;
    if (root.kind != YamlNode::Kind::Mapping) {
        problems.push_back({"", "the top level must be a mapping of sections (model, lora, data, train, dist, output)",
                            locationOf(source, root.line)});
        return;
    }
    const std::vector<std::string> sections = configSections();
    for (const auto &[sectionName, section] : root.mapping) {
        if (std::find(sections.begin(), sections.end(), sectionName) == sections.end()) {
            problems.push_back({sectionName, unknownMessage("section", sectionName, sections),
                                locationOf(source, section.line)});
            continue;
        }
        if (section.kind == YamlNode::Kind::Null)
            continue;
        if (section.kind != YamlNode::Kind::Mapping) {
            problems.push_back({sectionName, "must be a mapping of 'key: value' lines", locationOf(source, section.line)});
            continue;
        }
        for (const auto &[key, node] : section.mapping) {
            const FieldSpec *spec = findField(sectionName, key);
            if (!spec) {
                problems.push_back({sectionName + "." + key, unknownMessage("key", key, keysOf(sectionName)),
                                    locationOf(source, node.line)});
                continue;
            }
            auto value = toFieldValue(*spec, node);
            if (!value) {
                problems.push_back({spec->path(), value.error().message, locationOf(source, node.line)});
                continue;
            }
            resolvePaths(*spec, value.value(), baseDir);
            if (auto problem = checkFieldValue(*spec, value.value()); !problem.empty()) {
                problems.push_back({spec->path(), problem, locationOf(source, node.line)});
                continue;
            }
            spec->set(config, value.value());
        }
    }
}

bool hasProblemFor(const std::vector<ConfigProblem> &problems, const std::string &field)
{
    for (const auto &p : problems) {
        if (p.field == field || p.field.rfind(field + "[", 0) == 0)
            return true;
    }
    return false;
}

}  // namespace

std::string ConfigProblem::toString() const
{
    if (field.empty())
        return location.empty() ? message : location + ": " + message;
    return field + ": " + message + (location.empty() ? "" : " (" + location + ")");
}

std::string ConfigReport::summary() const
{
    std::string out;
    for (const auto &p : problems)
        out += p.toString() + "\n";
    return out;
}

std::vector<ConfigProblem> applyOverride(RunConfig &config, const std::string &assignment, const std::string &baseDir)
{
    const std::string where = "--set " + assignment;
    const size_t eq = assignment.find('=');
    const size_t dot = assignment.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq)
        return {{"", "expected --set section.key=value", where}};
    const std::string section = assignment.substr(0, dot);
    const std::string key = assignment.substr(dot + 1, eq - dot - 1);
    const FieldSpec *spec = findField(section, key);
    if (!spec) {
        const auto sections = configSections();
        if (std::find(sections.begin(), sections.end(), section) == sections.end())
            return {{section, unknownMessage("section", section, sections), where}};
        return {{section + "." + key, unknownMessage("key", key, keysOf(section)), where}};
    }
    auto node = parseYamlValue(assignment.substr(eq + 1), where);
    if (!node)
        return {{spec->path(), node.error().message, where}};
    auto value = toFieldValue(*spec, node.value());
    if (!value)
        return {{spec->path(), value.error().message, where}};
    resolvePaths(*spec, value.value(), baseDir);
    if (auto problem = checkFieldValue(*spec, value.value()); !problem.empty())
        return {{spec->path(), problem, where}};
    spec->set(config, value.value());
    return {};
}

std::vector<ConfigProblem> checkPathsExist(const RunConfig &config)
{
    std::vector<ConfigProblem> problems;
    for (size_t i = 0; i < config.data.files.size(); ++i) {
        const std::string &file = config.data.files[i];
        if (!file.empty() && expandDataEntry(file).empty())
            problems.push_back({"data.files[" + std::to_string(i) + "]",
                                (isGlobPattern(file) ? "no file matches '" : "no such file '") + file + "'", {}});
    }
    if (!config.model.path.empty()) {
        std::error_code ec;
        if (!fs::is_directory(config.model.path, ec))
            problems.push_back({"model.path", "no such folder '" + config.model.path + "'", {}});
        else if (!fs::exists(fs::path(config.model.path) / "config.json", ec))
            problems.push_back({"model.path", "no config.json in '" + config.model.path + "' (not a Hugging Face model folder)", {}});
    }
    if (!config.model.tokenizer.empty() && config.model.tokenizer != "byte") {
        std::error_code ec;
        const fs::path t(config.model.tokenizer);
        if (!fs::exists(fs::is_directory(t, ec) ? t / "tokenizer.json" : t, ec))
            problems.push_back({"model.tokenizer", "no tokenizer.json at '" + config.model.tokenizer + "'", {}});
    }
    return problems;
}

std::vector<ConfigProblem> validateConfig(const RunConfig &config, PathCheck paths)
{
    std::vector<ConfigProblem> problems;
    for (const auto &spec : configSchema()) {
        if (auto problem = checkFieldValue(spec, spec.get(config)); !problem.empty())
            problems.push_back({spec.path(), problem, {}});
    }
    if (paths == PathCheck::ThisMachine) {
        auto missing = checkPathsExist(config);
        problems.insert(problems.end(), std::make_move_iterator(missing.begin()), std::make_move_iterator(missing.end()));
    }
    if (config.train.warmup_steps >= config.train.max_steps && config.train.warmup_steps > 0)
        problems.push_back({"train.warmup_steps",
                            "must be < train.max_steps (" + std::to_string(config.train.max_steps) + "), got "
                                + std::to_string(config.train.warmup_steps),
                            {}});
    return problems;
}

ConfigReport loadConfigText(const std::string &text, const std::string &source, const std::string &baseDir,
                            const std::vector<std::string> &overrides, PathCheck paths)
{
    ConfigReport report;
    auto root = parseYaml(text, source);
    if (!root) {
        report.problems.push_back({"", root.error().message, root.error().context});
        return report;
    }
    applyDocument(report.config, root.value(), source, baseDir, report.problems);
    for (const auto &assignment : overrides) {
        auto overrideProblems = applyOverride(report.config, assignment, fs::current_path().string());
        report.problems.insert(report.problems.end(), overrideProblems.begin(), overrideProblems.end());
    }
    // Whole-config checks, skipping fields already reported so each problem appears once.
    for (auto &problem : validateConfig(report.config, paths)) {
        if (!hasProblemFor(report.problems, problem.field))
            report.problems.push_back(std::move(problem));
    }
    return report;
}

ConfigReport loadConfigFile(const std::string &path, const std::vector<std::string> &overrides)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ConfigReport report;
        report.problems.push_back({"", "cannot open config file", path});
        return report;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const std::string baseDir = fs::absolute(fs::path(path)).parent_path().string();
    return loadConfigText(text.str(), path, baseDir, overrides);
}

}  // namespace corral
