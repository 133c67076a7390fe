#include "train/Checkpoint.h"

#include "train/CheckpointChecksums.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace corral {
namespace {

// A std::filesystem failure as an Error (NoSpace for a full disk, like osError).
Error fileErrorOf(const std::error_code &ec, const std::string &what, const std::string &path)
{
    return ec.category() == std::generic_category() || ec.category() == std::system_category()
               ? osError(ec.value(), what, path)
               : makeError(ErrorCode::Io, what + ": " + ec.message(), path);
}

Status syncDirectory(const std::string &dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return osError(errno, "cannot open folder", dir);
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0)
        return osError(err, "fsync failed", dir);
    return okStatus();
}

}  // namespace

const char *const kCheckpointFiles[4] = {"adapter_model.safetensors", "adapter_config.json", "trainer_state.json",
                                         "optimizer.pt"};

Status syncFile(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0)
        return osError(errno, "cannot open", path);
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0)
        return osError(err, "fsync failed", path);
    return okStatus();
}

int64_t checkpointStep(const std::string &dir)
{
    const std::string name = fs::path(dir).filename().string();
    if (name.size() != 13 || name.rfind("step-", 0) != 0)
        return -1;
    int64_t step = 0;
    for (size_t i = 5; i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        step = step * 10 + (name[i] - '0');
    }
    return step;
}

std::string missingCheckpointFile(const std::string &dir)
{
    for (const char *file : kCheckpointFiles) {
        std::error_code ec;
        if (!fs::is_regular_file(fs::path(dir) / file, ec))
            return file;
    }
    return {};
}

std::vector<std::string> listCheckpoints(const std::string &runDir)
{
    std::vector<std::pair<int64_t, std::string>> found;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(fs::path(runDir) / "checkpoints", ec)) {
        const int64_t step = checkpointStep(entry.path().string());
        if (step >= 0 && entry.is_directory() && missingCheckpointFile(entry.path().string()).empty())
            found.emplace_back(step, entry.path().string());
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> dirs;
    for (auto &f : found)
        dirs.push_back(std::move(f.second));
    return dirs;
}

std::optional<std::string> latestCheckpoint(const std::string &runDir)
{
    auto all = listCheckpoints(runDir);
    if (all.empty())
        return std::nullopt;
    return all.back();
}

Status pruneCheckpoints(const std::string &runDir, int64_t keep, int64_t protectedStep)
{
    if (keep <= 0)
        return okStatus();
    const auto all = listCheckpoints(runDir);
    const int64_t chosen = chosenCheckpointStep(runDir);  // the person's pick outlives the rotation
    for (size_t i = 0; i + static_cast<size_t>(keep) < all.size(); ++i) {
        const int64_t step = checkpointStep(all[i]);
        if (step == protectedStep || step == chosen)
            continue;
        const fs::path doomed = fs::path(all[i]).parent_path() / (".tmp-delete-" + fs::path(all[i]).filename().string());
        std::error_code ec;
        fs::rename(all[i], doomed, ec);
        if (ec)
            return fileErrorOf(ec, "cannot retire an old checkpoint", all[i]);
        fs::remove_all(doomed, ec);
    }
    return okStatus();
}

int64_t chosenCheckpointStep(const std::string &runDir)
{
    std::ifstream in(fs::path(runDir) / "checkpoints" / "chosen");
    if (!in)
        return -1;
    const nlohmann::json chosen = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!chosen.is_object() || !chosen.contains("step") || !chosen["step"].is_number_integer())
        return -1;
    return chosen["step"].get<int64_t>();
}

void removeTemporaryFolders(const std::string &runDir)
{
    std::error_code ec;
    std::vector<fs::path> leftovers;
    for (const auto &entry : fs::directory_iterator(fs::path(runDir) / "checkpoints", ec)) {
        if (entry.path().filename().string().rfind(".tmp-", 0) == 0 || entry.path().filename() == ".best.tmp")
            leftovers.push_back(entry.path());
    }
    for (const auto &path : leftovers)
        fs::remove_all(path, ec);
}

std::string checkpointName(int64_t step)
{
    char name[32];
    std::snprintf(name, sizeof name, "step-%08lld", static_cast<long long>(step));
    return name;
}

nlohmann::json peftAdapterConfig(const LoraConfig &lora, const std::string &baseModel)
{
    return {
        {"peft_type", "LORA"},
        {"task_type", "CAUSAL_LM"},
        {"base_model_name_or_path", baseModel},
        {"r", lora.rank},
        {"lora_alpha", lora.alpha},
        {"lora_dropout", lora.dropout},
        {"target_modules", lora.target_modules},
        {"bias", "none"},
        {"fan_in_fan_out", false},
        {"inference_mode", true},
        {"use_rslora", lora.use_rslora},
        {"modules_to_save", nullptr},
    };
}

Status writeFileSynced(const std::string &path, const std::string &content)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return osError(errno, "cannot create", path);
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : ENOSPC;  // a write of 0 bytes: nothing more fits
            ::close(fd);
            return osError(err, "write failed", path);
        }
        done += static_cast<size_t>(n);
    }
    const int rc = ::fsync(fd);
    const int err = errno;
    if (::close(fd) != 0 && rc == 0)
        return osError(errno, "close failed", path);
    if (rc != 0)
        return osError(err, "fsync failed", path);
    return okStatus();
}

namespace {
// Removes the temporary folder of a save that did not finish, so a full disk gets its space
// back (and the failure can still be written to events.jsonl). Disarmed once it is renamed.
struct TemporaryFolder {
    fs::path path;
    ~TemporaryFolder()
    {
        std::error_code ec;
        if (!path.empty())
            fs::remove_all(path, ec);
    }
};
}  // namespace

Result<std::string> saveCheckpoint(const std::string &runDir, int64_t step, const TensorMap &adapter,
                                   const nlohmann::json &adapterConfig, const nlohmann::json &trainerState,
                                   const std::function<Status(const std::string &dir)> &writeState)
{
    const fs::path root = fs::path(runDir) / "checkpoints";
    const fs::path final = root / checkpointName(step);
    const fs::path tmp = root / (".tmp-" + checkpointName(step));
    std::error_code ec;
    fs::create_directories(root, ec);
    fs::remove_all(tmp, ec);
    if (!fs::create_directory(tmp, ec))
        return fileErrorOf(ec, "cannot create the checkpoint folder", tmp.string());
    TemporaryFolder cleanup{tmp};

    if (auto st = writeSafetensors((tmp / "adapter_model.safetensors").string(), adapter, {{"format", "pt"}}); !st)
        return st.error();
    if (auto st = writeFileSynced((tmp / "adapter_config.json").string(), adapterConfig.dump(2) + "\n"); !st)
        return st.error();
    if (auto st = writeFileSynced((tmp / "trainer_state.json").string(), trainerState.dump(2) + "\n"); !st)
        return st.error();
    if (auto st = writeState(tmp.string()); !st)
        return st.error();
    // Last: what every file holds now, so a resume can tell when one of them changed.
    auto manifest = checksumManifest(tmp.string(), std::vector<std::string>(std::begin(kCheckpointFiles), std::end(kCheckpointFiles)));
    if (!manifest)
        return manifest.error();
    if (auto st = writeFileSynced((tmp / kChecksumManifest).string(), manifest.value()); !st)
        return st.error();
    if (auto st = syncDirectory(tmp.string()); !st)
        return st.error();

    fs::remove_all(final, ec);  // a rerun of the same step replaces the old one
    fs::rename(tmp, final, ec);
    if (ec)
        return fileErrorOf(ec, "cannot move the checkpoint into place", final.string());
    cleanup.path.clear();
    if (auto st = syncDirectory(root.string()); !st)
        return st.error();
    return final.string();
}

Status writeBestPointer(const std::string &runDir, int64_t step, double valLoss)
{
    const fs::path root = fs::path(runDir) / "checkpoints";
    const nlohmann::json best = {{"step", step}, {"checkpoint", checkpointName(step)}, {"val_loss", valLoss},
                                 {"reason", "lowest val_loss"}};
    const std::string tmp = (root / ".best.tmp").string();
    if (auto st = writeFileSynced(tmp, best.dump(2) + "\n"); !st)
        return st;
    std::error_code ec;
    fs::rename(tmp, root / "best", ec);
    if (ec)
        return fileErrorOf(ec, "cannot replace the best pointer", (root / "best").string());
    return syncDirectory(root.string());
}

}  // namespace corral
