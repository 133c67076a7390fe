#pragma once
// A small tokenizer.json written by tests and benchmarks: the 256 byte tokens (id = byte
// value), a few merges, one token no merge leads to, and Llama 3's chat special tokens at
// 1000 on. Tokens are named by their raw bytes here and written in the byte-level alphabet.
#include "text/ByteLevel.h"
#include "text/PreTokenizer.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace corral::test {

struct TokenizerFixture {
    // By rank (index). The merged tokens get ids from 256 on, in this order.
    std::vector<std::pair<std::string, std::string>> merges = {
        {"b", "c"}, {"a", "b"}, {"a", "a"}, {"l", "l"}, {"h", "e"}, {"he", "ll"}, {"hell", "o"}, {" ", "w"},
        {" w", "o"}, {" wo", "r"}, {" wor", "l"}, {" worl", "d"}, {" ", " "}, {"  ", "  "}, {"\n", "\n"}};
    std::vector<std::string> extraTokens = {"xyz"};  // in the vocabulary, but no merge makes them
    std::vector<std::pair<std::string, int>> added = {{"<|begin_of_text|>", 1000}, {"<|end_of_text|>", 1001},
                                                      {"<|start_header_id|>", 1002}, {"<|end_header_id|>", 1003},
                                                      {"<|eot_id|>", 1004}};
    bool ignoreMerges = true;
    bool mergesAsArrays = false;  // ["a", "b"] (newer files) instead of "a b"

    // Raw bytes → id, for expectations.
    int id(const std::string &token) const
    {
        if (token.size() == 1)
            return static_cast<unsigned char>(token[0]);
        for (size_t i = 0; i < merges.size(); ++i) {
            if (merges[i].first + merges[i].second == token)
                return 256 + static_cast<int>(i);
        }
        for (size_t i = 0; i < extraTokens.size(); ++i) {
            if (extraTokens[i] == token)
                return 256 + static_cast<int>(merges.size() + i);
        }
        for (const auto &[content, addedId] : added) {
            if (content == token)
                return addedId;
        }
        return -1;
    }

    nlohmann::json json() const
    {
        using nlohmann::json;
        json vocab = json::object();
        for (int b = 0; b < 256; ++b)
            vocab[bytelevel::fromBytes(std::string(1, static_cast<char>(b)))] = b;
        json mergeList = json::array();
        for (const auto &[left, right] : merges) {
            vocab[bytelevel::fromBytes(left + right)] = id(left + right);
            const std::string l = bytelevel::fromBytes(left), r = bytelevel::fromBytes(right);
            mergeList.push_back(mergesAsArrays ? json::array({l, r}) : json(l + " " + r));
        }
        for (const auto &token : extraTokens)
            vocab[bytelevel::fromBytes(token)] = id(token);
        json addedTokens = json::array();
        for (const auto &[content, addedId] : added)
            addedTokens.push_back({{"id", addedId}, {"content", content}, {"single_word", false}, {"lstrip", false},
                                   {"rstrip", false}, {"normalized", false}, {"special", true}});
        return {{"version", "1.0"},
                {"added_tokens", addedTokens},
                {"normalizer", nullptr},
                {"pre_tokenizer",
                 {{"type", "Sequence"},
                  {"pretokenizers",
                   {{{"type", "Split"}, {"pattern", {{"Regex", std::string(kLlama3SplitPattern)}}}, {"behavior", "Isolated"},
                     {"invert", false}},
                    {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", false}}}}}},
                {"post_processor", nullptr},
                {"decoder", {{"type", "ByteLevel"}}},
                {"model",
                 {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"byte_fallback", false},
                  {"ignore_merges", ignoreMerges}, {"vocab", vocab}, {"merges", mergeList}}}};
    }

    // Writes dir/tokenizer.json (creating dir) and returns its path.
    std::string write(const std::filesystem::path &dir, const nlohmann::json &doc) const
    {
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "tokenizer.json") << doc.dump();
        return (dir / "tokenizer.json").string();
    }
    std::string write(const std::filesystem::path &dir) const { return write(dir, json()); }
};

}  // namespace corral::test
