#pragma once
// A Hugging Face tokenizer.json with a byte-level BPE model and Llama 3's pre-tokenizer
// (Llama 3 and 3.1, and models fine-tuned from them). encode():
//   1. the text is cut at added tokens written in it ("<|eot_id|>" becomes its one id);
//   2. each remaining stretch is split into pre-tokens (text/PreTokenizer.h);
//   3. a pre-token that is itself in the vocabulary is that token (model.ignore_merges), else
//      its bytes are merged pair by pair, lowest merge rank first (leftmost on ties).
// The tokenizer works on raw bytes; the byte-level alphabet of the file (text/ByteLevel.h) is
// converted away when it loads. Results match the reference (npm llama3-tokenizer-js) token for
// token: tests/tokenizer.
#include "config/Result.h"
#include "text/FlatTables.h"
#include "text/Tokenizer.h"

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace corral {

class BpeTokenizer final : public Tokenizer {
public:
    // Reads and checks tokenizer.json, and tokenizer_config.json beside it when there is one
    // (bos_token, eos_token). Errors name the file and what is wrong with it.
    static Result<std::unique_ptr<BpeTokenizer>> load(const std::string &tokenizerJsonPath);

    std::vector<int64_t> encode(std::string_view text) const override;
    std::string decode(const std::vector<int64_t> &ids) const override;
    int64_t vocabSize() const override { return static_cast<int64_t>(m_tokenText.size()); }
    int64_t bosId() const override { return m_bos; }
    int64_t eosId() const override { return m_eos; }
    std::string fingerprint() const override { return m_fingerprint; }

    // The id of the token whose text is `text` (an added token's content, or the bytes a
    // vocabulary entry stands for); -1 when there is none.
    int64_t tokenId(std::string_view text) const;

private:
    struct Merge {
        int32_t rank;
        int32_t id;  // of the merged token
    };
    // A trie over the added tokens' contents: finds the leftmost, longest one in a text.
    struct AddedTokens {
        struct Node {
            std::vector<std::pair<unsigned char, int32_t>> children;  // byte → node
            int32_t id = -1;  // the token that ends here
        };
        std::vector<Node> nodes{1};
        bool firstByte[256] = {};
        void add(const std::string &content, int32_t id);
        // The first added token at or after `from`: its start, end and id; false if none.
        bool find(std::string_view text, size_t from, size_t &start, size_t &end, int32_t &id) const;
    };
    class Loader;

    BpeTokenizer() = default;
    static uint64_t pairKey(int32_t left, int32_t right)
    {
        return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
    }
    void encodeStretch(std::string_view text, std::vector<int64_t> &ids) const;
    void encodePreToken(std::string_view bytes, std::vector<int64_t> &ids) const;
    void mergeBytes(std::string_view bytes, std::vector<int32_t> &ids) const;  // appends

    BytesTable m_vocab;  // model.vocab: bytes → id
    PairTable<Merge> m_merges;  // pairKey(left, right) → rank and merged id
    int32_t m_byteToken[256] = {};  // the single-byte tokens
    bool m_ignoreMerges = false;
    AddedTokens m_added;
    std::unordered_map<std::string, int32_t> m_addedIds;  // content → id
    std::vector<std::string> m_tokenText;  // id → bytes (vocabulary) or content (added); "" for gaps
    int64_t m_bos = -1;
    int64_t m_eos = -1;
    std::string m_fingerprint;

    // Pre-tokens that needed merging, with their ids: natural text repeats its words, and a
    // lookup is far cheaper than merging again. Direct-mapped by hash (a newer pre-token takes
    // the slot of an older one), so it never grows and never needs clearing.
    struct CacheSlot {
        uint64_t hash = 0;
        std::string bytes;
        std::vector<int32_t> ids;
    };
    static constexpr size_t kCacheSlots = 1 << 16;
    mutable std::mutex m_cacheMutex;
    mutable std::vector<CacheSlot> m_cache;  // kCacheSlots once used
};

}  // namespace corral
