#pragma once
// Training data as the loop sees it: documents (data/Records) tokenised, split by document
// into train and validation sets (deterministic from data.seed), then either packed back to
// back into rows of max_seq_len + 1 tokens or kept one document per row. A batch pads its
// rows to the longest one; labels are the next tokens, kIgnoreIndex where there is no loss
// (padding, prompts, the BOS that follows a document's end).
#include "config/Result.h"
#include "config/RunConfig.h"
#include "text/Tokenizer.h"
#include "data/Records.h"

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace corral {

constexpr int64_t kIgnoreIndex = -100;

struct Example {
    std::vector<int64_t> tokens;  // inputs are tokens[0..n-2], targets tokens[1..n-1]
    std::vector<uint8_t> trained;  // trained[i]: tokens[i + 1] is a loss target
};

struct DataSplit {
    std::vector<Example> examples;
    int64_t documents = 0;
    int64_t targets = 0;  // loss-bearing tokens over all examples
    int64_t size() const { return static_cast<int64_t>(examples.size()); }
};

struct TextData {
    DataSplit train;
    DataSplit val;
    std::vector<RecordProblem> problems;  // bad records skipped (within data.max_bad_fraction)
    int64_t records = 0;
    std::string cacheFile;  // the tokenised cache used or written; empty without one
    bool fromCache = false;
};

struct Batch {
    torch::Tensor inputs;  // [B, L] int64
    torch::Tensor labels;  // [B, L] int64, kIgnoreIndex where no loss
    // Set only when a row holds the start of a document after its first token (packing):
    // rotary position of each token within its document, and the document number of each token.
    torch::Tensor positions;  // [B, L] int64 or undefined (0..L-1 in every row)
    torch::Tensor segments;  // [B, L] int64 or undefined (plain causal attention)
    int64_t targets = 0;  // labels that count
    int64_t tokens = 0;  // input tokens that are not padding
};

// Deterministic on every platform: Fisher–Yates over mt19937_64 outputs.
std::vector<int64_t> shuffledIndices(int64_t n, uint64_t seed);

// Reads, tokenises, splits and packs data.files; through the cache when data.cache is on.
Result<TextData> loadTextData(const DataConfig &config, const Tokenizer &tokenizer);
// Tokenises, splits and packs documents already read.
Result<TextData> prepareTextData(const DataConfig &config, const Tokenizer &tokenizer,
                                 const std::vector<Document> &documents);

// Rows shorter than the longest are padded with the tokenizer's EOS (never a loss target).
Batch collate(const DataSplit &split, const std::vector<int64_t> &indices, const Tokenizer &tokenizer);

// Hands out micro-batches of row indices: a fresh shuffled order each epoch, no row twice
// within an epoch, the last incomplete micro-batch of an epoch dropped.
class BatchSampler {
public:
    BatchSampler(int64_t rows, int64_t batchSize, uint64_t seed);
    std::vector<int64_t> next();  // batchSize indices
    double epoch() const;  // fractional epochs consumed
    int64_t batchesPerEpoch() const { return m_rows / m_batchSize; }

    // Where the sampler stands; restoring it continues the exact same order.
    struct Position {
        int64_t epoch = 0;
        int64_t offset = 0;  // rows of this epoch's order already handed out
    };
    Position position() const { return {m_epoch, m_pos}; }
    void restore(Position position);

private:
    void startEpoch();
    int64_t m_rows, m_batchSize;
    uint64_t m_seed;
    int64_t m_epoch = -1;
    int64_t m_pos = 0;
    std::vector<int64_t> m_order;
};

}  // namespace corral
