#include "data/TextDataset.h"

#include "data/TokenCache.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace corral {
namespace {

// A document as one token stream; flags[i] says whether token i is a loss target.
struct Stream {
    std::vector<int64_t> tokens;
    std::vector<uint8_t> flags;
};

void appendDocument(Stream &s, const Document &doc, const Tokenizer &tokenizer)
{
    s.tokens.push_back(tokenizer.bosId());
    s.flags.push_back(0);  // never predict a document's start from the previous one
    bool lastTrained = false;
    for (const auto &piece : doc.pieces) {
        const auto ids = tokenizer.encode(piece.text);
        s.tokens.insert(s.tokens.end(), ids.begin(), ids.end());
        s.flags.insert(s.flags.end(), ids.size(), piece.trained ? 1 : 0);
        lastTrained = piece.trained;
    }
    s.tokens.push_back(tokenizer.eosId());
    s.flags.push_back(lastTrained ? 1 : 0);
}

// tokens[begin, begin + n) as an example; false when it has no target at all.
bool makeExample(const Stream &s, size_t begin, size_t n, Example &out)
{
    out.tokens.assign(s.tokens.begin() + static_cast<long>(begin), s.tokens.begin() + static_cast<long>(begin + n));
    out.trained.assign(s.flags.begin() + static_cast<long>(begin + 1), s.flags.begin() + static_cast<long>(begin + n));
    return std::find(out.trained.begin(), out.trained.end(), 1) != out.trained.end();
}

DataSplit buildSplit(const std::vector<Document> &docs, const std::vector<int64_t> &indices,
                     const Tokenizer &tokenizer, const DataConfig &config)
{
    DataSplit split;
    split.documents = static_cast<int64_t>(indices.size());
    const auto window = static_cast<size_t>(config.max_seq_len + 1);
    Example example;
    auto keep = [&](bool hasTarget) {
        if (!hasTarget)
            return;
        split.targets += std::count(example.trained.begin(), example.trained.end(), 1);
        split.examples.push_back(example);
    };
    if (config.packing) {
        // Windows of max_seq_len + 1 with stride max_seq_len: every token is a target once.
        Stream stream;
        for (const int64_t i : indices)
            appendDocument(stream, docs[static_cast<size_t>(i)], tokenizer);
        for (size_t begin = 0; begin + window <= stream.tokens.size(); begin += window - 1)
            keep(makeExample(stream, begin, window, example));
    } else {
        for (const int64_t i : indices) {
            Stream stream;
            appendDocument(stream, docs[static_cast<size_t>(i)], tokenizer);
            keep(makeExample(stream, 0, std::min(window, stream.tokens.size()), example));
        }
    }
    return split;
}

}  // namespace

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

Result<TextData> prepareTextData(const DataConfig &config, const Tokenizer &tokenizer,
                                 const std::vector<Document> &docs)
{
    const auto n = static_cast<int64_t>(docs.size());
    if (n < 2)
        return makeError(ErrorCode::Validation,
                         "need at least 2 documents for a train/validation split, found " + std::to_string(n)
                             + " (in plain text, documents are separated by blank lines)",
                         "data.files");
    const auto order = shuffledIndices(n, static_cast<uint64_t>(config.seed));
    const int64_t valDocs = std::clamp<int64_t>(std::llround(config.val_fraction * static_cast<double>(n)), 1, n - 1);
    TextData data;
    data.val = buildSplit(docs, {order.begin(), order.begin() + valDocs}, tokenizer, config);
    data.train = buildSplit(docs, {order.begin() + valDocs, order.end()}, tokenizer, config);
    for (const auto *split : {&data.train, &data.val}) {
        if (split->size() == 0)
            return makeError(ErrorCode::Validation,
                             std::string("the ") + (split == &data.train ? "training" : "validation") + " split ("
                                 + std::to_string(split->documents) + " documents) yields no sequence of "
                                 + std::to_string(config.max_seq_len + 1)
                                 + " tokens with a loss target; add data, lower data.max_seq_len, turn data.packing "
                                   "off or change data.val_fraction",
                             "data.files");
    }
    return data;
}

Result<TextData> loadTextData(const DataConfig &config, const Tokenizer &tokenizer)
{
    std::string cacheFile;
    if (config.cache) {
        cacheFile = dataCachePath(config, dataCacheKey(config, tokenizer.fingerprint()));
        if (auto cached = readDataCache(cacheFile)) {
            cached.value().cacheFile = cacheFile;
            cached.value().fromCache = true;
            return cached;
        }
    }
    auto loaded = loadDocuments(config);
    if (!loaded)
        return loaded.error();
    auto data = prepareTextData(config, tokenizer, loaded.value().documents);
    if (data) {
        data.value().problems = std::move(loaded.value().problems);
        data.value().records = loaded.value().records;
        // A cache that cannot be written (read-only data folder) only costs the next run time.
        if (!cacheFile.empty() && writeDataCache(cacheFile, data.value()).ok())
            data.value().cacheFile = cacheFile;
    }
    return data;
}

Batch collate(const DataSplit &split, const std::vector<int64_t> &indices, const Tokenizer &tokenizer)
{
    const int64_t padId = tokenizer.eosId(), bosId = tokenizer.bosId();
    size_t length = 1;
    for (const int64_t i : indices)
        length = std::max(length, split.examples[static_cast<size_t>(i)].tokens.size() - 1);
    const auto b = static_cast<int64_t>(indices.size());
    const auto l = static_cast<int64_t>(length);
    Batch batch;
    batch.inputs = torch::full({b, l}, padId, torch::kLong);
    batch.labels = torch::full({b, l}, kIgnoreIndex, torch::kLong);
    auto inputs = batch.inputs.accessor<int64_t, 2>();
    auto labels = batch.labels.accessor<int64_t, 2>();
    for (int64_t r = 0; r < b; ++r) {
        const Example &e = split.examples[static_cast<size_t>(indices[static_cast<size_t>(r)])];
        batch.tokens += static_cast<int64_t>(e.tokens.size()) - 1;
        for (size_t j = 0; j + 1 < e.tokens.size(); ++j) {
            inputs[r][static_cast<int64_t>(j)] = e.tokens[j];
            if (e.trained[j]) {
                labels[r][static_cast<int64_t>(j)] = e.tokens[j + 1];
                ++batch.targets;
            }
        }
    }
    // Documents packed into one row: each starts at its BOS, with rotary positions from 0 and
    // attention only within itself.
    bool packed = false;
    for (int64_t r = 0; r < b && !packed; ++r) {
        for (int64_t j = 1; j < l && !packed; ++j)
            packed = inputs[r][j] == bosId;
    }
    if (packed) {
        batch.positions = torch::empty({b, l}, torch::kLong);
        batch.segments = torch::empty({b, l}, torch::kLong);
        auto pos = batch.positions.accessor<int64_t, 2>();
        auto seg = batch.segments.accessor<int64_t, 2>();
        for (int64_t r = 0; r < b; ++r) {
            int64_t segment = 0, start = 0;
            for (int64_t j = 0; j < l; ++j) {
                if (inputs[r][j] == bosId) {
                    ++segment;
                    start = j;
                }
                pos[r][j] = j - start;
                seg[r][j] = segment;
            }
        }
    }
    return batch;
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

std::vector<int64_t> BatchSampler::next()
{
    if (m_pos + m_batchSize > m_rows)
        startEpoch();
    std::vector<int64_t> batch(m_order.begin() + m_pos, m_order.begin() + m_pos + m_batchSize);
    m_pos += m_batchSize;
    return batch;
}

double BatchSampler::epoch() const
{
    return static_cast<double>(m_epoch) + static_cast<double>(m_pos) / static_cast<double>(m_rows);
}

}  // namespace corral
