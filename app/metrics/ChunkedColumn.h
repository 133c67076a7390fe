#pragma once
// One column of a series store: doubles kept in fixed-size blocks. Appending never moves
// more than one block, so a run with a million points grows without the reallocation copy
// of a whole column (tens of milliseconds on the GUI thread) and without the slack of a
// doubling vector: the memory held is the values plus at most one partly filled block. The
// first block grows like a vector, so a short run does not hold 64 KiB per column.
#include <QtGlobal>

#include <algorithm>
#include <vector>

namespace corral {

class ChunkedColumn {
public:
    static constexpr int kBlockBits = 13;
    static constexpr qsizetype kBlockSize = qsizetype(1) << kBlockBits;  // 8,192 values, 64 KiB

    qsizetype size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    double operator[](qsizetype i) const { return m_blocks[size_t(i >> kBlockBits)][size_t(i & (kBlockSize - 1))]; }
    double back() const { return m_blocks.back().back(); }

    void append(double value)
    {
        if (m_blocks.empty() || qsizetype(m_blocks.back().size()) == kBlockSize) {
            m_blocks.emplace_back();
            if (m_blocks.size() > 1)
                m_blocks.back().reserve(size_t(kBlockSize));
        }
        m_blocks.back().push_back(value);
        ++m_size;
    }

    void clear()
    {
        m_blocks.clear();
        m_blocks.shrink_to_fit();
        m_size = 0;
    }

    // Calls fn(values, count, firstIndex) for the contiguous runs of values in [begin, end):
    // tight loops over plain arrays, without the block lookup per value.
    template<typename Fn>
    void forEachSpan(qsizetype begin, qsizetype end, Fn &&fn) const
    {
        while (begin < end) {
            const auto &block = m_blocks[size_t(begin >> kBlockBits)];
            const qsizetype offset = begin & (kBlockSize - 1);
            const qsizetype n = std::min(end - begin, kBlockSize - offset);
            fn(block.data() + offset, n, begin);
            begin += n;
        }
    }

    // Bytes this column holds on the heap: its blocks and the table of blocks.
    qsizetype bytesHeld() const
    {
        size_t bytes = m_blocks.capacity() * sizeof(m_blocks[0]);
        for (const auto &block : m_blocks)
            bytes += block.capacity() * sizeof(double);
        return qsizetype(bytes);
    }

    // First index whose value is >= v (size() when none). The column must be sorted; NaNs
    // may only lead it (values not known yet) and count as smaller than everything.
    qsizetype lowerBound(double v) const
    {
        qsizetype lo = 0, hi = m_size;
        while (lo < hi) {
            const qsizetype mid = lo + (hi - lo) / 2;
            if (!((*this)[mid] >= v))
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
    // First index whose value is > v (size() when none); sorted as for lowerBound.
    qsizetype upperBound(double v) const
    {
        qsizetype lo = 0, hi = m_size;
        while (lo < hi) {
            const qsizetype mid = lo + (hi - lo) / 2;
            if (!(v < (*this)[mid]))
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

private:
    std::vector<std::vector<double>> m_blocks;
    qsizetype m_size = 0;
};

}  // namespace corral
