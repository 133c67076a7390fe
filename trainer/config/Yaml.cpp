#include "config/Yaml.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace corral {
namespace {

// How deeply mappings and sequences may nest. A config nests 3 levels; the limit bounds the
// recursion of the readers and of everyone who walks the tree, whatever the text.
constexpr int kMaxDepth = 64;

struct Line {
    int number = 0;  // 1-based
    int indent = 0;
    std::string text;  // without indentation, comment and trailing blanks
};

Error parseError(const std::string &source, int line, std::string message)
{
    return makeError(ErrorCode::Parse, std::move(message),
                     line > 0 ? source + ":" + std::to_string(line) : source);
}

// Returns the first index where `stop(i)` holds outside quoted text, or npos. With
// `quotesOnlyAtStart`, only a quote at index 0 opens a quoted span (as for a mapping key).
template <class Stop>
size_t scanUnquoted(const std::string &s, bool quotesOnlyAtStart, Stop stop)
{
    char quote = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quote) {
            if (c == '\\' && quote == '"' && i + 1 < s.size())
                ++i;
            else if (c == quote)
                quote = 0;
        } else if ((c == '"' || c == '\'') && (!quotesOnlyAtStart || i == 0)) {
            quote = c;
        } else if (stop(i)) {
            return i;
        }
    }
    return std::string::npos;
}

// Cuts a comment: '#' at the start or after a blank, outside quotes.
std::string stripComment(const std::string &s)
{
    const size_t hash = scanUnquoted(s, false, [&](size_t i) {
        return s[i] == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t');
    });
    return hash == std::string::npos ? s : s.substr(0, hash);
}

std::string trim(std::string_view s)
{
    size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r'))
        ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r'))
        --e;
    return std::string(s.substr(b, e - b));
}

// Finds the ':' that ends a mapping key (followed by a blank or the end), outside quotes;
// npos when the line holds no key, or when a flow collection starts first (it is a value).
size_t findKeyColon(const std::string &s)
{
    const size_t at = scanUnquoted(s, true, [&](size_t i) {
        return (s[i] == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) || s[i] == '[' || s[i] == '{';
    });
    return at != std::string::npos && s[at] == ':' ? at : std::string::npos;
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool isSequenceItem(const std::string &text)
{
    return text == "-" || (text.size() >= 2 && text[0] == '-' && text[1] == ' ');
}

class BlockParser {
public:
    BlockParser(std::vector<Line> lines, const std::string &source)
        : m_lines(std::move(lines)), m_source(source)
    {
    }

    Result<YamlNode> parseDocument()
    {
        if (m_lines.empty())
            return YamlNode{};
        auto node = parseBlock(m_lines[0].indent);
        if (!node)
            return node;
        if (m_pos < m_lines.size())
            return parseError(m_source, m_lines[m_pos].number,
                              "unexpected indentation (check that keys of one mapping line up)");
        return node;
    }

private:
    Result<YamlNode> parseBlock(int indent)
    {
        // Each level of nesting is a level of recursion here (and in whoever walks the tree).
        if (m_depth >= kMaxDepth)
            return parseError(m_source, m_lines[m_pos].number,
                              "nested deeper than " + std::to_string(kMaxDepth) + " levels");
        ++m_depth;
        auto node = isSequenceItem(m_lines[m_pos].text) ? parseSequence(indent) : parseMapping(indent);
        --m_depth;
        return node;
    }

    Result<YamlNode> parseMapping(int indent)
    {
        YamlNode node;
        node.kind = YamlNode::Kind::Mapping;
        node.line = m_lines[m_pos].number;
        while (m_pos < m_lines.size() && m_lines[m_pos].indent == indent) {
            const Line &line = m_lines[m_pos];
            if (isSequenceItem(line.text))
                return parseError(m_source, line.number, "a list item where a 'key: value' was expected");
            const size_t colon = findKeyColon(line.text);
            if (colon == std::string::npos)
                return parseError(m_source, line.number, "expected 'key: value', got '" + line.text + "'");
            auto key = parseScalar(trim(std::string_view(line.text).substr(0, colon)), line.number);
            if (!key)
                return key.error();
            const std::string &name = key.value().scalar;
            if (name.empty())
                return parseError(m_source, line.number, "empty key");
            if (node.find(name))
                return parseError(m_source, line.number, "duplicate key '" + name + "'");
            const std::string rest = trim(std::string_view(line.text).substr(colon + 1));
            ++m_pos;
            YamlNode value;
            value.line = line.number;
            if (!rest.empty()) {
                auto inlineValue = parseInline(rest, line.number);
                if (!inlineValue)
                    return inlineValue;
                value = std::move(inlineValue).value();
            } else if (m_pos < m_lines.size() && m_lines[m_pos].indent > indent) {
                auto child = parseBlock(m_lines[m_pos].indent);
                if (!child)
                    return child;
                value = std::move(child).value();
            } else if (m_pos < m_lines.size() && m_lines[m_pos].indent == indent
                       && isSequenceItem(m_lines[m_pos].text)) {
                auto child = parseSequence(indent);  // YAML allows "key:\n- a" at the key's indent
                if (!child)
                    return child;
                value = std::move(child).value();
            }
            value.line = line.number;  // a value's line is its key's line, where a person looks
            node.mapping.emplace_back(name, std::move(value));
        }
        return node;
    }

    Result<YamlNode> parseSequence(int indent)
    {
        YamlNode node;
        node.kind = YamlNode::Kind::Sequence;
        node.line = m_lines[m_pos].number;
        while (m_pos < m_lines.size() && m_lines[m_pos].indent == indent && isSequenceItem(m_lines[m_pos].text)) {
            Line &line = m_lines[m_pos];
            const std::string rest = trim(std::string_view(line.text).substr(1));
            if (rest.empty()) {
                ++m_pos;
                if (m_pos < m_lines.size() && m_lines[m_pos].indent > indent) {
                    auto child = parseBlock(m_lines[m_pos].indent);
                    if (!child)
                        return child;
                    node.sequence.push_back(std::move(child).value());
                } else {
                    YamlNode empty;
                    empty.line = line.number;
                    node.sequence.push_back(empty);
                }
                continue;
            }
            // "- key: value" or "- - x": the item is a block starting at the item's text column.
            const int itemIndent = indent + static_cast<int>(line.text.size() - rest.size());
            if (isSequenceItem(rest) || findKeyColon(rest) != std::string::npos) {
                line.indent = itemIndent;
                line.text = rest;
                auto child = parseBlock(itemIndent);
                if (!child)
                    return child;
                node.sequence.push_back(std::move(child).value());
                continue;
            }
            auto item = parseInline(rest, line.number);
            if (!item)
                return item;
            node.sequence.push_back(std::move(item).value());
            ++m_pos;
        }
        return node;
    }

public:
    Result<YamlNode> parseInline(const std::string &text, int lineNumber)
    {
        if (text.empty())
            return YamlNode{YamlNode::Kind::Null, {}, false, lineNumber, {}, {}};
        const char c = text[0];
        if (c == '[')
            return parseFlowSequence(text, lineNumber);
        if (c == '{')
            return parseError(m_source, lineNumber, "flow mappings '{...}' are not supported; use indented 'key: value' lines");
        if (c == '|' || c == '>')
            return parseError(m_source, lineNumber, "block scalars ('|' and '>') are not supported; write the value on one line");
        if (c == '&' || c == '*' || c == '!')
            return parseError(m_source, lineNumber, "anchors, aliases and tags are not supported");
        return parseScalar(text, lineNumber);
    }

private:
    Result<YamlNode> parseFlowSequence(const std::string &text, int lineNumber)
    {
        if (text.back() != ']')
            return parseError(m_source, lineNumber, "a flow list must end with ']' on the same line");
        YamlNode node;
        node.kind = YamlNode::Kind::Sequence;
        node.line = lineNumber;
        const std::string body = text.substr(1, text.size() - 2);
        std::string item;
        char quote = 0;
        bool sawItem = false;
        auto flush = [&]() -> Status {
            const std::string t = trim(item);
            item.clear();
            if (t.empty())
                return parseError(m_source, lineNumber, "empty item in flow list '" + text + "'");
            if (t[0] == '[' || t[0] == '{')
                return parseError(m_source, lineNumber, "nested flow collections are not supported");
            auto scalar = parseScalar(t, lineNumber);
            if (!scalar)
                return scalar.error();
            node.sequence.push_back(std::move(scalar).value());
            return okStatus();
        };
        for (size_t i = 0; i < body.size(); ++i) {
            const char ch = body[i];
            if (quote) {
                item += ch;
                if (ch == '\\' && quote == '"' && i + 1 < body.size())
                    item += body[++i];
                else if (ch == quote)
                    quote = 0;
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
                item += ch;
            } else if (ch == ',') {
                if (auto st = flush(); !st)
                    return st.error();
                sawItem = true;
            } else {
                item += ch;
            }
        }
        if (quote)
            return parseError(m_source, lineNumber, "unterminated quote in '" + text + "'");
        if (sawItem || !trim(item).empty()) {
            if (auto st = flush(); !st)
                return st.error();
        }
        return node;
    }

    Result<YamlNode> parseScalar(const std::string &text, int lineNumber)
    {
        YamlNode node;
        node.kind = YamlNode::Kind::Scalar;
        node.line = lineNumber;
        if (text.empty())
            return node;
        const char q = text[0];
        if (q == '"' || q == '\'') {
            if (text.size() < 2 || text.back() != q)
                return parseError(m_source, lineNumber, "unterminated quote in '" + text + "'");
            node.quoted = true;
            for (size_t i = 1; i + 1 < text.size(); ++i) {
                const char c = text[i];
                if (q == '\'' && c == '\'') {
                    if (i + 2 < text.size() && text[i + 1] == '\'') {
                        node.scalar += '\'';
                        ++i;
                        continue;
                    }
                    return parseError(m_source, lineNumber, "stray quote inside '" + text + "'");
                }
                if (q == '"' && c == '"')
                    return parseError(m_source, lineNumber, "stray quote inside '" + text + "'");
                if (q == '"' && c == '\\') {
                    if (i + 2 >= text.size())
                        return parseError(m_source, lineNumber, "dangling backslash in '" + text + "'");
                    const char e = text[++i];
                    switch (e) {
                    case 'n': node.scalar += '\n'; break;
                    case 't': node.scalar += '\t'; break;
                    case 'r': node.scalar += '\r'; break;
                    case '0': node.scalar += '\0'; break;
                    case '"': node.scalar += '"'; break;
                    case '\\': node.scalar += '\\'; break;
                    case '/': node.scalar += '/'; break;
                    case 'x': {  // "\x1b": one byte in two hex digits, as the writer escapes control bytes
                        const int high = i + 2 < text.size() - 1 ? hexDigit(text[i + 1]) : -1;
                        const int low = high >= 0 ? hexDigit(text[i + 2]) : -1;
                        if (low < 0)
                            return parseError(m_source, lineNumber, "'\\x' needs two hex digits in '" + text + "'");
                        node.scalar += static_cast<char>(high * 16 + low);
                        i += 2;
                        break;
                    }
                    default:
                        return parseError(m_source, lineNumber, std::string("unknown escape '\\") + e + "'");
                    }
                    continue;
                }
                node.scalar += c;
            }
            return node;
        }
        if (text == "~" || text == "null" || text == "Null" || text == "NULL") {
            node.kind = YamlNode::Kind::Null;
            return node;
        }
        node.scalar = text;
        return node;
    }

    std::vector<Line> m_lines;
    const std::string &m_source;
    size_t m_pos = 0;
    int m_depth = 0;
};

// Nesting deeper than kMaxDepth is refused (false), as in block YAML.
bool fromJson(const nlohmann::json &j, int depth, YamlNode &node)
{
    if (depth > kMaxDepth)
        return false;
    if (j.is_object()) {
        node.kind = YamlNode::Kind::Mapping;
        for (const auto &[key, value] : j.items()) {
            node.mapping.emplace_back(key, YamlNode{});
            if (!fromJson(value, depth + 1, node.mapping.back().second))
                return false;
        }
    } else if (j.is_array()) {
        node.kind = YamlNode::Kind::Sequence;
        for (const auto &value : j) {
            node.sequence.emplace_back();
            if (!fromJson(value, depth + 1, node.sequence.back()))
                return false;
        }
    } else if (j.is_string()) {
        node.kind = YamlNode::Kind::Scalar;
        node.quoted = true;
        node.scalar = j.get<std::string>();
    } else if (!j.is_null()) {
        node.kind = YamlNode::Kind::Scalar;
        node.scalar = j.dump();
    }
    return true;
}

Result<YamlNode> parseJson(std::string_view text, const std::string &source)
{
    try {
        YamlNode root;
        if (!fromJson(nlohmann::json::parse(text), 1, root))
            return parseError(source, 0, "invalid JSON: nested deeper than " + std::to_string(kMaxDepth) + " levels");
        return root;
    } catch (const nlohmann::json::parse_error &e) {
        const size_t at = std::min<size_t>(e.byte, text.size());
        const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
        return parseError(source, line, std::string("invalid JSON: ") + e.what());
    } catch (const nlohmann::json::exception &e) {
        // Not only parse errors: a number too large for a double ("1e999") is out_of_range,
        // which says no position.
        return parseError(source, 0, std::string("invalid JSON: ") + e.what());
    }
}

}  // namespace

const YamlNode *YamlNode::find(std::string_view key) const
{
    for (const auto &[name, value] : mapping) {
        if (name == key)
            return &value;
    }
    return nullptr;
}

Result<YamlNode> parseYaml(std::string_view text, const std::string &source)
{
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{')
        return parseJson(text, source);

    std::vector<Line> lines;
    int number = 0;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string raw(text.substr(start, end - start));
        start = end + 1;
        ++number;
        if (raw.find('\0') != std::string::npos)
            return parseError(source, number, "NUL byte in text");
        std::string content = stripComment(raw);
        size_t indent = 0;
        while (indent < content.size() && content[indent] == ' ')
            ++indent;
        const std::string body = trim(std::string_view(content).substr(indent));
        if (body.empty())
            continue;
        if (indent < content.size() && content[indent] == '\t')
            return parseError(source, number, "tab in indentation; YAML indents with spaces");
        if (number == 1 && body == "---")
            continue;
        if (body == "---" || body == "...")
            return parseError(source, number, "only one YAML document per file is supported");
        lines.push_back({number, static_cast<int>(indent), body});
        if (end == text.size())
            break;
    }
    BlockParser parser(std::move(lines), source);
    return parser.parseDocument();
}

Result<YamlNode> parseYamlValue(std::string_view text, const std::string &source)
{
    BlockParser parser({}, source);
    return parser.parseInline(trim(text), 0);
}

}  // namespace corral
