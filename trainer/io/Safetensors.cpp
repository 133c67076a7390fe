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

struct DtypeName {
    torch::ScalarType type;
    SafetensorsDtype dtype;
};
constexpr DtypeName kDtypes[] = {
    {torch::kFloat, SafetensorsDtype::F32}, {torch::kHalf, SafetensorsDtype::F16},
    {torch::kBFloat16, SafetensorsDtype::BF16}, {torch::kDouble, SafetensorsDtype::F64},
    {torch::kLong, SafetensorsDtype::I64}, {torch::kInt, SafetensorsDtype::I32},
    {torch::kShort, SafetensorsDtype::I16}, {torch::kChar, SafetensorsDtype::I8},
    {torch::kByte, SafetensorsDtype::U8}, {torch::kBool, SafetensorsDtype::Bool},
};

const char *dtypeName(torch::ScalarType type)
{
    for (const auto &d : kDtypes) {
        if (d.type == type)
            return safetensorsDtypeName(d.dtype);
    }
    return nullptr;
}

torch::ScalarType torchType(SafetensorsDtype dtype)
{
    for (const auto &d : kDtypes) {
        if (d.dtype == dtype)
            return d.type;
    }
    return torch::kFloat;  // unreachable: every dtype is in the table
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
        return makeError(ErrorCode::Parse,
                         "file too short for a safetensors header (" + std::to_string(fileSize) + " bytes)", path);
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
    auto header = parseSafetensorsHeader(bytes, fileSize, path);
    if (!header)
        return header.error();
    file->m_data = bytes + header.value().dataOffset;
    file->m_metadata = std::move(header.value().metadata);
    for (auto &[name, entry] : header.value().entries)
        file->m_entries.emplace(name, Entry{torchType(entry.dtype), std::move(entry.shape), entry.begin, entry.end});
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

}  // namespace corral
