#pragma once
// GPT-2's byte-level alphabet, which byte-level BPE vocabularies (GPT-2, Llama 3) are written
// in: each of the 256 byte values is one printable character (the printable Latin-1 bytes are
// themselves, the rest are U+0100 onwards in byte order; a space is 'Ġ', a newline 'Ċ').
// The tokenizer works on raw bytes and converts vocabulary strings once, when it loads.
#include <cstdint>
#include <string>
#include <string_view>

namespace corral::bytelevel {

// The character that stands for byte b.
char32_t charOfByte(uint8_t b);
// The byte a character stands for, or -1 when it is not one of the 256.
int byteOfChar(char32_t cp);

// A vocabulary string to the bytes it stands for; false when it holds a character outside
// the alphabet (or is not UTF-8).
bool toBytes(std::string_view token, std::string &bytes);
// Bytes to a vocabulary string (UTF-8).
std::string fromBytes(std::string_view bytes);

}  // namespace corral::bytelevel
