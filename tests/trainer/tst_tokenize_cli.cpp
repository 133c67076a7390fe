// `corral-train tokenize` as a user (or a program holding it as a coprocess) meets it.
#include "../common/TestProcess.h"
#include "../common/TokenizerFixture.h"

#include "text/BpeTokenizer.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <poll.h>

using namespace corral;
namespace fs = std::filesystem;

namespace {
const std::string kTrainer = std::string(CORRAL_BIN_DIR) + "/corral-train";

using Output = corral::test::CommandOutput;

// Runs corral-train with `args`, `input` on stdin.
Output run(const std::string &args, const std::string &input, const fs::path &scratch)
{
    std::ofstream(scratch / "stdin.txt", std::ios::binary) << input;
    return corral::test::runCommand(kTrainer + " " + args + " < " + (scratch / "stdin.txt").string());
}

std::string idsJson(const std::vector<int64_t> &ids)
{
    return nlohmann::json(ids).dump();
}

struct TokenizeCli : ::testing::Test {
    test::ScratchDir dir{"corral-tokenize-cli"};
    test::TokenizerFixture spec;
    std::string tokenizerPath = spec.write(dir.root / "model");
    std::unique_ptr<BpeTokenizer> tokenizer = std::move(BpeTokenizer::load(tokenizerPath)).value();
};
}  // namespace

TEST_F(TokenizeCli, OneLineInOneJsonArrayOut)
{
    const Output out = run("tokenize --tokenizer " + tokenizerPath, "hello world\n<|eot_id|>\n\nabc  xyz\n", dir.root);
    EXPECT_EQ(out.exitCode, 0) << out.text;
    // No BOS/EOS, and the newline that ends a line is not part of its text.
    EXPECT_EQ(out.text, idsJson(tokenizer->encode("hello world")) + "\n[1004]\n[]\n" + idsJson(tokenizer->encode("abc  xyz"))
                            + "\n");
    // The model folder works as well as the file.
    EXPECT_EQ(run("tokenize --tokenizer " + (dir.root / "model").string(), "abc", dir.root).text,
              idsJson({'a', spec.id("bc")}) + "\n");
}

TEST_F(TokenizeCli, JsonLinesCarryLineBreaks)
{
    const Output out = run("tokenize --tokenizer " + tokenizerPath + " --json", "\"a\\n\\nb\"\n\"\\u00e9\"\n", dir.root);
    EXPECT_EQ(out.exitCode, 0) << out.text;
    EXPECT_EQ(out.text, idsJson({'a', spec.id("\n\n"), 'b'}) + "\n" + idsJson({0xC3, 0xA9}) + "\n");
    const Output bad = run("tokenize --tokenizer " + tokenizerPath + " --json", "\"ok\"\nnot json\n", dir.root);
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_EQ(bad.text, idsJson(tokenizer->encode("ok")) + "\ncorral-train tokenize: stdin:2: not a JSON string (--json)\n");
}

TEST_F(TokenizeCli, AnswersEachLineBeforeTheNextArrives)
{
    // As a coprocess: write one line, read its answer, only then write the next.
    int toChild[2], fromChild[2];
    ASSERT_EQ(::pipe(toChild), 0);
    ASSERT_EQ(::pipe(fromChild), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, toChild[0], 0);
    posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1);
    posix_spawn_file_actions_addclose(&actions, toChild[1]);
    posix_spawn_file_actions_addclose(&actions, fromChild[0]);
    std::vector<std::string> args = {kTrainer, "tokenize", "--tokenizer", tokenizerPath};
    std::vector<char *> argv;
    for (auto &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    ASSERT_EQ(posix_spawn(&pid, kTrainer.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(toChild[0]);
    ::close(fromChild[1]);
    auto ask = [&](const std::string &line) {
        const std::string withNewline = line + "\n";
        EXPECT_EQ(::write(toChild[1], withNewline.data(), withNewline.size()), static_cast<ssize_t>(withNewline.size()));
        std::string answer;
        char c = 0;
        while (answer.empty() || answer.back() != '\n') {
            pollfd p{fromChild[0], POLLIN, 0};
            if (::poll(&p, 1, 20000) != 1 || ::read(fromChild[0], &c, 1) != 1)
                return answer + "<no answer within 20 s>";
            answer += c;
        }
        return answer;
    };
    EXPECT_EQ(ask("hello"), idsJson({spec.id("hello")}) + "\n");
    EXPECT_EQ(ask("a<|eot_id|>"), idsJson({'a', 1004}) + "\n");
    ::close(toChild[1]);
    EXPECT_EQ(test::waitExit(pid), 0);
    ::close(fromChild[0]);
}

TEST_F(TokenizeCli, CountTotalsDataFilesAsTrainingReadsThem)
{
    // Plain text: documents split at blank lines. Chat: the Llama 3 layout, responses trained.
    std::ofstream(dir.root / "notes.txt") << "hello world\n\nabc\n";
    std::ofstream(dir.root / "chat.jsonl") << R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"abc"}]})"
                                           << "\n{broken\n";
    const Output out = run("tokenize --tokenizer " + tokenizerPath + " --count " + (dir.root / "notes.txt").string(), "",
                           dir.root);
    EXPECT_EQ(out.exitCode, 0) << out.text;
    // Each document brings its BOS and EOS: [BOS hello " world" EOS] [BOS a bc EOS]; all but the BOS are trained.
    EXPECT_EQ(out.text, (dir.root / "notes.txt").string() + ": 2 documents, 8 tokens (6 trained)\n"
                                                            "total: 2 documents, 8 tokens (6 trained)\n");

    const Output chat = run("tokenize --tokenizer " + tokenizerPath + " --count --format chat " + (dir.root / "*.jsonl").string(),
                            "", dir.root);
    EXPECT_EQ(chat.exitCode, 2) << chat.text;  // 1 of 2 records bad: over data.max_bad_fraction
    EXPECT_NE(chat.text.find("chat.jsonl:2: invalid JSON"), std::string::npos) << chat.text;

    std::ofstream(dir.root / "chat.jsonl") << R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"abc"}]})"
                                           << "\n";
    const Output good = run("tokenize --tokenizer " + tokenizerPath + " --count --format chat " + (dir.root / "chat.jsonl").string()
                                + " " + (dir.root / "notes.txt").string(),
                            "", dir.root);
    EXPECT_EQ(good.exitCode, 2) << good.text;  // the chat format needs JSONL files
    EXPECT_NE(good.text.find("the chat format needs JSONL files"), std::string::npos) << good.text;

    const Output counted = run("tokenize --tokenizer " + tokenizerPath + " --count --format chat " + (dir.root / "chat.jsonl").string(),
                               "", dir.root);
    EXPECT_EQ(counted.exitCode, 0) << counted.text;
    const std::vector<int64_t> user = tokenizer->encode("<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>");
    const std::vector<int64_t> assistant = tokenizer->encode("<|start_header_id|>assistant<|end_header_id|>\n\n");
    const std::vector<int64_t> response = tokenizer->encode("abc<|eot_id|>");
    const auto total = static_cast<int64_t>(2 + user.size() + assistant.size() + response.size());
    const auto trained = static_cast<int64_t>(response.size() + 1);
    EXPECT_NE(counted.text.find("chat.jsonl: 1 document, " + std::to_string(total) + " tokens (" + std::to_string(trained)
                                + " trained)\n"),
              std::string::npos)
        << counted.text;
}

TEST_F(TokenizeCli, MistakesAreUsageErrors)
{
    EXPECT_EQ(run("tokenize", "", dir.root).exitCode, 2);
    EXPECT_EQ(run("tokenize --tokenizer " + tokenizerPath + " --count", "", dir.root).exitCode, 2);
    EXPECT_EQ(run("tokenize --tokenizer " + tokenizerPath + " stray.txt", "", dir.root).exitCode, 2);
    const Output missing = run("tokenize --tokenizer /nonexistent/tokenizer.json", "", dir.root);
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_EQ(missing.text, "corral-train tokenize: /nonexistent/tokenizer.json: no such tokenizer file or folder\n");
    const Output nothing = run("tokenize --tokenizer " + tokenizerPath + " --count " + (dir.root / "none*.txt").string(), "",
                               dir.root);
    EXPECT_EQ(nothing.exitCode, 2);
    EXPECT_NE(nothing.text.find("no data file matches"), std::string::npos) << nothing.text;
}
