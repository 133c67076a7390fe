#include "io/Safetensors.h"

#include <nlohmann/json.hpp>

#include <torch/torch.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
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
    // The header from shapes alone; then each tensor is written as it is (one staged copy at a
    // time at most, for tensors on a GPU or not contiguous), so writing a model costs no second copy.
    nlohmann::json header = nlohmann::json::object();
    uint64_t offset = 0;
    for (const auto &[name, tensor] : tensors) {
        const char *dtype = dtypeName(tensor.scalar_type());
        if (!dtype)
            return makeError(ErrorCode::InvalidArgument, "unsupported dtype for safetensors", name);
        const uint64_t bytes = tensor.numel() * tensor.element_size();
        header[name] = {{"dtype", dtype}, {"shape", tensor.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::string headerText = header.dump();
    headerText.append((8 - headerText.size() % 8) % 8, ' ');
    const uint64_t headerSize = headerText.size();

    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        return osError(errno, "cannot create", path);
    int err = 0;  // errno of the first failure: later calls (fclose) would overwrite it
    auto check = [&err](bool ok) {
        if (!ok && err == 0)
            err = errno != 0 ? errno : EIO;
        return ok;
    };
    unsigned char sizeBytes[8];
    for (int i = 0; i < 8; ++i)
        sizeBytes[i] = static_cast<unsigned char>(headerSize >> (8 * i));
    errno = 0;
    bool ok = check(std::fwrite(sizeBytes, 1, 8, f) == 8) && check(std::fwrite(headerText.data(), 1, headerSize, f) == headerSize);
    for (const auto &[name, tensor] : tensors) {
        const auto blob = tensor.detach().to(torch::kCPU).contiguous();
        const size_t bytes = blob.numel() * blob.element_size();
        ok = ok && check(std::fwrite(blob.data_ptr(), 1, bytes, f) == bytes);
    }
    ok = ok && check(std::fflush(f) == 0) && check(::fsync(fileno(f)) == 0);
    ok = check(std::fclose(f) == 0) && ok;
    if (!ok)
        return osError(err, "write failed", path);
    return okStatus();
}

Result<std::shared_ptr<SafetensorsFile>> SafetensorsFile::open(const std::string &path)
{
    auto fail = [&](const std::string &message) { return makeError(ErrorCode::Parse, message, path); };
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(ErrorCode::NotFound, std::string("cannot open safetensors file: ") + std::strerror(errno), path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        return makeError(ErrorCode::Io, std::string("cannot stat: ") + std::strerror(errno), path);
    }
    const auto fileSize = static_cast<uint64_t>(st.st_size);
    if (fileSize < 8) {
        ::close(fd);
        return fail("file too short for a safetensors header (" + std::to_string(fileSize) + " bytes)");
    }
    void *map = ::mmap(nullptr, fileSize, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);  // the mapping keeps the file
    if (map == MAP_FAILED)
        return makeError(ErrorCode::Io, std::string("cannot map: ") + std::strerror(errno), path);
    std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
    file->m_self = file;
    file->m_path = path;
    file->m_map = map;
    file->m_mapSize = fileSize;
    const auto *bytes = static_cast<const unsigned char *>(map);
    uint64_t headerSize = 0;
    for (int i = 0; i < 8; ++i)
        headerSize |= static_cast<uint64_t>(bytes[i]) << (8 * i);
    if (headerSize > kMaxHeaderBytes || headerSize > fileSize - 8)
        return fail("header length " + std::to_string(headerSize) + " exceeds the file size or the 100 MiB limit");
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(bytes + 8, bytes + 8 + headerSize);
    } catch (const nlohmann::json::exception &e) {
        return fail(std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object())
        return fail("header is not a JSON object");
    file->m_data = bytes + 8 + headerSize;
    const uint64_t dataSize = fileSize - 8 - headerSize;
    for (const auto &[name, entry] : header.items()) {
        try {
            if (name == "__metadata__") {
                for (const auto &[key, value] : entry.items()) {
                    if (value.is_string())
                        file->m_metadata[key] = value.get<std::string>();
                }
                continue;
            }
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
            const uint64_t need = elements * static_cast<uint64_t>(c10::elementSize(*dtype));
            if (need != offsets[1] - offsets[0])
                return fail("tensor '" + name + "': shape " + shapeString(shape) + " and dtype need "
                            + std::to_string(need) + " bytes, offsets give " + std::to_string(offsets[1] - offsets[0]));
            file->m_entries.emplace(name, Entry{*dtype, shape, offsets[0], offsets[1]});
        } catch (const nlohmann::json::exception &e) {
            return fail("tensor '" + name + "': malformed entry: " + e.what());
        }
    }
    return file;
}

SafetensorsFile::~SafetensorsFile()
{
    if (m_map)
        ::munmap(m_map, m_mapSize);
}

torch::Tensor SafetensorsFile::view(const std::string &name) const
{
    const auto &e = m_entries.at(name);
    auto keepAlive = m_self.lock();
    // from_blob wants a mutable pointer; the mapping is read-only and so are these views.
    void *data = const_cast<unsigned char *>(m_data + e.begin);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    return torch::from_blob(data, e.shape, [keepAlive](void *) {}, torch::TensorOptions().dtype(e.dtype));
}

void SafetensorsFile::release(const std::string &name) const
{
    const auto &e = m_entries.at(name);
    const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto first = (reinterpret_cast<uintptr_t>(m_data + e.begin) + page - 1) / page * page;
    const auto last = reinterpret_cast<uintptr_t>(m_data + e.end) / page * page;
    if (last > first)
        ::madvise(reinterpret_cast<void *>(first), last - first, MADV_DONTNEED);
}

Result<TensorMap> readSafetensors(const std::string &path)
{
    auto file = SafetensorsFile::open(path);
    if (!file)
        return file.error();
    TensorMap tensors;
    for (const auto &[name, entry] : file.value()->entries())
        tensors.emplace(name, file.value()->view(name).clone());
    return tensors;
}

std::string shapeString(const std::vector<int64_t> &shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

}  // namespace corral
