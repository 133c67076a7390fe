#include "train/CheckpointChecksums.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <fcntl.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace corral {

namespace {
constexpr int kManifestFormat = 1;
constexpr uint64_t kFnv1a64Prime = 0x100000001b3ULL;

std::string hex64(uint64_t v)
{
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
    return text;
}

std::optional<nlohmann::json> readJson(const fs::path &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    auto json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded())
        return std::nullopt;
    return json;
}

}  // namespace

uint64_t fnv1a64(const void *data, size_t size, uint64_t hash)
{
    const auto *bytes = static_cast<const unsigned char *>(data);
    for (size_t i = 0; i < size; ++i) {
        hash ^= bytes[i];
        hash *= kFnv1a64Prime;
    }
    return hash;
}

Result<FileDigest> digestFile(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return osError(errno, "cannot open", path);
    FileDigest digest;
    digest.fnv1a64 = kFnv1a64Basis;
    std::vector<unsigned char> buffer(1 << 20);
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            return osError(err, "cannot read", path);
        }
        if (n == 0)
            break;
        digest.fnv1a64 = fnv1a64(buffer.data(), static_cast<size_t>(n), digest.fnv1a64);
        digest.bytes += static_cast<uint64_t>(n);
    }
    ::close(fd);
    return digest;
}

Result<std::string> checksumManifest(const std::string &dir, const std::vector<std::string> &files)
{
    nlohmann::json listed = nlohmann::json::object();
    for (const auto &name : files) {
        auto digest = digestFile((fs::path(dir) / name).string());
        if (!digest)
            return digest.error();
        listed[name] = {{"bytes", digest.value().bytes}, {"fnv1a64", hex64(digest.value().fnv1a64)}};
    }
    const nlohmann::json manifest = {{"format", kManifestFormat}, {"algorithm", "fnv1a64"}, {"files", listed}};
    return manifest.dump(2) + "\n";
}

std::optional<CheckpointDefect> findCheckpointDefect(const std::string &dir, CheckpointUse use)
{
    const fs::path folder(dir);
    std::error_code ec;
    if (!fs::exists(folder / kChecksumManifest, ec)) {
        // Saved before checksums existed (trainer_state format 1), or an adapter folder of
        // another tool (no trainer_state.json): nothing to compare against.
        if (use == CheckpointUse::ReadAdapter || !fs::exists(folder / "trainer_state.json", ec))
            return std::nullopt;
        const auto state = readJson(folder / "trainer_state.json");
        if (!state || !state->is_object())
            return CheckpointDefect{"trainer_state.json", "not valid JSON, and there is no checksums.json"};
        if (state->value("format", 0) >= 2)
            return CheckpointDefect{kChecksumManifest, "is missing (trainer_state.json format 2 is always saved with one)"};
        return std::nullopt;
    }
    const auto manifest = readJson(folder / kChecksumManifest);
    if (!manifest || !manifest->is_object() || !manifest->contains("files") || !(*manifest)["files"].is_object())
        return CheckpointDefect{kChecksumManifest, "not valid JSON with a \"files\" object"};
    if (manifest->value("algorithm", std::string()) != "fnv1a64")
        return CheckpointDefect{kChecksumManifest, "unknown algorithm " + manifest->value("algorithm", nlohmann::json()).dump()};
    for (const auto &[name, entry] : (*manifest)["files"].items()) {
        if (!entry.is_object() || !entry.contains("bytes") || !entry["bytes"].is_number_unsigned()
            || !entry.contains("fnv1a64") || !entry["fnv1a64"].is_string())
            return CheckpointDefect{kChecksumManifest, "entry for " + name + " lacks bytes or fnv1a64"};
        if (!fs::is_regular_file(folder / name, ec)) {
            if (use == CheckpointUse::ReadAdapter)
                continue;  // e.g. optimizer.pt, which a copy of the adapter leaves behind
            return CheckpointDefect{name, "is missing (listed in checksums.json)"};
        }
        auto digest = digestFile((folder / name).string());
        if (!digest)
            return CheckpointDefect{name, digest.error().message};
        const auto bytes = entry["bytes"].get<uint64_t>();
        if (digest.value().bytes != bytes)
            return CheckpointDefect{name, "size differs from checksums.json (saved " + std::to_string(bytes) + " bytes, now "
                                              + std::to_string(digest.value().bytes) + ")"};
        const std::string saved = entry["fnv1a64"].get<std::string>();
        if (hex64(digest.value().fnv1a64) != saved)
            return CheckpointDefect{name, "checksum differs from checksums.json (saved fnv1a64 " + saved + ", now "
                                              + hex64(digest.value().fnv1a64) + ")"};
    }
    return std::nullopt;
}

Status verifyCheckpoint(const std::string &dir, CheckpointUse use)
{
    if (auto defect = findCheckpointDefect(dir, use))
        return makeError(ErrorCode::Parse, "damaged checkpoint: " + defect->file + " " + defect->message, dir);
    return okStatus();
}

}  // namespace corral
