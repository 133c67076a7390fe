#include "text/ByteLevel.h"

#include "text/Utf8.h"

#include <array>

namespace corral::bytelevel {
namespace {

struct Alphabet {
    std::array<char32_t, 256> charOf{};
    std::array<int16_t, 512> byteOf{};  // every character of the alphabet is below U+0200

    Alphabet()
    {
        byteOf.fill(-1);
        // Bytes that are printable Latin-1 characters stand for themselves: '!'..'~', '¡'..'¬', '®'..'ÿ'.
        auto printable = [](int b) { return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE); };
        char32_t next = 0x100;  // the others take U+0100, U+0101, ... in byte order
        for (int b = 0; b < 256; ++b) {
            charOf[static_cast<size_t>(b)] = printable(b) ? static_cast<char32_t>(b) : next++;
            byteOf[charOf[static_cast<size_t>(b)]] = static_cast<int16_t>(b);
        }
    }
};

const Alphabet &alphabet()
{
    static const Alphabet a;
    return a;
}

}  // namespace

char32_t charOfByte(uint8_t b)
{
    return alphabet().charOf[b];
}

int byteOfChar(char32_t cp)
{
    return cp < 512 ? alphabet().byteOf[cp] : -1;
}

bool toBytes(std::string_view token, std::string &bytes)
{
    bytes.clear();
    const auto *s = reinterpret_cast<const unsigned char *>(token.data());
    for (size_t i = 0; i < token.size();) {
        size_t length = 0;
        const char32_t cp = utf8::decode(s + i, token.size() - i, length);
        const int b = cp == utf8::kInvalid ? -1 : byteOfChar(cp);
        if (b < 0)
            return false;
        bytes += static_cast<char>(b);
        i += length;
    }
    return true;
}

std::string fromBytes(std::string_view bytes)
{
    std::string out;
    for (const char c : bytes)
        utf8::append(out, charOfByte(static_cast<uint8_t>(c)));
    return out;
}

}  // namespace corral::bytelevel
