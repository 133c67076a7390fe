#pragma once
// Two hash tables for BpeTokenizer's lookups, filled once when a tokenizer.json loads and only
// read after that: open addressing with linear probing in one flat array, so a lookup is a
// hash and usually one cache line. std::unordered_map's node per entry made these lookups
// most of the encoding time (a Llama 3 file has 128,000 tokens and 280,000 merges).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace corral {

// 64-bit FNV-1a.
inline uint64_t hashBytes(std::string_view bytes)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char c : bytes)
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return h;
}

// Slots for at least n entries at most half full: a power of two.
inline size_t tableCapacity(size_t n)
{
    size_t capacity = 16;
    while (capacity < 2 * n)
        capacity *= 2;
    return capacity;
}

// A pair of token ids (as one 64-bit key) → a value.
template <class Value>
class PairTable {
public:
    void reserve(size_t n) { m_slots.assign(tableCapacity(n), Slot{kEmpty, Value{}}); }
    // Inserts, or replaces the value of a key already there. reserve() must have made room.
    void insertOrAssign(uint64_t key, const Value &value) { m_slots[indexOf(key)] = {key, value}; }
    const Value *find(uint64_t key) const
    {
        if (m_slots.empty())
            return nullptr;
        const Slot &s = m_slots[indexOf(key)];
        return s.key == key ? &s.value : nullptr;
    }

private:
    static constexpr uint64_t kEmpty = ~0ULL;  // token ids are below 2^24: no pair is all ones
    struct Slot {
        uint64_t key;
        Value value;
    };
    // The slot holding key, or the empty one where it would go.
    size_t indexOf(uint64_t key) const
    {
        const size_t mask = m_slots.size() - 1;
        for (size_t i = ((key * 0x9E3779B97F4A7C15ULL) >> 32) & mask;; i = (i + 1) & mask) {
            if (m_slots[i].key == key || m_slots[i].key == kEmpty)
                return i;
        }
    }
    std::vector<Slot> m_slots;
};

// Byte strings → token ids; the strings are kept in the table.
class BytesTable {
public:
    void reserve(size_t n)
    {
        m_slots.assign(tableCapacity(n), Slot{0, -1, -1});
        m_keys.reserve(n);
    }
    // Adds bytes → id unless bytes is there already (then false). reserve() must have made room.
    bool insert(const std::string &bytes, int32_t id)
    {
        const uint64_t h = hashBytes(bytes);
        Slot &s = m_slots[indexOf(bytes, h)];
        if (s.key >= 0)
            return false;
        s = {h, static_cast<int32_t>(m_keys.size()), id};
        m_keys.push_back(bytes);
        return true;
    }
    // The id of bytes (whose hashBytes() is h), or -1.
    int32_t find(std::string_view bytes, uint64_t h) const
    {
        return m_slots.empty() ? -1 : m_slots[indexOf(bytes, h)].id;
    }
    int32_t find(std::string_view bytes) const { return find(bytes, hashBytes(bytes)); }

private:
    struct Slot {
        uint64_t hash;
        int32_t key;  // index into m_keys; -1 when empty
        int32_t id;
    };
    size_t indexOf(std::string_view bytes, uint64_t h) const
    {
        const size_t mask = m_slots.size() - 1;
        for (size_t i = h & mask;; i = (i + 1) & mask) {
            const Slot &s = m_slots[i];
            if (s.key < 0 || (s.hash == h && m_keys[static_cast<size_t>(s.key)] == bytes))
                return i;
        }
    }
    std::vector<Slot> m_slots;
    std::vector<std::string> m_keys;
};

}  // namespace corral
