#pragma once
// The demo model's tokenizer: one token per UTF-8 byte plus BOS and EOS (vocabulary 258).
// Every string round-trips exactly. Real models bring a tokenizer.json (text/BpeTokenizer).
#include "text/Tokenizer.h"

namespace corral {

class ByteTokenizer final : public Tokenizer {
public:
    static constexpr int64_t kBos = 256;
    static constexpr int64_t kEos = 257;
    static constexpr int64_t kVocabSize = 258;
    static constexpr const char *kId = "byte-v1";  // names the tokenisation in cache keys

    std::vector<int64_t> encode(std::string_view text) const override;
    std::string decode(const std::vector<int64_t> &ids) const override;  // drops BOS/EOS
    int64_t vocabSize() const override { return kVocabSize; }
    int64_t bosId() const override { return kBos; }
    int64_t eosId() const override { return kEos; }
    std::string fingerprint() const override { return kId; }
};

}  // namespace corral
