#pragma once
// The safetensors format: an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}, then raw data.
// Opening checks every offset, shape and dtype against the file before any data is touched
// (io/SafetensorsHeader.h, which has no LibTorch).
#include "config/Result.h"
#include "io/SafetensorsHeader.h"

#include <torch/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace corral {

using TensorMap = std::map<std::string, torch::Tensor>;

Status writeSafetensors(const std::string &path, const TensorMap &tensors,
                        const std::map<std::string, std::string> &metadata = {});
// Reads every tensor into memory of its own.
Result<TensorMap> readSafetensors(const std::string &path);

// A safetensors file mapped into memory: tensors are read-only views of the mapping, so
// loading a model reads each weight straight from the page cache into its final form.
class SafetensorsFile {
public:
    struct Entry {
        torch::ScalarType dtype;
        std::vector<int64_t> shape;
        uint64_t begin = 0;  // byte offsets into the data section
        uint64_t end = 0;
    };

    static Result<std::shared_ptr<SafetensorsFile>> open(const std::string &path);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile &) = delete;
    SafetensorsFile &operator=(const SafetensorsFile &) = delete;

    const std::string &path() const { return m_path; }
    const std::map<std::string, Entry> &entries() const { return m_entries; }
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }
    // A read-only tensor over the mapped bytes; it keeps the mapping alive. Never write to it.
    torch::Tensor view(const std::string &name) const;
    // Drops the tensor's pages from this process (the file stays in the page cache); a later
    // view reads them again. Loading calls it after each tensor, so the mapping never adds up
    // to a second copy of the weights in the process's memory.
    void release(const std::string &name) const;

private:
    SafetensorsFile() = default;
    std::string m_path;
    std::map<std::string, Entry> m_entries;
    std::map<std::string, std::string> m_metadata;
    const unsigned char *m_data = nullptr;  // start of the data section
    void *m_map = nullptr;
    size_t m_mapSize = 0;
    std::weak_ptr<SafetensorsFile> m_self;
};

}  // namespace corral
