#pragma once
// Plain-text training data: documents (paragraphs separated by blank lines) from data.files,
// a deterministic split by document into train and validation sets, each packed into
// rows of max_seq_len + 1 tokens (inputs are row[:-1], targets row[1:]).
#include "config/Result.h"
#include "config/RunConfig.h"
#include "data/ByteTokenizer.h"

#include <torch/types.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace corral {

struct PackedSplit {
    torch::Tensor rows;  // [N, max_seq_len + 1] int64
    int64_t documents = 0;
    int64_t tokens = 0;  // tokens in the documents (before packing drops a remainder)
};

struct TextData {
    PackedSplit train;
    PackedSplit val;
};

// Splits text into documents at blank lines; trims, drops empty ones.
std::vector<std::string> splitDocuments(const std::string &text);

// Deterministic on every platform: Fisher–Yates over mt19937_64 outputs.
std::vector<int64_t> shuffledIndices(int64_t n, uint64_t seed);

Result<TextData> loadTextData(const DataConfig &config, const ByteTokenizer &tokenizer);

// Hands out micro-batches of row indices: a fresh shuffled order each epoch, no row twice
// within an epoch, the last incomplete micro-batch of an epoch dropped.
class BatchSampler {
public:
    BatchSampler(int64_t rows, int64_t batchSize, uint64_t seed);
    torch::Tensor next();  // [batchSize] int64

    // Where the sampler stands; restoring it continues the exact same order.
    struct Position {
        int64_t epoch = 0;
        int64_t offset = 0;  // rows of this epoch's order already handed out
    };
    Position position() const { return {m_epoch, m_pos}; }
    void restore(Position position);
    double epoch() const;  // fractional epochs consumed
    int64_t batchesPerEpoch() const { return m_rows / m_batchSize; }

private:
    void startEpoch();
    int64_t m_rows, m_batchSize;
    uint64_t m_seed;
    int64_t m_epoch = -1;
    int64_t m_pos = 0;
    std::vector<int64_t> m_order;
};

}  // namespace corral
