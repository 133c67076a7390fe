// safetensors files from anywhere (a downloaded model, an adapter someone sent): the header
// parser never throws, and every tensor it accepts lies inside the data section with exactly
// the bytes its shape and dtype need, so the views the trainer makes over the mapped file
// (io/Safetensors.cpp) never reach outside it. The bytes of every accepted tensor are read
// here, so AddressSanitizer sees any that would.
//
// Input: the file's bytes.
#include "FuzzSupport.h"

#include "io/SafetensorsHeader.h"

using namespace corral;

// The sum of the tensors' bytes goes here so the reads are not optimised away.
volatile unsigned bytesSeen;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto header = parseSafetensorsHeader(data, size, "fuzz.safetensors");
    if (!header)
        return 0;
    const SafetensorsHeader &h = header.value();
    FUZZ_CHECK(h.dataOffset >= 8 && h.dataOffset + h.dataSize == size, "the data section is not the file's rest");
    unsigned sum = 0;
    for (const auto &[name, entry] : h.entries) {
        FUZZ_CHECK(entry.begin <= entry.end && entry.end <= h.dataSize,
                   "tensor '" + name + "' outside the data section");
        // The bytes the shape needs, in 128 bits so nothing wraps (a zero dimension makes it 0).
        bool empty = false;
        for (const int64_t d : entry.shape) {
            FUZZ_CHECK(d >= 0, "tensor '" + name + "' has a negative dimension");
            empty = empty || d == 0;
        }
        unsigned __int128 need = empty ? 0 : safetensorsElementBytes(entry.dtype);
        bool tooLarge = false;
        for (size_t i = 0; i < entry.shape.size() && !empty && !tooLarge; ++i) {
            need *= static_cast<uint64_t>(entry.shape[i]);
            tooLarge = need > size;  // exact so far: two 64-bit factors fit in 128 bits
        }
        FUZZ_CHECK(!tooLarge && need == entry.end - entry.begin,
                   "tensor '" + name + "': shape " + shapeString(entry.shape) + " " + safetensorsDtypeName(entry.dtype)
                       + " does not need the " + std::to_string(entry.end - entry.begin) + " bytes it was given");
        for (uint64_t i = entry.begin; i < entry.end; ++i)
            sum += data[h.dataOffset + i];
    }
    bytesSeen = sum;
    return 0;
}
