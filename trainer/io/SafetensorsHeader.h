#pragma once
// The header of a safetensors file, without LibTorch: an 8-byte little-endian length, then a
// JSON object {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}, then
// the data section. Every offset, shape and dtype is checked against the file's size here, so
// the reader (io/Safetensors.h) can hand out views of the bytes without further checks; and so
// the whole check runs, and is fuzzed (tests/fuzz), without LibTorch.
#include "config/Result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace corral {

enum class SafetensorsDtype { F32, F16, BF16, F64, I64, I32, I16, I8, U8, Bool };

const char *safetensorsDtypeName(SafetensorsDtype dtype);  // "F32"
std::optional<SafetensorsDtype> safetensorsDtypeFromName(const std::string &name);
uint64_t safetensorsElementBytes(SafetensorsDtype dtype);

struct SafetensorsHeader {
    struct Entry {
        SafetensorsDtype dtype = SafetensorsDtype::F32;
        std::vector<int64_t> shape;
        uint64_t begin = 0;  // byte offsets into the data section
        uint64_t end = 0;
    };
    uint64_t dataOffset = 0;  // where the data section starts in the file: 8 + the header's length
    uint64_t dataSize = 0;    // bytes in the data section
    std::map<std::string, Entry> entries;
    std::map<std::string, std::string> metadata;  // "__metadata__": its string values
};

// Reads the header of a file whose first `fileSize` bytes are at `bytes`. Errors say what is
// wrong (and with which tensor); their context is `source`.
Result<SafetensorsHeader> parseSafetensorsHeader(const unsigned char *bytes, uint64_t fileSize,
                                                 const std::string &source);

std::string shapeString(const std::vector<int64_t> &shape);  // "[4096, 2048]"

}  // namespace corral
