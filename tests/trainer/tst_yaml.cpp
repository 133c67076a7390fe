#include "config/Yaml.h"

#include <gtest/gtest.h>

using corral::parseYaml;
using corral::YamlNode;

TEST(Yaml, NestedMappingsListsQuotesAndLines)
{
    const std::string text = "# comment\n"
                             "model:\n"
                             "  name: tiny-demo   # trailing comment\n"
                             "data:\n"
                             "  files:\n"
                             "    - a.txt\n"
                             "    - 'b c.txt'\n"
                             "  other: [x, \"y, z\", 3]\n"
                             "text: \"say \\\"hi\\\"\\n\"\n"
                             "empty:\n";
    auto result = parseYaml(text, "t.yaml");
    ASSERT_TRUE(result.ok()) << result.error().toString();
    const YamlNode &root = result.value();
    ASSERT_EQ(root.kind, YamlNode::Kind::Mapping);
    EXPECT_EQ(root.find("model")->find("name")->scalar, "tiny-demo");
    EXPECT_EQ(root.find("model")->find("name")->line, 3);
    const YamlNode *files = root.find("data")->find("files");
    ASSERT_EQ(files->kind, YamlNode::Kind::Sequence);
    ASSERT_EQ(files->sequence.size(), 2u);
    EXPECT_EQ(files->sequence[1].scalar, "b c.txt");
    EXPECT_TRUE(files->sequence[1].quoted);
    const YamlNode *other = root.find("data")->find("other");
    ASSERT_EQ(other->sequence.size(), 3u);
    EXPECT_EQ(other->sequence[1].scalar, "y, z");
    EXPECT_EQ(other->sequence[2].scalar, "3");
    EXPECT_EQ(root.find("text")->scalar, "say \"hi\"\n");
    EXPECT_EQ(root.find("empty")->kind, YamlNode::Kind::Null);
}

TEST(Yaml, ListItemsThatAreMappingsAndSequenceAtKeyIndent)
{
    auto result = parseYaml("items:\n- name: a\n  size: 1\n- name: b\n", "t.yaml");
    ASSERT_TRUE(result.ok()) << result.error().toString();
    const YamlNode *items = result.value().find("items");
    ASSERT_EQ(items->sequence.size(), 2u);
    EXPECT_EQ(items->sequence[0].find("size")->scalar, "1");
    EXPECT_EQ(items->sequence[1].find("name")->scalar, "b");
}

TEST(Yaml, ErrorsNameFileAndLine)
{
    struct Case {
        const char *text;
        const char *where;
        const char *what;
    };
    const Case cases[] = {
        {"a: 1\n\tb: 2\n", "t.yaml:2", "tab"},
        {"a: 1\na: 2\n", "t.yaml:2", "duplicate key 'a'"},
        {"a:\n  b: 1\n c: 2\n", "t.yaml:3", "indentation"},
        {"a: [1, 2\n", "t.yaml:1", "must end with ']'"},
        {"a: 'open\n", "t.yaml:1", "unterminated quote"},
        {"a: |\n  text\n", "t.yaml:1", "block scalars"},
        {"just a line\n", "t.yaml:1", "expected 'key: value'"},
        {"{\"a\": 1,\n \"b\": }\n", "t.yaml:2", "invalid JSON"},
    };
    for (const auto &c : cases) {
        auto result = parseYaml(c.text, "t.yaml");
        ASSERT_FALSE(result.ok()) << c.text;
        EXPECT_EQ(result.error().context, c.where) << c.text;
        EXPECT_NE(result.error().message.find(c.what), std::string::npos) << result.error().message;
    }
}

TEST(Yaml, JsonDocumentsAreAccepted)
{
    auto result = parseYaml(R"({"lora": {"rank": 4, "target_modules": ["q_proj"]}})", "t.json");
    ASSERT_TRUE(result.ok()) << result.error().toString();
    EXPECT_EQ(result.value().find("lora")->find("rank")->scalar, "4");
    EXPECT_EQ(result.value().find("lora")->find("target_modules")->sequence[0].scalar, "q_proj");
}

// Found by fuzzing (tests/fuzz, fuzz_config): the writer escapes control bytes, so the reader
// must read those escapes; a raw NUL is refused, so a NUL could not be written raw.
TEST(Yaml, DoubleQuotedEscapesOfControlBytes)
{
    auto result = parseYaml("a: \"nul \\0 cr \\r esc \\x1b \\x7F end\"\n", "t.yaml");
    ASSERT_TRUE(result.ok()) << result.error().toString();
    EXPECT_EQ(result.value().find("a")->scalar, std::string("nul \0 cr \r esc \x1b \x7f end", 22));
    for (const char *bad : {"a: \"\\x1\"\n", "a: \"\\xZZ\"\n", "a: \"\\x\"\n"}) {
        auto refused = parseYaml(bad, "t.yaml");
        ASSERT_FALSE(refused.ok()) << bad;
        EXPECT_NE(refused.error().message.find("two hex digits"), std::string::npos) << refused.error().message;
    }
}

// Found by fuzzing (tests/fuzz, fuzz_config): a JSON number too large for a double is not a
// parse error but nlohmann's out_of_range, which escaped the reader and ended the program.
TEST(Yaml, JsonNumberOverflowIsAnErrorNotAnException)
{
    auto result = parseYaml("{\"train\": {\"lr\": 1e999}}", "t.json");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().context, "t.json");
    EXPECT_NE(result.error().message.find("number overflow"), std::string::npos) << result.error().message;
}

// Found by fuzzing (tests/fuzz, fuzz_config): the readers recurse once per level of nesting, so
// a config of 200 KB ("- - - - …" on one line, or "[[[[…]]]]" as JSON) overflowed the stack.
// Nesting is limited to 64 levels; a config needs 3 or 4.
TEST(Yaml, DeepNestingIsRefusedNotAStackOverflow)
{
    std::string deepYaml = "a:\n  ";
    for (int i = 0; i < 100000; ++i)
        deepYaml += "- ";
    deepYaml += "x\n";
    auto result = parseYaml(deepYaml, "t.yaml");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().context, "t.yaml:2");
    EXPECT_NE(result.error().message.find("nested deeper than 64 levels"), std::string::npos) << result.error().message;

    const std::string deepJson = "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
    result = parseYaml(deepJson, "t.json");
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message.find("nested deeper than 64 levels"), std::string::npos) << result.error().message;

    std::string fine = "a:\n";
    for (int i = 1; i < 60; ++i)
        fine += std::string(size_t(2 * i), ' ') + "k:\n";
    fine += std::string(120, ' ') + "k: 1\n";
    EXPECT_TRUE(parseYaml(fine, "t.yaml").ok());
    EXPECT_TRUE(parseYaml("{\"a\": " + std::string(60, '[') + std::string(60, ']') + "}", "t.json").ok());
}
