#pragma once
// What the data pipeline needs from a tokenizer. Two kinds exist: the demo's ByteTokenizer
// (one token per byte) and BpeTokenizer (a Hugging Face tokenizer.json, e.g. Llama 3's).
// No LibTorch and no Qt here: the app and the trainer's `tokenize` command share this code.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace corral {

class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    // Text to ids. Special tokens written literally in the text ("<|eot_id|>") become their
    // single ids, as Hugging Face's tokenizers do by default; the chat format relies on it.
    virtual std::vector<int64_t> encode(std::string_view text) const = 0;
    // Ids to text; special tokens are written as their text, unknown ids are dropped.
    virtual std::string decode(const std::vector<int64_t> &ids) const = 0;

    virtual int64_t vocabSize() const = 0;
    virtual int64_t bosId() const = 0;  // starts every document
    virtual int64_t eosId() const = 0;  // ends every document; also pads batches (never a target there)
    // Names the tokenisation exactly (kind + a hash of its vocabulary): part of data cache keys.
    virtual std::string fingerprint() const = 0;
};

}  // namespace corral
