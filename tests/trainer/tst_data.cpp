#include "data/TextDataset.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <set>

using namespace corral;

TEST(TextData, DocumentsAreSeparatedByBlankLines)
{
    const auto docs = splitDocuments("one\nline two\n\n\n  \nthree\n\nfour");
    EXPECT_EQ(docs, (std::vector<std::string>{"one\nline two", "three", "four"}));
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
    const auto dir = std::filesystem::temp_directory_path() / ("corral-data-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = (dir / "docs.txt").string();
    {
        std::ofstream out(file);
        for (int i = 0; i < 100; ++i)
            out << "document number " << i << " with some words in it\n\n";
    }
    DataConfig config;
    config.files = {file};
    config.max_seq_len = 16;
    config.val_fraction = 0.1;
    ByteTokenizer tok;
    auto a = loadTextData(config, tok);
    auto b = loadTextData(config, tok);
    ASSERT_TRUE(a.ok()) << a.error().toString();
    EXPECT_EQ(a.value().val.documents, 10);
    EXPECT_EQ(a.value().train.documents, 90);
    EXPECT_TRUE(torch::equal(a.value().train.rows, b.value().train.rows));
    EXPECT_TRUE(torch::equal(a.value().val.rows, b.value().val.rows));
    EXPECT_EQ(a.value().train.rows.size(1), 17);

    // No validation document appears in the training stream.
    auto decodeAll = [&](const torch::Tensor &rows) {
        auto flat = rows.slice(1, 0, -1).reshape({-1});
        return tok.decode(std::vector<int64_t>(flat.data_ptr<int64_t>(), flat.data_ptr<int64_t>() + flat.numel()));
    };
    const std::string train = decodeAll(a.value().train.rows);
    const std::string val = decodeAll(a.value().val.rows);
    int valDocsFound = 0;
    for (int i = 0; i < 100; ++i) {
        const std::string doc = "document number " + std::to_string(i) + " with";
        if (val.find(doc) != std::string::npos) {
            ++valDocsFound;
            EXPECT_EQ(train.find(doc), std::string::npos) << doc;
        }
    }
    EXPECT_GE(valDocsFound, 8);  // packing may cut the last one

    config.seed = 99;
    auto c = loadTextData(config, tok);
    EXPECT_FALSE(torch::equal(a.value().val.rows, c.value().val.rows));
}

TEST(TextData, TooLittleDataIsAClearError)
{
    const auto file = (std::filesystem::temp_directory_path() / ("corral-one-" + std::to_string(::getpid()))).string();
    std::ofstream(file) << "only one document\n";
    DataConfig config;
    config.files = {file};
    auto r = loadTextData(config, ByteTokenizer{});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().context, "data.files");
    EXPECT_NE(r.error().message.find("at least 2 documents"), std::string::npos);
}

TEST(BatchSampler, EachRowOncePerEpochThenANewOrder)
{
    BatchSampler sampler(10, 3, 7);  // 3 batches per epoch, 1 row dropped
    std::set<int64_t> seen;
    std::vector<int64_t> firstEpoch;
    for (int i = 0; i < 3; ++i) {
        auto batch = sampler.next();
        for (int64_t j = 0; j < batch.numel(); ++j) {
            EXPECT_TRUE(seen.insert(batch[j].item<int64_t>()).second);
            firstEpoch.push_back(batch[j].item<int64_t>());
        }
    }
    EXPECT_DOUBLE_EQ(sampler.epoch(), 0.9);
    std::vector<int64_t> secondEpoch;
    for (int i = 0; i < 3; ++i) {
        auto batch = sampler.next();
        for (int64_t j = 0; j < batch.numel(); ++j)
            secondEpoch.push_back(batch[j].item<int64_t>());
    }
    EXPECT_NE(firstEpoch, secondEpoch);
    EXPECT_GE(sampler.epoch(), 1.0);
}
