#include "data/TokenCache.h"

#include "config/DataFiles.h"
#include "config/Schema.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace corral {

namespace {
constexpr char kMagic[8] = {'C', 'R', 'L', 'D', 'A', 'T', 'A', '1'};
constexpr uint64_t kMaxCount = uint64_t{1} << 40;

uint64_t fnv1a(const std::string &text)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

class Writer {
public:
    explicit Writer(std::ofstream &out) : m_out(out) {}
    template <class T>
    void put(T v) { m_out.write(reinterpret_cast<const char *>(&v), sizeof v); }
    void put(const std::string &s)
    {
        put(static_cast<uint64_t>(s.size()));
        m_out.write(s.data(), static_cast<std::streamsize>(s.size()));
    }
    template <class T>
    void putArray(const T *data, size_t n) { m_out.write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(n * sizeof(T))); }

private:
    std::ofstream &m_out;
};

class Reader {
public:
    explicit Reader(std::ifstream &in) : m_in(in) {}
    template <class T>
    bool get(T &v) { return static_cast<bool>(m_in.read(reinterpret_cast<char *>(&v), sizeof v)); }
    bool get(std::string &s)
    {
        uint64_t n = 0;
        if (!get(n) || n > (1u << 20))
            return false;
        s.resize(n);
        return static_cast<bool>(m_in.read(s.data(), static_cast<std::streamsize>(n)));
    }
    template <class T>
    bool getArray(std::vector<T> &v, uint64_t n)
    {
        if (n > kMaxCount)
            return false;
        v.resize(n);
        return static_cast<bool>(m_in.read(reinterpret_cast<char *>(v.data()), static_cast<std::streamsize>(n * sizeof(T))));
    }
    bool atEnd() { return m_in.peek() == std::char_traits<char>::eof(); }

private:
    std::ifstream &m_in;
};

void writeSplit(Writer &w, const DataSplit &split)
{
    w.put(split.documents);
    w.put(split.targets);
    w.put(static_cast<uint64_t>(split.examples.size()));
    for (const auto &e : split.examples) {
        w.put(static_cast<uint64_t>(e.tokens.size()));
        std::vector<int32_t> tokens(e.tokens.begin(), e.tokens.end());
        w.putArray(tokens.data(), tokens.size());
        w.putArray(e.trained.data(), e.trained.size());
    }
}

bool readSplit(Reader &r, DataSplit &split)
{
    uint64_t count = 0;
    if (!r.get(split.documents) || !r.get(split.targets) || !r.get(count) || count > kMaxCount)
        return false;
    split.examples.resize(count);
    std::vector<int32_t> tokens;
    for (auto &e : split.examples) {
        uint64_t n = 0;
        if (!r.get(n) || n < 2 || !r.getArray(tokens, n) || !r.getArray(e.trained, n - 1))
            return false;
        e.tokens.assign(tokens.begin(), tokens.end());
    }
    return true;
}
}  // namespace

std::string dataCacheKey(const DataConfig &config, const std::string &tokenizerId)
{
    std::string description = std::string(kMagic, sizeof kMagic) + "\n" + tokenizerId + "\n";
    RunConfig probe;
    probe.data = config;
    for (const auto &spec : configSchema()) {
        if (spec.section == "data" && spec.key != "files")
            description += spec.key + "=" + formatFieldValue(spec, spec.get(probe)) + "\n";
    }
    for (const auto &entry : config.files) {
        for (const auto &file : expandDataEntry(entry)) {
            struct stat st {};
            ::stat(file.c_str(), &st);
            description += file + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "."
                + std::to_string(st.st_mtim.tv_nsec) + "\n";
        }
    }
    char key[17];
    std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(fnv1a(description)));
    return key;
}

std::string dataCachePath(const DataConfig &config, const std::string &key)
{
    for (const auto &entry : config.files) {
        const auto files = expandDataEntry(entry);
        if (!files.empty())
            return (fs::path(files.front()).parent_path() / ".corral-cache" / ("data-" + key + ".bin")).string();
    }
    return {};
}

Result<TextData> readDataCache(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError(ErrorCode::NotFound, "no cache", path);
    Reader r(in);
    char magic[sizeof kMagic];
    in.read(magic, sizeof magic);
    TextData data;
    uint64_t problems = 0;
    bool ok = in && std::equal(magic, magic + sizeof magic, kMagic) && r.get(data.records) && r.get(problems)
        && problems <= kMaxCount;
    for (uint64_t i = 0; ok && i < problems; ++i) {
        RecordProblem p;
        ok = r.get(p.file) && r.get(p.line) && r.get(p.message);
        data.problems.push_back(std::move(p));
    }
    ok = ok && readSplit(r, data.train) && readSplit(r, data.val) && r.atEnd();
    if (!ok)
        return makeError(ErrorCode::Parse, "unreadable cache file; rebuilding it", path);
    return data;
}

Status writeDataCache(const std::string &path, const TextData &data)
{
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    const std::string tmp = path + ".tmp" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            return makeError(ErrorCode::Io, "cannot write the data cache", tmp);
        Writer w(out);
        out.write(kMagic, sizeof kMagic);
        w.put(data.records);
        w.put(static_cast<uint64_t>(data.problems.size()));
        for (const auto &p : data.problems) {
            w.put(p.file);
            w.put(p.line);
            w.put(p.message);
        }
        writeSplit(w, data.train);
        writeSplit(w, data.val);
        out.flush();
        if (!out)
            return makeError(ErrorCode::Io, "cannot write the data cache", tmp);
    }
    fs::rename(tmp, path, ec);  // readers see the whole file or none
    if (ec)
        return makeError(ErrorCode::Io, "cannot move the data cache into place: " + ec.message(), path);
    return okStatus();
}

}  // namespace corral
