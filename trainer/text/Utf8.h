#pragma once
// Just enough UTF-8 for the tokenizer: decode one code point (a malformed byte is one unit of
// its own, so byte-level tokenisation still covers every byte) and append one.
#include <cstddef>
#include <string>

namespace corral::utf8 {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// The code point starting at s[0] (n > 0 bytes available) and its length in bytes; kInvalid
// with length 1 for a byte that does not start a well-formed sequence (overlong forms and
// surrogates included).
inline char32_t decode(const unsigned char *s, size_t n, size_t &length)
{
    const unsigned char b0 = s[0];
    length = 1;
    if (b0 < 0x80)
        return b0;
    size_t need = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        need = 1, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        need = 2, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        need = 3, cp = b0 & 0x07, min = 0x10000;
    } else {
        return kInvalid;
    }
    if (n <= need)
        return kInvalid;
    for (size_t i = 1; i <= need; ++i) {
        if ((s[i] & 0xC0) != 0x80)
            return kInvalid;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return kInvalid;
    length = need + 1;
    return cp;
}

inline void append(std::string &out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace corral::utf8
