#pragma once
// What a checkpoint folder held when it was saved: checksums.json lists every other file with
// its size and a 64-bit FNV-1a hash, so a resume (and evaluate/export) can tell a folder that
// was damaged afterwards (a bad disk, a truncated copy, a stray edit) from a good one before
// trusting it. FNV-1a is no defence against someone who wants a collision; it finds accidents.
// No LibTorch here.
#include "config/Result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace corral {

inline constexpr char kChecksumManifest[] = "checksums.json";

// 64-bit FNV-1a of `size` bytes, continuing from `hash` (the offset basis for a fresh hash).
inline constexpr uint64_t kFnv1a64Basis = 0xcbf29ce484222325ULL;
uint64_t fnv1a64(const void *data, size_t size, uint64_t hash = kFnv1a64Basis);

struct FileDigest {
    uint64_t bytes = 0;
    uint64_t fnv1a64 = 0;
};
Result<FileDigest> digestFile(const std::string &path);

// Hashes `files` (names inside `dir`) and returns the text of DIR/checksums.json for them.
Result<std::string> checksumManifest(const std::string &dir, const std::vector<std::string> &files);

// What is wrong with a checkpoint folder, if anything: `file` is the name inside the folder
// (checksums.json itself when the manifest is missing or unreadable).
struct CheckpointDefect {
    std::string file;
    std::string message;  // "checksum differs from checksums.json (saved 0123…, now 4567…)"
};
// What the folder is about to be used for.
enum class CheckpointUse {
    // A resume reads every file: each one in the manifest must be there and match, and a folder
    // saved with trainer_state format ≥ 2 must have its manifest.
    Resume,
    // evaluate/export read the adapter: the files that are there are checked against the
    // manifest where there is one (a copy of the adapter files alone, as the app downloads,
    // carries it); without one there is nothing to check.
    ReadAdapter,
};
// A folder saved without a manifest (trainer_state format 1), or a bare adapter folder, has
// nothing to check and passes.
std::optional<CheckpointDefect> findCheckpointDefect(const std::string &dir, CheckpointUse use = CheckpointUse::Resume);
// The same as a Status: "DIR: damaged checkpoint: FILE MESSAGE".
Status verifyCheckpoint(const std::string &dir, CheckpointUse use = CheckpointUse::Resume);

}  // namespace corral
