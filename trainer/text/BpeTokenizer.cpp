#include "text/BpeTokenizer.h"

#include "text/PreTokenizer.h"

#include <algorithm>

namespace corral {

void BpeTokenizer::AddedTokens::add(const std::string &content, int32_t id)
{
    size_t node = 0;
    for (const char ch : content) {
        const auto b = static_cast<unsigned char>(ch);
        auto &children = nodes[node].children;
        const auto it = std::find_if(children.begin(), children.end(), [b](const auto &c) { return c.first == b; });
        if (it != children.end()) {
            node = static_cast<size_t>(it->second);
        } else {
            children.emplace_back(b, static_cast<int32_t>(nodes.size()));
            node = nodes.size();
            nodes.emplace_back();
        }
    }
    nodes[node].id = id;
    firstByte[static_cast<unsigned char>(content[0])] = true;
}

bool BpeTokenizer::AddedTokens::find(std::string_view text, size_t from, size_t &start, size_t &end, int32_t &id) const
{
    for (size_t i = from; i < text.size(); ++i) {
        if (!firstByte[static_cast<unsigned char>(text[i])])
            continue;
        size_t node = 0;
        id = -1;
        for (size_t j = i; j < text.size(); ++j) {
            const auto b = static_cast<unsigned char>(text[j]);
            const auto &children = nodes[node].children;
            const auto it = std::find_if(children.begin(), children.end(), [b](const auto &c) { return c.first == b; });
            if (it == children.end())
                break;
            node = static_cast<size_t>(it->second);
            if (nodes[node].id >= 0) {  // keep going: a longer token may start the same way
                id = nodes[node].id;
                end = j + 1;
            }
        }
        if (id >= 0) {
            start = i;
            return true;
        }
    }
    return false;
}

std::vector<int64_t> BpeTokenizer::encode(std::string_view text) const
{
    std::vector<int64_t> ids;
    ids.reserve(text.size() / 3 + 1);
    size_t pos = 0;
    size_t start = 0, end = 0;
    int32_t id = -1;
    while (m_added.find(text, pos, start, end, id)) {
        encodeStretch(text.substr(pos, start - pos), ids);
        ids.push_back(id);
        pos = end;
    }
    encodeStretch(text.substr(pos), ids);
    return ids;
}

void BpeTokenizer::encodeStretch(std::string_view text, std::vector<int64_t> &ids) const
{
    if (text.empty())
        return;
    std::vector<std::string_view> pieces;
    splitLlama3(text, pieces);
    for (const auto piece : pieces)
        encodePreToken(piece, ids);
}

void BpeTokenizer::encodePreToken(std::string_view bytes, std::vector<int64_t> &ids) const
{
    if (bytes.size() == 1) {
        ids.push_back(m_byteToken[static_cast<unsigned char>(bytes[0])]);
        return;
    }
    const uint64_t h = hashBytes(bytes);
    if (m_ignoreMerges) {
        if (const int32_t id = m_vocab.find(bytes, h); id >= 0) {
            ids.push_back(id);
            return;
        }
    }
    {
        std::lock_guard<std::mutex> lock(m_cacheMutex);
        if (m_cache.empty())
            m_cache.resize(kCacheSlots);
        const CacheSlot &slot = m_cache[h & (kCacheSlots - 1)];
        if (slot.hash == h && slot.bytes == bytes) {
            ids.insert(ids.end(), slot.ids.begin(), slot.ids.end());
            return;
        }
    }
    thread_local std::vector<int32_t> merged;
    merged.clear();
    mergeBytes(bytes, merged);
    ids.insert(ids.end(), merged.begin(), merged.end());
    std::lock_guard<std::mutex> lock(m_cacheMutex);
    CacheSlot &slot = m_cache[h & (kCacheSlots - 1)];
    slot.hash = h;
    slot.bytes.assign(bytes.data(), bytes.size());
    slot.ids.assign(merged.begin(), merged.end());
}

// BPE on one pre-token: start from its bytes' tokens, then merge the adjacent pair with the
// lowest rank (the leftmost of equals) until no pair has a merge. A heap of candidate merges
// keeps this O(n log n) for long pre-tokens (a run of 10,000 spaces is one pre-token);
// entries made stale by an earlier merge are recognised and dropped when they come up.
void BpeTokenizer::mergeBytes(std::string_view bytes, std::vector<int32_t> &ids) const
{
    struct Symbol {
        int32_t id;
        int32_t prev;
        int32_t next;  // -1 at the ends
    };
    struct Candidate {
        int32_t rank;
        int32_t pos;  // the left symbol, which keeps its place when the pair merges
        int32_t id;  // of the merged token
        bool operator>(const Candidate &o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    const auto n = static_cast<int32_t>(bytes.size());
    // Reused between calls (per thread): most pre-tokens are a few bytes, and two allocations
    // each would cost more than the merging.
    thread_local std::vector<Symbol> symbols;
    thread_local std::vector<Candidate> heap;
    symbols.resize(static_cast<size_t>(n));
    heap.clear();
    for (int32_t i = 0; i < n; ++i)
        symbols[static_cast<size_t>(i)] = {m_byteToken[static_cast<unsigned char>(bytes[static_cast<size_t>(i)])], i - 1,
                                           i + 1 < n ? i + 1 : -1};
    auto consider = [&](int32_t left) {
        const int32_t right = symbols[static_cast<size_t>(left)].next;
        if (right < 0)
            return;
        const Merge *m = m_merges.find(pairKey(symbols[static_cast<size_t>(left)].id, symbols[static_cast<size_t>(right)].id));
        if (!m)
            return;
        heap.push_back({m->rank, left, m->id});
        std::push_heap(heap.begin(), heap.end(), std::greater<>());
    };
    for (int32_t i = 0; i + 1 < n; ++i)
        consider(i);
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), std::greater<>());
        const Candidate top = heap.back();
        heap.pop_back();
        Symbol &left = symbols[static_cast<size_t>(top.pos)];
        if (left.id < 0 || left.next < 0)
            continue;  // merged into its left neighbour, or nothing right of it any more
        const Symbol &right = symbols[static_cast<size_t>(left.next)];
        const Merge *m = m_merges.find(pairKey(left.id, right.id));
        if (!m || m->id != top.id)
            continue;  // stale: one side has merged with something else since
        const int32_t gone = left.next;
        left.id = top.id;
        left.next = right.next;
        if (left.next >= 0)
            symbols[static_cast<size_t>(left.next)].prev = top.pos;
        symbols[static_cast<size_t>(gone)].id = -1;
        if (left.prev >= 0)
            consider(left.prev);
        consider(top.pos);
    }
    for (int32_t i = 0; i >= 0; i = symbols[static_cast<size_t>(i)].next)
        ids.push_back(symbols[static_cast<size_t>(i)].id);
    if (symbols.capacity() > (1u << 16)) {  // do not keep a huge pre-token's buffers
        symbols = {};
        heap = {};
    }
}

std::string BpeTokenizer::decode(const std::vector<int64_t> &ids) const
{
    std::string text;
    for (const int64_t id : ids) {
        if (id >= 0 && id < vocabSize())
            text += m_tokenText[static_cast<size_t>(id)];
    }
    return text;
}

int64_t BpeTokenizer::tokenId(std::string_view text) const
{
    const std::string key(text);
    if (const auto it = m_addedIds.find(key); it != m_addedIds.end())
        return it->second;
    if (const int32_t id = m_vocab.find(text); id >= 0)
        return id;
    return -1;
}

}  // namespace corral
