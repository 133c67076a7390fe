#include "text/UnicodeClass.h"

#include <algorithm>
#include <array>

namespace corral::unicode {
namespace {

CharClass searchRanges(char32_t cp)
{
    const Range *end = kRanges + kRangeCount;
    const Range *it = std::upper_bound(kRanges, end, cp, [](char32_t c, const Range &r) { return c < r.first; });
    if (it == kRanges)
        return CharClass::Other;
    --it;
    return cp <= it->last ? it->cls : CharClass::Other;
}

// The Basic Multilingual Plane as a flat table (64 KiB): nearly all text is there, and a
// lookup per character must cost next to nothing for the tokenizer to reach several MB/s.
const std::array<CharClass, 0x10000> &bmpTable()
{
    static const auto table = [] {
        std::array<CharClass, 0x10000> t{};
        for (char32_t cp = 0; cp < 0x10000; ++cp)
            t[cp] = searchRanges(cp);
        return t;
    }();
    return table;
}

}  // namespace

CharClass classOf(char32_t cp)
{
    if (cp < 0x10000)
        return bmpTable()[cp];
    return searchRanges(cp);
}

}  // namespace corral::unicode
