// Editing one field of a config's YAML text keeps everything else as written.
#include "config/ConfigDiff.h"
#include "config/ConfigLoader.h"
#include "config/ConfigTextEdit.h"

#include <gtest/gtest.h>

using namespace corral;

namespace {
std::string set(const std::string &text, const std::string &section, const std::string &key, const std::string &value)
{
    auto edited = setFieldInText(text, section, key, value);
    EXPECT_TRUE(edited) << edited.error().toString();
    return edited ? edited.value() : std::string();
}

const std::string kDoc = "# a run\n"
                         "model:\n"
                         "  name: tiny-demo  # the demo\n"
                         "\n"
                         "lora:\n"
                         "  rank: 16\n"
                         "  target_modules:\n"
                         "    - q_proj\n"
                         "    # the values too\n"
                         "    - v_proj\n"
                         "\n"
                         "# training\n"
                         "train:\n"
                         "  lr: 3.0e-3\n"
                         "  max_steps: 60\n";
}  // namespace

TEST(ConfigTextEdit, ReplacesAValueKeepingItsComment)
{
    EXPECT_EQ(set(kDoc, "model", "name", "\"llama-3.2-1b\""),
              "# a run\nmodel:\n  name: \"llama-3.2-1b\"  # the demo\n\nlora:\n  rank: 16\n  target_modules:\n    - q_proj\n"
              "    # the values too\n    - v_proj\n\n# training\ntrain:\n  lr: 3.0e-3\n  max_steps: 60\n");
    EXPECT_EQ(set(kDoc, "train", "max_steps", "100").substr(kDoc.size() - 14), "max_steps: 100\n");
}

TEST(ConfigTextEdit, ABlockListBecomesOneLine)
{
    const std::string out = set(kDoc, "lora", "target_modules", "[\"q_proj\", \"k_proj\"]");
    EXPECT_NE(out.find("  rank: 16\n  target_modules: [\"q_proj\", \"k_proj\"]\n\n# training\ntrain:"), std::string::npos) << out;
    const ConfigReport report = loadConfigText(out, "run.yaml", "");
    EXPECT_EQ(report.config.lora.target_modules, (std::vector<std::string>{"q_proj", "k_proj"}));
}

TEST(ConfigTextEdit, AddsMissingKeysAndSectionsInSchemaOrder)
{
    // lora.alpha comes after rank and before target_modules in the schema.
    std::string out = set(kDoc, "lora", "alpha", "32.0");
    EXPECT_NE(out.find("  rank: 16\n  alpha: 32.0\n  target_modules:"), std::string::npos) << out;
    // model.seed: after name, the last key of model, before the blank line.
    out = set(out, "model", "seed", "7");
    EXPECT_NE(out.find("  name: tiny-demo  # the demo\n  seed: 7\n\nlora:"), std::string::npos) << out;
    // data goes between lora and train, above train's comment.
    out = set(out, "data", "max_seq_len", "256");
    EXPECT_NE(out.find("    - v_proj\n\ndata:\n  max_seq_len: 256\n\n# training\ntrain:"), std::string::npos) << out;
    // output goes at the end.
    out = set(out, "output", "run_name", "\"x\"");
    EXPECT_NE(out.find("  max_steps: 60\n\noutput:\n  run_name: \"x\"\n"), std::string::npos) << out;
    const ConfigReport report = loadConfigText(out, "run.yaml", "");
    EXPECT_EQ(report.config.lora.alpha, 32.0);
    EXPECT_EQ(report.config.model.seed, 7);
    EXPECT_EQ(report.config.data.max_seq_len, 256);
    EXPECT_EQ(report.config.output.run_name, "x");
}

TEST(ConfigTextEdit, EmptyDocumentsAndEmptySections)
{
    EXPECT_EQ(set("", "lora", "rank", "4"), "lora:\n  rank: 4\n");
    EXPECT_EQ(set("# nothing yet\n", "lora", "rank", "4"), "# nothing yet\nlora:\n  rank: 4\n");
    EXPECT_EQ(set("lora: ~  # later\ntrain:\n  lr: 0.1\n", "lora", "rank", "4"), "lora:  # later\n  rank: 4\ntrain:\n  lr: 0.1\n");
}

// Found by fuzzing (tests/fuzz, fuzz_config_edit): a new section went to column 0 even when the
// document's sections are indented, and the edited text no longer parsed.
TEST(ConfigTextEdit, ANewSectionLinesUpWithAnIndentedDocument)
{
    const std::string edited = set("  train:\n    lr: 0.1\n", "model", "name", "\"tiny-demo\"");
    EXPECT_EQ(edited, "  model:\n    name: \"tiny-demo\"\n\n  train:\n    lr: 0.1\n");
    const ConfigReport report = loadConfigText(edited, "run.yaml", {});
    EXPECT_EQ(report.config.model.name, "tiny-demo");
    EXPECT_DOUBLE_EQ(report.config.train.lr, 0.1);
    EXPECT_EQ(set("  train:\n    lr: 0.1\n", "output", "run_name", "\"x\""), "  train:\n    lr: 0.1\n\n  output:\n    run_name: \"x\"\n");
}

// Found by fuzzing (tests/fuzz, fuzz_config_edit): "model:\t" is an empty section to the reader
// (trailing blanks are trimmed), but the editor looked for the key's colon only before a space,
// did not find it, and wrote "model:\t:", which no longer parsed.
TEST(ConfigTextEdit, ASectionLineEndingInATab)
{
    EXPECT_EQ(set("model:\t\n", "model", "name", "\"tiny-demo\""), "model:\n  name: \"tiny-demo\"\n");
    EXPECT_EQ(set("model:\t# later\n", "model", "name", "\"tiny-demo\""), "model:\t# later\n  name: \"tiny-demo\"\n");
}

// Found by fuzzing (tests/fuzz, fuzz_config_edit): the reader skips a carriage return inside
// a line's indentation ("    \r - b.txt" is a list item), the editor took such a line for a
// blank one and inserted the new key above it, which cut the list in two.
TEST(ConfigTextEdit, ALineIndentedWithACarriageReturnIsContent)
{
    EXPECT_EQ(set("data:\n  files:\n    - a.txt\n    \r - b.txt\n", "data", "format", "\"text\""),
              "data:\n  files:\n    - a.txt\n    \r - b.txt\n  format: \"text\"\n");
}

TEST(ConfigTextEdit, RefusesWhatItCannotEditInPlace)
{
    auto broken = setFieldInText("lora:\n  rank: [1\n", "lora", "rank", "4");
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().context, "config:2");
    EXPECT_FALSE(setFieldInText("{\"lora\": {\"rank\": 4}}", "lora", "rank", "8"));
    EXPECT_FALSE(setFieldInText("lora: 5\n", "lora", "rank", "8"));
}

TEST(ConfigDiff, ListsExactlyTheChangedFields)
{
    RunConfig a;
    RunConfig b;
    EXPECT_TRUE(diffConfigs(a, b).empty());
    b.lora.rank = 32;
    b.train.lr = 1e-4;
    b.lora.target_modules = {"v_proj", "q_proj", "k_proj", "o_proj"};  // same set, other order
    const auto d = diffConfigs(a, b);
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].field, "lora.rank");
    EXPECT_EQ(d[0].ours, "8");
    EXPECT_EQ(d[0].theirs, "32");
    EXPECT_EQ(d[1].field, "train.lr");
    EXPECT_EQ(d[1].ours, "2e-05");
    EXPECT_EQ(d[1].theirs, "0.0001");
}
