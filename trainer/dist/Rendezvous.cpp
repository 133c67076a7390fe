#include "dist/Rendezvous.h"

#include <cerrno>
#include <cstdlib>

namespace corral {

namespace {
// A required integer variable, or an error naming it.
Result<long long> integer(const EnvLookup &env, const char *name, long long min, long long max)
{
    const char *value = env(name);
    if (!value || !*value)
        return makeError(ErrorCode::InvalidArgument, "is not set", name);
    errno = 0;
    char *end = nullptr;
    const long long v = std::strtoll(value, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return makeError(ErrorCode::InvalidArgument,
                         "must be an integer in " + std::to_string(min) + ".." + std::to_string(max) + ", got '"
                             + value + "'",
                         name);
    return v;
}

Status checkRanks(const WorldInfo &w)
{
    if (w.rank >= w.worldSize)
        return makeError(ErrorCode::InvalidArgument,
                         "rank " + std::to_string(w.rank) + " is outside a world of " + std::to_string(w.worldSize),
                         w.source == "slurm" ? "SLURM_PROCID" : "RANK");
    return okStatus();
}
}  // namespace

std::string firstHostOfNodeList(const std::string &nodeList)
{
    // Up to the first comma outside brackets; then "prefix[a-b,c]" -> prefix + a.
    size_t depth = 0, end = 0;
    for (; end < nodeList.size(); ++end) {
        if (nodeList[end] == '[')
            ++depth;
        else if (nodeList[end] == ']' && depth > 0)
            --depth;
        else if (nodeList[end] == ',' && depth == 0)
            break;
    }
    // Each bracket group stands for its first value: "rack[2-3]-n[1-4]" -> "rack2-n1".
    std::string host = nodeList.substr(0, end);
    for (size_t open = host.find('['); open != std::string::npos; open = host.find('[')) {
        const size_t close = host.find(']', open);
        const std::string ranges = host.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
        host = host.substr(0, open) + ranges.substr(0, ranges.find_first_of(",-"))
            + (close == std::string::npos ? "" : host.substr(close + 1));
    }
    return host;
}

int portForJob(long long jobId)
{
    return 20000 + static_cast<int>(((jobId % 20000) + 20000) % 20000);
}

Result<WorldInfo> worldFromEnvironment(const EnvLookup &env, int configuredPort)
{
    WorldInfo w;
    auto port = [&](int fallback) -> Result<int> {
        if (configuredPort > 0)
            return configuredPort;
        if (env("MASTER_PORT")) {
            auto p = integer(env, "MASTER_PORT", 1, 65535);
            if (!p)
                return p.error();
            return static_cast<int>(p.value());
        }
        return fallback;
    };
    if (env("SLURM_PROCID") && env("SLURM_NTASKS") && !env("RANK")) {
        w.source = "slurm";
        auto rank = integer(env, "SLURM_PROCID", 0, 1 << 20);
        auto size = integer(env, "SLURM_NTASKS", 1, 1 << 20);
        auto local = integer(env, "SLURM_LOCALID", 0, 1 << 20);
        for (const auto *r : {&rank, &size, &local}) {
            if (!*r)
                return r->error();
        }
        w.rank = static_cast<int>(rank.value());
        w.worldSize = static_cast<int>(size.value());
        w.localRank = static_cast<int>(local.value());
        if (w.worldSize > 1) {
            const char *nodes = env("SLURM_JOB_NODELIST") ? env("SLURM_JOB_NODELIST") : env("SLURM_NODELIST");
            if (!nodes || !*nodes)
                return makeError(ErrorCode::InvalidArgument, "is not set; it names the master host", "SLURM_JOB_NODELIST");
            w.masterAddr = env("MASTER_ADDR") ? env("MASTER_ADDR") : firstHostOfNodeList(nodes);
            auto job = integer(env, "SLURM_JOB_ID", 0, 1LL << 40);
            auto p = port(job ? portForJob(job.value()) : 0);
            if (!p)
                return p.error();
            if (p.value() == 0)
                return makeError(ErrorCode::InvalidArgument, "is not set, and MASTER_PORT neither", "SLURM_JOB_ID");
            w.masterPort = p.value();
        }
        if (auto st = checkRanks(w); !st)
            return st.error();
        return w;
    }
    if (env("RANK") || env("WORLD_SIZE")) {
        w.source = "env";
        auto rank = integer(env, "RANK", 0, 1 << 20);
        auto size = integer(env, "WORLD_SIZE", 1, 1 << 20);
        for (const auto *r : {&rank, &size}) {
            if (!*r)
                return r->error();
        }
        w.rank = static_cast<int>(rank.value());
        w.worldSize = static_cast<int>(size.value());
        if (env("LOCAL_RANK")) {
            auto local = integer(env, "LOCAL_RANK", 0, 1 << 20);
            if (!local)
                return local.error();
            w.localRank = static_cast<int>(local.value());
        } else {
            w.localRank = w.rank;
        }
        if (w.worldSize > 1) {
            if (!env("MASTER_ADDR") || !*env("MASTER_ADDR"))
                return makeError(ErrorCode::InvalidArgument, "is not set", "MASTER_ADDR");
            w.masterAddr = env("MASTER_ADDR");
            auto p = port(0);
            if (!p)
                return p.error();
            if (p.value() == 0)
                return makeError(ErrorCode::InvalidArgument, "is not set", "MASTER_PORT");
            w.masterPort = p.value();
        }
        if (auto st = checkRanks(w); !st)
            return st.error();
        return w;
    }
    return w;
}

}  // namespace corral
