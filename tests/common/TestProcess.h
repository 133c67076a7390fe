#pragma once
// Helpers for tests and benchmarks that run corral-train as real processes: spawn with extra
// environment variables and output to a log file, wait for the exit status, pick a free
// loopback port, read JSON-lines and text files.
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace corral::test {

// Starts args[0] with args, the current environment plus `extraEnv` ("NAME=value", which win),
// stdout and stderr appended to `log`. Returns the pid, or -1.
inline pid_t spawnProcess(const std::vector<std::string> &args, const std::vector<std::string> &extraEnv,
                          const std::filesystem::path &log)
{
    std::vector<std::string> envStrings(extraEnv);
    for (char **e = environ; *e; ++e)
        envStrings.emplace_back(*e);
    std::vector<char *> envp, argv;
    for (auto &e : envStrings)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    for (const auto &a : args)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

// The exit code, or 128 + the signal that ended the process.
inline int waitExit(pid_t pid)
{
    int status = 0;
    if (pid <= 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline int freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// The environment of rank `rank` in a torchrun-style world on loopback.
inline std::vector<std::string> rankEnvironment(int rank, int worldSize, int port)
{
    return {"RANK=" + std::to_string(rank), "WORLD_SIZE=" + std::to_string(worldSize),
            "LOCAL_RANK=" + std::to_string(rank), "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + std::to_string(port)};
}

// A fresh folder under the temp directory, named by `prefix` and the pid, removed at the end.
struct ScratchDir {
    std::filesystem::path root;
    explicit ScratchDir(const std::string &prefix)
        : root(std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid())))
    {
        std::filesystem::remove_all(root);
        std::filesystem::create_directories(root);
    }
    ~ScratchDir() { std::filesystem::remove_all(root); }
    ScratchDir(const ScratchDir &) = delete;
    ScratchDir &operator=(const ScratchDir &) = delete;
};

inline std::vector<nlohmann::json> readJsonl(const std::filesystem::path &path)
{
    std::vector<nlohmann::json> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        out.push_back(nlohmann::json::parse(line));
    return out;
}

inline std::string readText(const std::filesystem::path &path)
{
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A shell command's exit code and its stdout and stderr together (popen).
struct CommandOutput {
    int exitCode = -1;
    std::string text;
};

inline CommandOutput runCommand(const std::string &command)
{
    CommandOutput out;
    FILE *pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe)
        return out;
    std::array<char, 4096> buffer{};
    size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        out.text.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    out.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

}  // namespace corral::test
