// BpeTokenizer on a small hand-made tokenizer.json (tests/common/TokenizerFixture.h): merges by
// rank, ignore_merges, every byte, added tokens, the chat format, and the errors a bad file
// gets. Token for token agreement with Llama 3's real vocabulary is tests/tokenizer's job.
#include "../common/TestProcess.h"
#include "../common/TokenizerFixture.h"

#include "data/Records.h"
#include "text/BpeTokenizer.h"
#include "text/ByteLevel.h"
#include "text/LoadTokenizer.h"

#include <gtest/gtest.h>

#include <random>

using namespace corral;
using corral::test::TokenizerFixture;
namespace fs = std::filesystem;

namespace {

struct BpeTokenizerTest : ::testing::Test {
    test::ScratchDir dir{"corral-tokenizer"};
    TokenizerFixture spec;

    std::unique_ptr<BpeTokenizer> load(const TokenizerFixture &s, const std::string &name = "tok")
    {
        auto t = BpeTokenizer::load(s.write(dir.root / name));
        EXPECT_TRUE(t.ok()) << t.error().toString();
        return t.ok() ? std::move(t).value() : nullptr;
    }
    // The ids of tokens named by their bytes.
    std::vector<int64_t> ids(const TokenizerFixture &s, const std::vector<std::string> &tokens) const
    {
        std::vector<int64_t> out;
        for (const auto &t : tokens)
            out.push_back(s.id(t));
        return out;
    }
    std::string loadError(const nlohmann::json &doc, const std::string &name = "bad")
    {
        const std::string path = spec.write(dir.root / name, doc);
        auto t = BpeTokenizer::load(path);
        EXPECT_FALSE(t.ok());
        if (t.ok())
            return {};
        EXPECT_NE(t.error().toString().find(path), std::string::npos) << "the error must name the file";
        return t.error().toString();
    }
};

#define EXPECT_CONTAINS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

}  // namespace

TEST(ByteLevel, MapsBytesAsGpt2Does)
{
    // The fixed points of GPT-2's table that every byte-level vocabulary relies on.
    EXPECT_EQ(bytelevel::charOfByte('A'), U'A');
    EXPECT_EQ(bytelevel::charOfByte(' '), U'\u0120');  // 'Ġ'
    EXPECT_EQ(bytelevel::charOfByte('\n'), U'\u010A');  // 'Ċ'
    EXPECT_EQ(bytelevel::charOfByte(0x00), U'\u0100');
    EXPECT_EQ(bytelevel::charOfByte(0x7F), U'\u0121');
    EXPECT_EQ(bytelevel::charOfByte(0xAD), U'\u0143');  // the soft hyphen is not printable: 'Ń'
    EXPECT_EQ(bytelevel::charOfByte(0xE9), U'\u00E9');
    for (int b = 0; b < 256; ++b)
        EXPECT_EQ(bytelevel::byteOfChar(bytelevel::charOfByte(static_cast<uint8_t>(b))), b);
    EXPECT_EQ(bytelevel::byteOfChar(U' '), -1);  // a space is never written as itself
    std::string bytes;
    EXPECT_TRUE(bytelevel::toBytes("\xC4\xA0hello\xC4\x8A", bytes));  // "Ġhelloˇ"
    EXPECT_EQ(bytes, " hello\n");
    EXPECT_FALSE(bytelevel::toBytes("a b", bytes));
}

TEST_F(BpeTokenizerTest, MergesApplyLowestRankFirst)
{
    auto t = load(spec);
    ASSERT_TRUE(t);
    // (b, c) ranks before (a, b): "abc" is a + bc, never ab + c.
    EXPECT_EQ(t->encode("abc"), ids(spec, {"a", "bc"}));
    TokenizerFixture swapped = spec;
    std::swap(swapped.merges[0], swapped.merges[1]);
    auto s = load(swapped, "swapped");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->encode("abc"), ids(swapped, {"ab", "c"}));
    // Equal ranks merge left to right.
    EXPECT_EQ(t->encode("aaa"), ids(spec, {"aa", "a"}));
    EXPECT_EQ(t->encode("aaaa"), ids(spec, {"aa", "aa"}));
    // Chains: h+e, l+l, he+ll, hell+o.
    TokenizerFixture noIgnore = spec;
    noIgnore.ignoreMerges = false;
    auto n = load(noIgnore, "noignore");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->encode("hello world"), ids(spec, {"hello", " world"}));
    EXPECT_EQ(n->encode("hellos"), ids(spec, {"hello", "s"}));
}

TEST_F(BpeTokenizerTest, MergesMayBeWrittenAsPairs)
{
    TokenizerFixture arrays = spec;
    arrays.mergesAsArrays = true;
    auto a = load(arrays, "arrays");
    auto s = load(spec, "strings");
    ASSERT_TRUE(a && s);
    for (const char *text : {"abc", "aaaa", "hello world", "  x  \n\n"})
        EXPECT_EQ(a->encode(text), s->encode(text)) << text;
    EXPECT_EQ(a->fingerprint(), s->fingerprint());  // the same tokenisation, whatever the spelling
}

TEST_F(BpeTokenizerTest, IgnoreMergesTakesWholePreTokensFromTheVocabulary)
{
    auto t = load(spec);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->encode("xyz"), ids(spec, {"xyz"}));  // no merge leads there; the vocabulary has it
    EXPECT_EQ(t->encode("xyzw"), ids(spec, {"x", "y", "z", "w"}));
    TokenizerFixture merging = spec;
    merging.ignoreMerges = false;
    auto m = load(merging, "merging");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->encode("xyz"), ids(spec, {"x", "y", "z"}));
    EXPECT_NE(t->fingerprint(), m->fingerprint());
}

TEST_F(BpeTokenizerTest, EveryByteRoundTrips)
{
    auto t = load(spec);
    ASSERT_TRUE(t);
    std::string all;
    for (int b = 0; b < 256; ++b) {
        const std::string one(1, static_cast<char>(b));
        EXPECT_EQ(t->encode(one), std::vector<int64_t>{b}) << "byte " << b;
        EXPECT_EQ(t->decode({b}), one);
        all += one;
    }
    // Malformed UTF-8 included: the bytes come back as they went in.
    EXPECT_EQ(t->decode(t->encode(all)), all);
    std::mt19937 gen(7);
    for (int round = 0; round < 200; ++round) {
        std::string text(gen() % 64, '\0');
        for (char &c : text)
            c = static_cast<char>(gen() % 256);
        EXPECT_EQ(t->decode(t->encode(text)), text);
    }
    const std::string spaces(10000, ' ');  // one pre-token, merged pair by pair
    EXPECT_EQ(t->encode(spaces).size(), 2500u);
    EXPECT_EQ(t->decode(t->encode(spaces)), spaces);
}

TEST_F(BpeTokenizerTest, AddedTokensInTheTextBecomeTheirIds)
{
    auto t = load(spec);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->encode("a<|eot_id|>b"), (std::vector<int64_t>{'a', 1004, 'b'}));
    EXPECT_EQ(t->encode("<|eot_id|><|eot_id|>"), (std::vector<int64_t>{1004, 1004}));
    // Near misses are text.
    for (const char *text : {"<|eot_id|", "<|EOT_ID|>", "<eot_id>", "<||>"}) {
        const auto got = t->encode(text);
        EXPECT_TRUE(std::none_of(got.begin(), got.end(), [](int64_t id) { return id >= 1000; })) << text;
        EXPECT_EQ(t->decode(got), text);
    }
    EXPECT_EQ(t->decode({1002, 'u', 1003, 1004}), "<|start_header_id|>u<|end_header_id|><|eot_id|>");
    EXPECT_EQ(t->decode({999, -1, 5000}), "");  // unknown ids are dropped
    EXPECT_EQ(t->vocabSize(), 1005);
    EXPECT_EQ(t->tokenId("<|end_header_id|>"), 1003);
    EXPECT_EQ(t->tokenId("xyz"), spec.id("xyz"));
    EXPECT_EQ(t->tokenId("nope"), -1);
}

TEST_F(BpeTokenizerTest, AChatTurnEncodesWithTheSpecialTokensIds)
{
    auto t = load(spec);
    ASSERT_TRUE(t);
    DataConfig config;
    config.format = "chat";
    auto doc = documentFromRecord(config, R"({"messages":[{"role":"user","content":"hello"},)"
                                          R"({"role":"assistant","content":"abc"}]})");
    ASSERT_TRUE(doc.ok()) << doc.error().toString();
    std::vector<int64_t> all;
    for (const auto &piece : doc.value().pieces) {
        const auto ids = t->encode(piece.text);
        all.insert(all.end(), ids.begin(), ids.end());
    }
    const std::vector<int64_t> header = {1002, 'u', 's', 'e', 'r', 1003, spec.id("\n\n")};
    const std::vector<int64_t> expected = [&] {
        std::vector<int64_t> e = header;
        e.push_back(spec.id("hello"));
        e.push_back(1004);
        for (const int64_t id : {int64_t{1002}, int64_t{'a'}, int64_t{'s'}, int64_t{'s'}, int64_t{'i'}, int64_t{'s'},
                                 int64_t{'t'}, int64_t{'a'}, int64_t{'n'}, int64_t{'t'}, int64_t{1003}})
            e.push_back(id);
        e.push_back(spec.id("\n\n"));
        e.push_back('a');
        e.push_back(spec.id("bc"));
        e.push_back(1004);
        return e;
    }();
    EXPECT_EQ(all, expected);
}

TEST_F(BpeTokenizerTest, BosAndEosComeFromTokenizerConfigOrLlama3Names)
{
    auto t = load(spec);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->bosId(), 1000);
    EXPECT_EQ(t->eosId(), 1001);
    // An instruct model's config: eos is <|eot_id|>, written as a string or as {content}.
    spec.write(dir.root / "instruct");
    std::ofstream(dir.root / "instruct" / "tokenizer_config.json")
        << R"({"bos_token": {"content": "<|begin_of_text|>"}, "eos_token": "<|eot_id|>"})";
    auto i = loadTokenizer((dir.root / "instruct").string());  // a folder works too
    ASSERT_TRUE(i.ok()) << i.error().toString();
    EXPECT_EQ(i.value()->bosId(), 1000);
    EXPECT_EQ(i.value()->eosId(), 1004);

    spec.write(dir.root / "unknown");
    std::ofstream(dir.root / "unknown" / "tokenizer_config.json") << R"({"eos_token": "</s>"})";
    auto u = BpeTokenizer::load((dir.root / "unknown" / "tokenizer.json").string());
    ASSERT_FALSE(u.ok());
    EXPECT_CONTAINS(u.error().toString(), "tokenizer_config.json: eos_token: '</s>' is not a token of");

    TokenizerFixture bare = spec;
    bare.added = {{"<|eot_id|>", 1004}};
    auto b = BpeTokenizer::load(bare.write(dir.root / "bare"));
    ASSERT_FALSE(b.ok());
    EXPECT_CONTAINS(b.error().toString(), "no bos_token: no tokenizer_config.json names one and there is no <|begin_of_text|>");
}

TEST_F(BpeTokenizerTest, FingerprintNamesTheTokenisation)
{
    auto a = load(spec, "a");
    auto b = load(spec, "b");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->fingerprint().rfind("bpe-", 0), 0u);
    EXPECT_EQ(a->fingerprint(), b->fingerprint());
    TokenizerFixture swapped = spec;
    std::swap(swapped.merges[0], swapped.merges[1]);
    auto c = load(swapped, "c");
    ASSERT_TRUE(c);
    EXPECT_NE(a->fingerprint(), c->fingerprint());
    TokenizerFixture moreAdded = spec;
    moreAdded.added.push_back({"<|eom_id|>", 1005});
    auto d = load(moreAdded, "d");
    ASSERT_TRUE(d);
    EXPECT_NE(a->fingerprint(), d->fingerprint());
}

TEST_F(BpeTokenizerTest, BadFilesAreRefusedWithTheFileAndTheReason)
{
    {
        auto t = BpeTokenizer::load((dir.root / "missing.json").string());
        ASSERT_FALSE(t.ok());
        EXPECT_EQ(t.error().toString(), (dir.root / "missing.json").string() + ": cannot open tokenizer file");
    }
    {
        fs::create_directories(dir.root / "broken");
        std::ofstream(dir.root / "broken" / "tokenizer.json") << R"({"model": {)";
        auto t = BpeTokenizer::load((dir.root / "broken" / "tokenizer.json").string());
        ASSERT_FALSE(t.ok());
        EXPECT_CONTAINS(t.error().toString(), "not valid JSON");
    }
    auto doc = [&] { return spec.json(); };
    auto without = [&](const std::string &key) {
        auto d = doc();
        d["model"].erase(key);
        return d;
    };
    EXPECT_CONTAINS(loadError(nlohmann::json::array()), "the top level must be a JSON object");
    {
        auto d = doc();
        d.erase("model");
        EXPECT_CONTAINS(loadError(d), "missing 'model'");
    }
    EXPECT_CONTAINS(loadError(without("vocab")), "missing 'model.vocab'");
    EXPECT_CONTAINS(loadError(without("merges")), "missing 'model.merges'");
    {
        auto d = doc();
        d["model"]["type"] = "WordPiece";
        EXPECT_CONTAINS(loadError(d), "model.type: unsupported model type 'WordPiece' (only BPE)");
    }
    {
        auto d = doc();
        d["model"]["merges"].push_back("a q\xC4\xA0");  // "a q " in byte-level letters: "q " is not a token
        EXPECT_CONTAINS(loadError(d), "model.merges[15]: 'q\xC4\xA0' is not in the vocabulary");
    }
    {
        auto d = doc();
        d["model"]["merges"].push_back("x y");  // both exist, "xy" does not
        EXPECT_CONTAINS(loadError(d), "model.merges[15]: the merged token 'xy' is not in the vocabulary");
    }
    {
        auto d = doc();
        d["model"]["merges"].push_back("abc");
        EXPECT_CONTAINS(loadError(d), "model.merges[15]: 'abc' is not two tokens separated by one space");
    }
    {
        auto d = doc();
        d["model"]["vocab"].erase("\xC4\x8A");  // 'Ċ', the newline byte
        EXPECT_CONTAINS(loadError(d), "model.vocab: no token for byte 0x0A");
    }
    {
        auto d = doc();
        d["model"]["vocab"]["dup"] = 97;
        EXPECT_CONTAINS(loadError(d), "id 97 is given to two tokens");
    }
    {
        auto d = doc();
        d["model"]["vocab"]["two words"] = 2000;
        EXPECT_CONTAINS(loadError(d), "model.vocab['two words']: not written in the byte-level alphabet");
    }
    {
        auto d = doc();
        d["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};  // GPT-2's
        EXPECT_CONTAINS(loadError(d), "pre_tokenizer: only Llama 3's is supported");
    }
    {
        auto d = doc();
        d["normalizer"] = {{"type", "NFC"}};
        EXPECT_CONTAINS(loadError(d), "normalizer: 'NFC' is not supported");
    }
    {
        auto d = doc();
        d["added_tokens"].push_back({{"content", "<x>"}});
        EXPECT_CONTAINS(loadError(d), "added_tokens[5]: needs an integer 'id' and a non-empty string 'content'");
    }
    {
        auto d = doc();
        d["added_tokens"][0]["lstrip"] = true;
        EXPECT_CONTAINS(loadError(d), "added_tokens[0] ('<|begin_of_text|>'): lstrip is not supported");
    }
    {
        auto t = loadTokenizer((dir.root / "empty-folder").string());
        ASSERT_FALSE(t.ok());
        EXPECT_CONTAINS(t.error().toString(), "no such tokenizer file or folder");
        fs::create_directories(dir.root / "empty-folder");
        t = loadTokenizer((dir.root / "empty-folder").string());
        ASSERT_FALSE(t.ok());
        EXPECT_CONTAINS(t.error().toString(), "empty-folder: no tokenizer.json in this folder");
    }
}

// Found by fuzzing (tests/fuzz, fuzz_tokenizer): an id given to two added tokens, or to an added
// token and a vocabulary token of another text, was accepted; both texts encoded to that id and
// it decoded to one of them, so "<|begin_of_text|>" came back as "<|end_of_text|>".
TEST_F(BpeTokenizerTest, AnIdBelongsToOneText)
{
    {
        auto d = spec.json();
        d["added_tokens"][0]["id"] = 1001;  // <|begin_of_text|> takes <|end_of_text|>'s id
        EXPECT_CONTAINS(loadError(d), "added_tokens[1] ('<|end_of_text|>'): id 1001 is given to '<|begin_of_text|>' too");
    }
    {
        auto d = spec.json();
        d["added_tokens"][0]["id"] = 97;  // 'a'
        EXPECT_CONTAINS(loadError(d), "model.vocab['a']: id 97 is the added token '<|begin_of_text|>', a different text");
    }
    {
        // The same text under one id, in both lists (GPT-2's <|endoftext|> is written so), is fine.
        auto d = spec.json();
        d["model"]["vocab"]["<|eot_id|>"] = 1004;
        EXPECT_TRUE(BpeTokenizer::load(spec.write(dir.root / "same", d)).ok());
    }
}

// Found by fuzzing (tests/fuzz, fuzz_tokenizer): nlohmann throws type_error for a value of
// another type than value() expects (model.type: 5, a normalizer that is a string) and
// out_of_range for a number such as 1e999; only parse_error was caught, so these files ended
// the program instead of being refused.
TEST_F(BpeTokenizerTest, ValuesOfTheWrongTypeAreRefusedNotThrown)
{
    {
        auto d = spec.json();
        d["model"]["type"] = 5;
        EXPECT_CONTAINS(loadError(d), "model: a value of the wrong type");
    }
    {
        auto d = spec.json();
        d["normalizer"] = "NFC";
        EXPECT_CONTAINS(loadError(d), "normalizer and pre_tokenizer: a value of the wrong type");
    }
    {
        auto d = spec.json();
        d["added_tokens"][0]["special"] = "yes";
        EXPECT_CONTAINS(loadError(d), "added_tokens: a value of the wrong type");
    }
    {
        fs::create_directories(dir.root / "huge");
        std::ofstream(dir.root / "huge" / "tokenizer.json") << R"({"model": {"vocab": {"a": 1e999}}})";
        auto t = BpeTokenizer::load((dir.root / "huge" / "tokenizer.json").string());
        ASSERT_FALSE(t.ok());
        EXPECT_CONTAINS(t.error().toString(), "not valid JSON");
        EXPECT_CONTAINS(t.error().toString(), "number overflow");
    }
    {
        const std::string path = spec.write(dir.root / "config-type");
        std::ofstream(dir.root / "config-type" / "tokenizer_config.json")
            << R"({"bos_token": {"content": 7}, "eos_token": 1e400})";
        auto t = BpeTokenizer::load(path);
        ASSERT_FALSE(t.ok());
        EXPECT_CONTAINS(t.error().toString(), "not valid JSON");
    }
}
