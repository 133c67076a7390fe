#include "data/TextDataset.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace corral {
namespace {

PackedSplit pack(const std::vector<std::string> &docs, const std::vector<int64_t> &indices,
                 const ByteTokenizer &tokenizer, int64_t seqLen)
{
    std::vector<int64_t> stream;
    for (const int64_t i : indices) {
        stream.push_back(ByteTokenizer::kBos);
        const auto ids = tokenizer.encode(docs[static_cast<size_t>(i)]);
        stream.insert(stream.end(), ids.begin(), ids.end());
        stream.push_back(ByteTokenizer::kEos);
    }
    PackedSplit split;
    split.documents = static_cast<int64_t>(indices.size());
    split.tokens = static_cast<int64_t>(stream.size());
    // Windows of seqLen + 1 with stride seqLen: every token is a target exactly once.
    const int64_t rows = stream.size() > 1 ? (static_cast<int64_t>(stream.size()) - 1) / seqLen : 0;
    split.rows = torch::empty({rows, seqLen + 1}, torch::kLong);
    auto acc = split.rows.accessor<int64_t, 2>();
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t j = 0; j <= seqLen; ++j)
            acc[r][j] = stream[static_cast<size_t>(r * seqLen + j)];
    }
    return split;
}

}  // namespace

std::vector<std::string> splitDocuments(const std::string &text)
{
    std::vector<std::string> docs;
    std::string current;
    std::istringstream in(text);
    std::string line;
    auto flush = [&]() {
        const auto b = current.find_first_not_of(" \t\r\n");
        if (b != std::string::npos) {
            const auto e = current.find_last_not_of(" \t\r\n");
            docs.push_back(current.substr(b, e - b + 1));
        }
        current.clear();
    };
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) {
            flush();
        } else {
            current += line;
            current += '\n';
        }
    }
    flush();
    return docs;
}

std::vector<int64_t> shuffledIndices(int64_t n, uint64_t seed)
{
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        order[static_cast<size_t>(i)] = i;
    std::mt19937_64 rng(seed);
    for (int64_t i = n - 1; i > 0; --i) {
        const auto j = static_cast<int64_t>(rng() % static_cast<uint64_t>(i + 1));
        std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
    }
    return order;
}

Result<TextData> loadTextData(const DataConfig &config, const ByteTokenizer &tokenizer)
{
    std::vector<std::string> docs;
    for (const auto &file : config.files) {
        std::ifstream in(file, std::ios::binary);
        if (!in)
            return makeError(ErrorCode::NotFound, "cannot open data file '" + file + "'", "data.files");
        std::ostringstream text;
        text << in.rdbuf();
        auto fileDocs = splitDocuments(text.str());
        docs.insert(docs.end(), std::make_move_iterator(fileDocs.begin()), std::make_move_iterator(fileDocs.end()));
    }
    const auto n = static_cast<int64_t>(docs.size());
    if (n < 2)
        return makeError(ErrorCode::Validation,
                         "need at least 2 documents for a train/validation split, found " + std::to_string(n)
                             + " (documents are separated by blank lines)",
                         "data.files");
    const auto order = shuffledIndices(n, static_cast<uint64_t>(config.seed));
    const int64_t valDocs = std::clamp<int64_t>(std::llround(config.val_fraction * static_cast<double>(n)), 1, n - 1);
    const std::vector<int64_t> valIdx(order.begin(), order.begin() + valDocs);
    const std::vector<int64_t> trainIdx(order.begin() + valDocs, order.end());

    TextData data;
    data.train = pack(docs, trainIdx, tokenizer, config.max_seq_len);
    data.val = pack(docs, valIdx, tokenizer, config.max_seq_len);
    for (const auto *split : {&data.train, &data.val}) {
        if (split->rows.size(0) == 0)
            return makeError(ErrorCode::Validation,
                             std::string("the ") + (split == &data.train ? "training" : "validation") + " split has "
                                 + std::to_string(split->tokens) + " tokens, fewer than one sequence of "
                                 + std::to_string(config.max_seq_len + 1)
                                 + "; add data, lower data.max_seq_len or change data.val_fraction",
                             "data.files");
    }
    return data;
}

BatchSampler::BatchSampler(int64_t rows, int64_t batchSize, uint64_t seed)
    : m_rows(rows), m_batchSize(std::min(batchSize, rows)), m_seed(seed)
{
    startEpoch();
}

void BatchSampler::startEpoch()
{
    restore({m_epoch + 1, 0});
}

void BatchSampler::restore(Position position)
{
    m_epoch = position.epoch;
    m_pos = position.offset;
    m_order = shuffledIndices(m_rows, m_seed + static_cast<uint64_t>(m_epoch) * 0x9E3779B97F4A7C15ULL);
}

torch::Tensor BatchSampler::next()
{
    if (m_pos + m_batchSize > m_rows)
        startEpoch();
    auto batch = torch::from_blob(m_order.data() + m_pos, {m_batchSize}, torch::kLong).clone();
    m_pos += m_batchSize;
    return batch;
}

double BatchSampler::epoch() const
{
    return static_cast<double>(m_epoch) + static_cast<double>(m_pos) / static_cast<double>(m_rows);
}

}  // namespace corral
