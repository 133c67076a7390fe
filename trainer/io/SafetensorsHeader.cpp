#include "io/SafetensorsHeader.h"

#include <nlohmann/json.hpp>

namespace corral {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100u << 20;  // the format's own limit

struct DtypeInfo {
    SafetensorsDtype dtype;
    const char *name;
    uint64_t bytes;
};
constexpr DtypeInfo kDtypes[] = {
    {SafetensorsDtype::F32, "F32", 4}, {SafetensorsDtype::F16, "F16", 2}, {SafetensorsDtype::BF16, "BF16", 2},
    {SafetensorsDtype::F64, "F64", 8}, {SafetensorsDtype::I64, "I64", 8}, {SafetensorsDtype::I32, "I32", 4},
    {SafetensorsDtype::I16, "I16", 2}, {SafetensorsDtype::I8, "I8", 1},   {SafetensorsDtype::U8, "U8", 1},
    {SafetensorsDtype::Bool, "BOOL", 1},
};

const DtypeInfo &infoOf(SafetensorsDtype dtype)
{
    for (const auto &d : kDtypes) {
        if (d.dtype == dtype)
            return d;
    }
    return kDtypes[0];  // unreachable: every enumerator is in the table
}

}  // namespace

const char *safetensorsDtypeName(SafetensorsDtype dtype)
{
    return infoOf(dtype).name;
}

uint64_t safetensorsElementBytes(SafetensorsDtype dtype)
{
    return infoOf(dtype).bytes;
}

std::optional<SafetensorsDtype> safetensorsDtypeFromName(const std::string &name)
{
    for (const auto &d : kDtypes) {
        if (name == d.name)
            return d.dtype;
    }
    return std::nullopt;
}

Result<SafetensorsHeader> parseSafetensorsHeader(const unsigned char *bytes, uint64_t fileSize,
                                                 const std::string &source)
{
    auto fail = [&](const std::string &message) { return makeError(ErrorCode::Parse, message, source); };
    if (fileSize < 8)
        return fail("file too short for a safetensors header (" + std::to_string(fileSize) + " bytes)");
    uint64_t headerSize = 0;
    for (int i = 0; i < 8; ++i)
        headerSize |= static_cast<uint64_t>(bytes[i]) << (8 * i);
    if (headerSize > kMaxHeaderBytes || headerSize > fileSize - 8)
        return fail("header length " + std::to_string(headerSize) + " exceeds the file size or the 100 MiB limit");
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(bytes + 8, bytes + 8 + headerSize);
    } catch (const nlohmann::json::exception &e) {
        return fail(std::string("header is not valid JSON: ") + e.what());
    }
    if (!json.is_object())
        return fail("header is not a JSON object");
    SafetensorsHeader header;
    header.dataOffset = 8 + headerSize;
    header.dataSize = fileSize - 8 - headerSize;
    for (const auto &[name, entry] : json.items()) {
        try {
            if (name == "__metadata__") {
                for (const auto &[key, value] : entry.items()) {
                    if (value.is_string())
                        header.metadata[key] = value.get<std::string>();
                }
                continue;
            }
            const auto dtype = safetensorsDtypeFromName(entry.at("dtype").get<std::string>());
            if (!dtype)
                return fail("tensor '" + name + "': unsupported dtype " + entry.at("dtype").dump());
            // Lists of whole numbers only: nlohmann would convert 9.2e20 to an integer, which is
            // undefined behaviour, and read a single number as a list of one.
            if (!entry.at("shape").is_array())
                return fail("tensor '" + name + "': invalid shape " + entry.at("shape").dump());
            std::vector<int64_t> shape;
            for (const auto &d : entry.at("shape")) {
                if (!d.is_number_unsigned() || d.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
                    return fail("tensor '" + name + "': invalid shape " + entry.at("shape").dump());
                shape.push_back(d.get<int64_t>());
            }
            const auto &offsetList = entry.at("data_offsets");
            std::vector<uint64_t> offsets;
            for (size_t i = 0; offsetList.is_array() && i < offsetList.size(); ++i) {
                if (!offsetList[i].is_number_unsigned())
                    break;
                offsets.push_back(offsetList[i].get<uint64_t>());
            }
            if (!offsetList.is_array() || offsets.size() != offsetList.size())
                return fail("tensor '" + name + "': data_offsets must be byte offsets, got " + offsetList.dump());
            if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > header.dataSize)
                return fail("tensor '" + name + "': data_offsets out of the data section");
            uint64_t elements = 1;
            for (const int64_t d : shape) {
                if (d > 0 && elements > (UINT64_MAX / static_cast<uint64_t>(d)))
                    return fail("tensor '" + name + "': invalid shape");
                elements *= static_cast<uint64_t>(d);
            }
            // The bytes in 64 bits without wrapping: a shape of 2^61 F64 elements must not come
            // out as 0 bytes and be handed out as a view of an empty range.
            const uint64_t elementBytes = safetensorsElementBytes(*dtype);
            if (elements > UINT64_MAX / elementBytes)
                return fail("tensor '" + name + "': shape " + shapeString(shape) + " is too large");
            const uint64_t need = elements * elementBytes;
            if (need != offsets[1] - offsets[0])
                return fail("tensor '" + name + "': shape " + shapeString(shape) + " and dtype need "
                            + std::to_string(need) + " bytes, offsets give " + std::to_string(offsets[1] - offsets[0]));
            header.entries.emplace(name, SafetensorsHeader::Entry{*dtype, shape, offsets[0], offsets[1]});
        } catch (const nlohmann::json::exception &e) {
            return fail("tensor '" + name + "': malformed entry: " + e.what());
        }
    }
    return header;
}

std::string shapeString(const std::vector<int64_t> &shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

}  // namespace corral
