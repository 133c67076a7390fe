#pragma once
// The character classes Llama 3's pre-tokenizer pattern is written in: \p{L} (letters), \p{N}
// (numbers), \s (white space) and everything else. The tables (UnicodeTables.cpp) are generated
// by gen_unicode_tables.mjs from JavaScript's definitions, which the reference tokenizer applies.
#include <cstddef>
#include <cstdint>

namespace corral::unicode {

enum class CharClass : uint8_t { Other, Letter, Number, Space };

struct Range {
    char32_t first;
    char32_t last;
    CharClass cls;
};

extern const Range kRanges[];
extern const size_t kRangeCount;
extern const char *const kVersion;  // the Unicode version of the tables, e.g. "17.0"

// The class of a code point; Other for unassigned ones and for anything above U+10FFFF.
CharClass classOf(char32_t cp);

}  // namespace corral::unicode
