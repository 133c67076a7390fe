#pragma once
// A filesystem that really fills up, for tests of what a program does on a full disk: a small
// tmpfs mounted inside a private mount namespace that a sleeping helper process holds. The
// test and the program under test never enter that namespace; they reach the tmpfs through
// /proc/PID/root/MOUNT_POINT, so nothing is mounted where the test runs and the mount goes
// away with the helper (which sleeps 15 minutes at most, should the test crash).
//
// Tries `unshare --mount` (root, or CAP_SYS_ADMIN), then `unshare --user --map-root-user
// --mount` (an unprivileged user namespace); containers may forbid both, and then create()
// returns nullptr and says why.
#include "TestProcess.h"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace corral::test {

class SmallDisk {
public:
    static std::unique_ptr<SmallDisk> create(const std::filesystem::path &mountPoint, uint64_t bytes, std::string &why)
    {
        namespace fs = std::filesystem;
        fs::create_directories(mountPoint);
        std::string unshare;
        for (const char *dir : {"/usr/bin", "/bin", "/usr/sbin", "/sbin"}) {
            if (::access((std::string(dir) + "/unshare").c_str(), X_OK) == 0) {
                unshare = std::string(dir) + "/unshare";
                break;
            }
        }
        if (unshare.empty()) {
            why = "no unshare(1) on this machine";
            return nullptr;
        }
        const std::string script = "mount -t tmpfs -o size=" + std::to_string(bytes) + " corral-small-disk '"
                                   + mountPoint.string() + "' && : > '" + mountPoint.string()
                                   + "/.mounted' && exec sleep 900";
        const std::vector<std::vector<std::string>> methods = {
            {unshare, "--mount", "--propagation", "private"},
            {unshare, "--user", "--map-root-user", "--mount", "--propagation", "private"},
        };
        why.clear();
        for (auto args : methods) {
            const std::string method = args.size() == 4 ? "unshare --mount" : "unshare --user --map-root-user --mount";
            args.insert(args.end(), {"/bin/sh", "-c", script});
            const fs::path log = mountPoint.parent_path() / (mountPoint.filename().string() + "-unshare.log");
            fs::remove(log);
            const pid_t pid = spawnProcess(args, {}, log);
            const fs::path root = "/proc/" + std::to_string(pid) + "/root" + mountPoint.string();
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            bool exited = false;
            while (std::chrono::steady_clock::now() < deadline) {
                std::error_code ec;
                if (fs::exists(root / ".mounted", ec)) {
                    fs::remove(root / ".mounted", ec);
                    return std::unique_ptr<SmallDisk>(new SmallDisk(pid, root, method));
                }
                int status = 0;
                if (pid <= 0 || ::waitpid(pid, &status, WNOHANG) == pid) {
                    exited = true;
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            if (!exited && pid > 0) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, nullptr, 0);
            }
            std::string said = readText(log);
            while (!said.empty() && said.back() == '\n')
                said.pop_back();
            why += (why.empty() ? "" : "; ") + method + ": " + (said.empty() ? "no tmpfs within 10 s" : said);
        }
        return nullptr;
    }

    ~SmallDisk()
    {
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, nullptr, 0);
    }
    SmallDisk(const SmallDisk &) = delete;
    SmallDisk &operator=(const SmallDisk &) = delete;

    // The tmpfs as this process (and any other) reaches it.
    const std::filesystem::path &root() const { return m_root; }
    const std::string &method() const { return m_method; }

private:
    SmallDisk(pid_t pid, std::filesystem::path root, std::string method)
        : m_pid(pid), m_root(std::move(root)), m_method(std::move(method))
    {
    }
    pid_t m_pid;
    std::filesystem::path m_root;
    std::string m_method;
};

// The fallback where no namespace may be made: RLIMIT_FSIZE makes a write past `bytes` in any
// one file fail with EFBIG ("File too large") instead of ENOSPC. SIGXFSZ, which would kill the
// process first, is ignored (an ignored signal stays ignored across exec). Otherwise as
// spawnProcess.
inline pid_t spawnWithFileSizeLimit(const std::vector<std::string> &args, const std::filesystem::path &log,
                                    uint64_t bytes)
{
    std::vector<char *> argv;
    for (const auto &a : args)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    const std::string logPath = log.string();
    const rlimit limit{static_cast<rlim_t>(bytes), static_cast<rlim_t>(bytes)};
    const pid_t pid = ::fork();
    if (pid != 0)
        return pid;
    // The child: async-signal-safe calls only until exec.
    const int fd = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0 || ::dup2(fd, 1) < 0 || ::dup2(fd, 2) < 0)
        ::_exit(126);
    ::signal(SIGXFSZ, SIG_IGN);
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
        ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
}

}  // namespace corral::test
