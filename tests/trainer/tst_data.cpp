#include "data/TextDataset.h"
#include "text/ByteTokenizer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <set>

using namespace corral;
namespace fs = std::filesystem;

namespace {
struct TempDir {
    fs::path path = fs::temp_directory_path() / ("corral-data-" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() { fs::remove_all(path); }
    std::string write(const std::string &name, const std::string &text) const
    {
        std::ofstream(path / name) << text;
        return (path / name).string();
    }
};

std::string joinText(const Document &doc)
{
    std::string s;
    for (const auto &p : doc.pieces)
        s += (p.trained ? "[T]" : "[P]") + p.text;
    return s;
}
}  // namespace

TEST(Records, PlainTextDocumentsAreSeparatedByBlankLines)
{
    const auto docs = documentsFromPlainText("one\nline two\n\n\n  \nthree\n\nfour");
    ASSERT_EQ(docs.size(), 3u);
    EXPECT_EQ(joinText(docs[0]), "[T]one\nline two");
    EXPECT_EQ(joinText(docs[2]), "[T]four");
}

TEST(Records, FormatsRenderPromptsAndResponses)
{
    DataConfig config;
    config.format = "alpaca";
    auto doc = documentFromRecord(config, R"({"instruction":"Add","input":"2+2","output":"4"})");
    ASSERT_TRUE(doc.ok()) << doc.error().toString();
    ASSERT_EQ(doc.value().pieces.size(), 2u);
    EXPECT_FALSE(doc.value().pieces[0].trained);
    EXPECT_NE(doc.value().pieces[0].text.find("### Instruction:\nAdd\n\n### Input:\n2+2\n\n### Response:\n"),
              std::string::npos);
    EXPECT_EQ(doc.value().pieces[1].text, "4");
    EXPECT_TRUE(doc.value().pieces[1].trained);

    config.format = "chat";
    doc = documentFromRecord(config, R"({"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]})");
    ASSERT_TRUE(doc.ok()) << doc.error().toString();
    EXPECT_EQ(joinText(doc.value()), "[P]<|start_header_id|>user<|end_header_id|>\n\n[P]Hi<|eot_id|>"
                                     "[P]<|start_header_id|>assistant<|end_header_id|>\n\n[T]Hello<|eot_id|>");
    config.train_on_inputs = true;
    doc = documentFromRecord(config, R"({"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Yo"}]})");
    EXPECT_EQ(joinText(doc.value()).find("[P]"), std::string::npos);

    config.format = "text";
    config.text_field = "body";
    doc = documentFromRecord(config, R"({"body":"free text","extra":1})");
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(joinText(doc.value()), "[T]free text");
}

TEST(Records, BadRecordsSayWhatIsWrong)
{
    struct Case {
        const char *format;
        const char *line;
        const char *message;
    };
    const Case cases[] = {
        {"text", "{\"text\": \"unterminated}", "invalid JSON"},
        {"text", "[1, 2]", "a record must be a JSON object, got array"},
        {"text", "{\"txt\": \"x\"}", "missing field 'text'"},
        {"text", "{\"text\": 5}", "field 'text' must be a string, got number"},
        {"text", "{\"text\": \"  \"}", "field 'text' is empty"},
        {"alpaca", "{\"instruction\": \"x\"}", "missing field 'output'"},
        {"chat", "{\"messages\": []}", "field 'messages' must be a non-empty list of {role, content}"},
        {"chat", "{\"messages\": [{\"role\": \"bot\", \"content\": \"x\"}]}", "messages[0]: unknown role 'bot'"},
        {"chat", "{\"messages\": [{\"role\": \"user\"}]}", "messages[0] must be an object with string 'role' and 'content'"},
        {"chat", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}", "no assistant message to learn from"},
    };
    for (const auto &c : cases) {
        DataConfig config;
        config.format = c.format;
        auto doc = documentFromRecord(config, c.line);
        ASSERT_FALSE(doc.ok()) << c.line;
        EXPECT_EQ(doc.error().message.rfind(c.message, 0), 0u) << doc.error().message;
    }
}

TEST(Records, TooManyBadRecordsStopWithFileAndLine)
{
    TempDir tmp;
    std::string lines;
    for (int i = 0; i < 20; ++i)
        lines += i == 3 || i == 11 ? "not json\n" : "{\"text\": \"record " + std::to_string(i) + "\"}\n";
    DataConfig config;
    config.files = {tmp.write("a.jsonl", lines)};
    config.max_bad_fraction = 0.05;  // 2 of 20 is 10%
    auto loaded = loadDocuments(config);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().context, "data.files");
    EXPECT_NE(loaded.error().message.find("2 of 20 records are bad"), std::string::npos) << loaded.error().message;
    EXPECT_NE(loaded.error().message.find(config.files[0] + ":4: invalid JSON"), std::string::npos);
    EXPECT_NE(loaded.error().message.find(config.files[0] + ":12: invalid JSON"), std::string::npos);

    config.max_bad_fraction = 0.1;  // tolerated: skipped and listed
    loaded = loadDocuments(config);
    ASSERT_TRUE(loaded.ok()) << loaded.error().toString();
    EXPECT_EQ(loaded.value().documents.size(), 18u);
    ASSERT_EQ(loaded.value().problems.size(), 2u);
    EXPECT_EQ(loaded.value().problems[1].line, 12);
}

TEST(Records, GlobsExpandInSortedOrderAndAnEmptyGlobIsAnError)
{
    TempDir tmp;
    tmp.write("b.jsonl", "{\"text\": \"B\"}\n");
    tmp.write("a.jsonl", "{\"text\": \"A\"}\n");
    tmp.write("c.txt", "C\n");
    DataConfig config;
    config.files = {(tmp.path / "*.jsonl").string()};
    auto loaded = loadDocuments(config);
    ASSERT_TRUE(loaded.ok());
    ASSERT_EQ(loaded.value().documents.size(), 2u);
    EXPECT_EQ(joinText(loaded.value().documents[0]), "[T]A");
    config.files = {(tmp.path / "*.parquet").string()};
    loaded = loadDocuments(config);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().context, "data.files[0]");
}

TEST(TextData, ByteTokenizerRoundTripsUtf8)
{
    ByteTokenizer tok;
    const std::string text = "Grüße, corral! 🐎";
    EXPECT_EQ(tok.decode(tok.encode(text)), text);
    EXPECT_EQ(tok.encode("A")[0], 65);
}

TEST(TextData, SplitIsDeterministicDisjointAndFollowsTheFraction)
{
    TempDir tmp;
    std::string text;
    for (int i = 0; i < 100; ++i)
        text += "document number " + std::to_string(i) + " with some words in it\n\n";
    DataConfig config;
    config.files = {tmp.write("docs.txt", text)};
    config.max_seq_len = 16;
    ByteTokenizer tok;
    auto a = loadTextData(config, tok);
    auto b = loadTextData(config, tok);
    ASSERT_TRUE(a.ok()) << a.error().toString();
    EXPECT_EQ(a.value().val.documents, 10);
    EXPECT_EQ(a.value().train.documents, 90);
    auto decodeAll = [&](const DataSplit &split) {
        std::string s;
        for (const auto &e : split.examples)
            s += tok.decode({e.tokens.begin(), e.tokens.end() - 1});
        return s;
    };
    EXPECT_EQ(decodeAll(a.value().train), decodeAll(b.value().train));
    const std::string train = decodeAll(a.value().train), val = decodeAll(a.value().val);
    int valDocsFound = 0;
    for (int i = 0; i < 100; ++i) {
        const std::string doc = "document number " + std::to_string(i) + " with";
        if (val.find(doc) != std::string::npos) {
            ++valDocsFound;
            EXPECT_EQ(train.find(doc), std::string::npos) << doc;
        }
    }
    EXPECT_GE(valDocsFound, 8);  // packing may cut the last one
    for (const auto &e : a.value().train.examples)
        EXPECT_EQ(e.tokens.size(), 17u);
    config.seed = 99;
    EXPECT_NE(decodeAll(loadTextData(config, tok).value().val), val);
}

TEST(TextData, UnpackedRowsArePaddedPerBatchAndPromptsCarryNoLoss)
{
    TempDir tmp;
    DataConfig config;
    config.format = "alpaca";
    config.packing = false;
    config.max_seq_len = 512;
    config.val_fraction = 0.5;
    config.files = {tmp.write("a.jsonl", "{\"instruction\":\"I1\",\"output\":\"short\"}\n"
                                         "{\"instruction\":\"I2\",\"output\":\"a much longer answer here\"}\n"
                                         "{\"instruction\":\"I3\",\"output\":\"mid answer\"}\n"
                                         "{\"instruction\":\"I4\",\"output\":\"x\"}\n")};
    auto data = loadTextData(config, ByteTokenizer{});
    ASSERT_TRUE(data.ok()) << data.error().toString();
    const DataSplit &train = data.value().train;
    ASSERT_EQ(train.size(), 2);
    const Batch batch = collate(train, {0, 1}, ByteTokenizer{});
    const size_t longest = std::max(train.examples[0].tokens.size(), train.examples[1].tokens.size()) - 1;
    EXPECT_EQ(batch.inputs.size(1), static_cast<int64_t>(longest));
    // Targets are exactly the outputs plus EOS: decode them back.
    int64_t expectedTargets = 0;
    for (int r = 0; r < 2; ++r) {
        std::vector<int64_t> targets;
        for (int64_t j = 0; j < batch.labels.size(1); ++j) {
            const int64_t label = batch.labels[r][j].item<int64_t>();
            if (label != kIgnoreIndex)
                targets.push_back(label);
        }
        ASSERT_FALSE(targets.empty());
        EXPECT_EQ(targets.back(), ByteTokenizer::kEos);
        const std::string answer = ByteTokenizer{}.decode(targets);
        EXPECT_TRUE(answer == "short" || answer == "a much longer answer here" || answer == "mid answer" || answer == "x")
            << answer;
        expectedTargets += static_cast<int64_t>(targets.size());
    }
    EXPECT_EQ(batch.targets, expectedTargets);
}

TEST(TextData, TooLittleDataIsAClearError)
{
    TempDir tmp;
    DataConfig config;
    config.files = {tmp.write("one.txt", "only one document\n")};
    auto r = loadTextData(config, ByteTokenizer{});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().context, "data.files");
    EXPECT_NE(r.error().message.find("at least 2 documents"), std::string::npos);
}

TEST(BatchSampler, EachRowOncePerEpochThenANewOrder)
{
    BatchSampler sampler(10, 3, 7);  // 3 batches per epoch, 1 row dropped
    std::set<int64_t> seen;
    std::vector<int64_t> firstEpoch, secondEpoch;
    for (int i = 0; i < 3; ++i) {
        for (const int64_t row : sampler.next()) {
            EXPECT_TRUE(seen.insert(row).second);
            firstEpoch.push_back(row);
        }
    }
    EXPECT_DOUBLE_EQ(sampler.epoch(), 0.9);
    const auto position = sampler.position();
    for (int i = 0; i < 3; ++i) {
        for (const int64_t row : sampler.next())
            secondEpoch.push_back(row);
    }
    EXPECT_NE(firstEpoch, secondEpoch);
    EXPECT_GE(sampler.epoch(), 1.0);
    BatchSampler restored(10, 3, 7);
    restored.restore(position);
    std::vector<int64_t> again;
    for (int i = 0; i < 3; ++i) {
        for (const int64_t row : restored.next())
            again.push_back(row);
    }
    EXPECT_EQ(again, secondEpoch);
}

TEST(TokenCache, SecondLoadReadsTheCacheAndAnyChangeMissesIt)
{
    TempDir tmp;
    std::string text;
    for (int i = 0; i < 50; ++i)
        text += "cached document " + std::to_string(i) + " with a few words\n\n";
    DataConfig config;
    config.files = {tmp.write("docs.txt", text)};
    config.max_seq_len = 16;
    const ByteTokenizer tok;
    auto first = loadTextData(config, tok);
    ASSERT_TRUE(first.ok());
    EXPECT_FALSE(first.value().fromCache);
    ASSERT_FALSE(first.value().cacheFile.empty());
    EXPECT_TRUE(fs::exists(first.value().cacheFile));
    EXPECT_EQ(fs::path(first.value().cacheFile).parent_path(), tmp.path / ".corral-cache");

    auto second = loadTextData(config, tok);
    ASSERT_TRUE(second.ok());
    EXPECT_TRUE(second.value().fromCache);
    ASSERT_EQ(second.value().train.size(), first.value().train.size());
    for (int64_t i = 0; i < first.value().train.size(); ++i) {
        EXPECT_EQ(second.value().train.examples[i].tokens, first.value().train.examples[i].tokens);
        EXPECT_EQ(second.value().train.examples[i].trained, first.value().train.examples[i].trained);
    }
    EXPECT_EQ(second.value().val.targets, first.value().val.targets);

    config.max_seq_len = 24;  // a setting changes: another key
    EXPECT_FALSE(loadTextData(config, tok).value().fromCache);
    config.max_seq_len = 16;
    std::ofstream(config.files[0], std::ios::app) << "one more document\n";  // the data changes
    auto changed = loadTextData(config, tok);
    EXPECT_FALSE(changed.value().fromCache);
    EXPECT_EQ(changed.value().train.documents + changed.value().val.documents, 51);

    fs::resize_file(changed.value().cacheFile, 100);  // a damaged cache is rebuilt, never trusted
    auto rebuilt = loadTextData(config, tok);
    ASSERT_TRUE(rebuilt.ok());
    EXPECT_FALSE(rebuilt.value().fromCache);
    EXPECT_EQ(rebuilt.value().train.size(), changed.value().train.size());
    EXPECT_TRUE(loadTextData(config, tok).value().fromCache);

    config.cache = false;
    fs::remove_all(tmp.path / ".corral-cache");
    auto uncached = loadTextData(config, tok);
    EXPECT_TRUE(uncached.value().cacheFile.empty());
    EXPECT_FALSE(fs::exists(tmp.path / ".corral-cache"));
}

TEST(TokenCache, BadRecordReportsSurviveTheCache)
{
    TempDir tmp;
    std::string lines;
    for (int i = 0; i < 200; ++i)
        lines += i == 7 ? "{oops\n" : "{\"text\": \"record number " + std::to_string(i) + "\"}\n";
    DataConfig config;
    config.files = {tmp.write("r.jsonl", lines)};
    config.max_seq_len = 16;
    ASSERT_TRUE(loadTextData(config, ByteTokenizer{}).ok());
    auto cached = loadTextData(config, ByteTokenizer{});
    ASSERT_TRUE(cached.ok());
    EXPECT_TRUE(cached.value().fromCache);
    ASSERT_EQ(cached.value().problems.size(), 1u);
    EXPECT_EQ(cached.value().problems[0].toString(), config.files[0] + ":8: invalid JSON");
    EXPECT_EQ(cached.value().records, 200);
}
