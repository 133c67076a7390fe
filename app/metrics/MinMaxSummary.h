#pragma once
// A summary of a ChunkedColumn in groups of 64 values: in each group, where its first smallest
// and first largest drawable value are (finite; and again among the positive ones, for a log
// axis), and how many there are. downsampleMinMax takes a pixel column's whole groups from here
// instead of reading their values, so following a run of a million points recomputes its view
// in a fraction of the time, with the same result point for point: groups are merged in order
// with the same strict comparisons as the plain scan, so ties resolve to the same first point.
//
// The extremes' values are kept too, so merging groups reads the summary in order instead of
// fetching values scattered over the column (cache misses that cost more than they save): 40
// bytes a group, under 0.7 byte a value, kept beside what it summarises by whoever draws it
// (MetricChart keeps one per drawn column) and extended as values arrive.
#include "metrics/ChunkedColumn.h"

#include <cstdint>
#include <vector>

namespace corral {

class MinMaxSummary {
public:
    static constexpr int kGroupBits = 6;
    static constexpr qsizetype kGroupSize = qsizetype(1) << kGroupBits;

    struct Extremes {
        double lowest = 0, highest = 0;  // the values, when count > 0
        std::int8_t lo = -1, hi = -1;    // offsets in the group of the first smallest / largest; -1: none
        std::uint8_t count = 0;          // drawable values in the group
    };
    struct Group {
        Extremes finite;    // every finite value
        Extremes positive;  // finite values > 0 (a log axis)
    };

    // Summarises the complete groups `y` gained since the last call. A column that is not the
    // one summarised so far, or that shrank, starts the summary over; a column rewritten in
    // place to the same size or longer cannot be told apart: call reset() then.
    void extend(const ChunkedColumn &y);
    void reset();

    // Complete groups summarised: values [0, groups() * kGroupSize) of the column.
    qsizetype groups() const { return qsizetype(m_groups.size()); }
    const Group &group(qsizetype g) const { return m_groups[size_t(g)]; }
    bool summarises(const ChunkedColumn &y) const { return m_column == &y; }

private:
    const ChunkedColumn *m_column = nullptr;
    std::vector<Group> m_groups;
};

}  // namespace corral
