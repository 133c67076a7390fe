#pragma once
// The demo model's tokenizer: one token per UTF-8 byte plus BOS and EOS (vocabulary 258).
// Every string round-trips exactly. Hugging Face tokenizer.json BPE comes with the real model.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace corral {

class ByteTokenizer {
public:
    static constexpr int64_t kBos = 256;
    static constexpr int64_t kEos = 257;
    static constexpr int64_t kVocabSize = 258;
    static constexpr const char *kId = "byte-v1";  // names the tokenisation in cache keys

    std::vector<int64_t> encode(std::string_view text) const;
    std::string decode(const std::vector<int64_t> &ids) const;  // drops BOS/EOS
};

}  // namespace corral
