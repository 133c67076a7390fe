#include "io/Safetensors.h"

#include <nlohmann/json.hpp>

#include <torch/torch.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unistd.h>

namespace corral {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100u << 20;  // the format's own limit

struct DtypeName {
    torch::ScalarType type;
    const char *name;
};
constexpr DtypeName kDtypes[] = {
    {torch::kFloat, "F32"}, {torch::kHalf, "F16"}, {torch::kBFloat16, "BF16"}, {torch::kDouble, "F64"},
    {torch::kLong, "I64"},  {torch::kInt, "I32"},  {torch::kShort, "I16"},     {torch::kChar, "I8"},
    {torch::kByte, "U8"},   {torch::kBool, "BOOL"},
};

const char *dtypeName(torch::ScalarType type)
{
    for (const auto &d : kDtypes) {
        if (d.type == type)
            return d.name;
    }
    return nullptr;
}

std::optional<torch::ScalarType> dtypeFromName(const std::string &name)
{
    for (const auto &d : kDtypes) {
        if (name == d.name)
            return d.type;
    }
    return std::nullopt;
}

}  // namespace

Status writeSafetensors(const std::string &path, const TensorMap &tensors, const std::map<std::string, std::string> &metadata)
{
    nlohmann::json header = nlohmann::json::object();
    std::vector<torch::Tensor> blobs;
    uint64_t offset = 0;
    for (const auto &[name, tensor] : tensors) {
        const char *dtype = dtypeName(tensor.scalar_type());
        if (!dtype)
            return makeError(ErrorCode::InvalidArgument, "unsupported dtype for safetensors", name);
        auto blob = tensor.detach().to(torch::kCPU).contiguous();
        const uint64_t bytes = blob.numel() * blob.element_size();
        header[name] = {{"dtype", dtype}, {"shape", blob.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
        blobs.push_back(blob);
    }
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::string headerText = header.dump();
    headerText.append((8 - headerText.size() % 8) % 8, ' ');
    const uint64_t headerSize = headerText.size();

    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        return makeError(ErrorCode::Io, std::string("cannot create: ") + std::strerror(errno), path);
    unsigned char sizeBytes[8];
    for (int i = 0; i < 8; ++i)
        sizeBytes[i] = static_cast<unsigned char>(headerSize >> (8 * i));
    bool ok = std::fwrite(sizeBytes, 1, 8, f) == 8 && std::fwrite(headerText.data(), 1, headerSize, f) == headerSize;
    for (const auto &blob : blobs) {
        const size_t bytes = blob.numel() * blob.element_size();
        ok = ok && std::fwrite(blob.data_ptr(), 1, bytes, f) == bytes;
    }
    ok = ok && std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
    ok = (std::fclose(f) == 0) && ok;
    if (!ok)
        return makeError(ErrorCode::Io, std::string("write failed: ") + std::strerror(errno), path);
    return okStatus();
}

Result<TensorMap> readSafetensors(const std::string &path)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        return makeError(ErrorCode::NotFound, "cannot open safetensors file", path);
    const auto fileSize = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    auto fail = [&](const std::string &message) { return makeError(ErrorCode::Parse, message, path); };
    if (fileSize < 8)
        return fail("file too short for a safetensors header (" + std::to_string(fileSize) + " bytes)");
    unsigned char sizeBytes[8];
    in.read(reinterpret_cast<char *>(sizeBytes), 8);
    uint64_t headerSize = 0;
    for (int i = 0; i < 8; ++i)
        headerSize |= static_cast<uint64_t>(sizeBytes[i]) << (8 * i);
    if (headerSize > kMaxHeaderBytes || headerSize > fileSize - 8)
        return fail("header length " + std::to_string(headerSize) + " exceeds the file size or the 100 MiB limit");
    std::string headerText(headerSize, '\0');
    in.read(headerText.data(), static_cast<std::streamsize>(headerSize));
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(headerText);
    } catch (const nlohmann::json::exception &e) {
        return fail(std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object())
        return fail("header is not a JSON object");
    const uint64_t dataSize = fileSize - 8 - headerSize;
    TensorMap tensors;
    for (const auto &[name, entry] : header.items()) {
        if (name == "__metadata__")
            continue;
        try {
            const auto dtype = dtypeFromName(entry.at("dtype").get<std::string>());
            if (!dtype)
                return fail("tensor '" + name + "': unsupported dtype " + entry.at("dtype").dump());
            const auto shape = entry.at("shape").get<std::vector<int64_t>>();
            const auto offsets = entry.at("data_offsets").get<std::vector<uint64_t>>();
            if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > dataSize)
                return fail("tensor '" + name + "': data_offsets out of the data section");
            uint64_t elements = 1;
            for (const int64_t d : shape) {
                if (d < 0 || (d > 0 && elements > (UINT64_MAX / static_cast<uint64_t>(d))))
                    return fail("tensor '" + name + "': invalid shape");
                elements *= static_cast<uint64_t>(d);
            }
            auto tensor = torch::empty(shape, torch::TensorOptions().dtype(*dtype));
            const uint64_t bytes = offsets[1] - offsets[0];
            if (elements * static_cast<uint64_t>(tensor.element_size()) != bytes)
                return fail("tensor '" + name + "': shape and dtype need "
                            + std::to_string(elements * tensor.element_size()) + " bytes, offsets give "
                            + std::to_string(bytes));
            in.seekg(static_cast<std::streamoff>(8 + headerSize + offsets[0]));
            in.read(static_cast<char *>(tensor.data_ptr()), static_cast<std::streamsize>(bytes));
            if (!in)
                return fail("tensor '" + name + "': short read");
            tensors.emplace(name, tensor);
        } catch (const nlohmann::json::exception &e) {
            return fail("tensor '" + name + "': malformed entry: " + e.what());
        }
    }
    return tensors;
}

}  // namespace corral
