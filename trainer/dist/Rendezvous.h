#pragma once
// Who this process is in a distributed run, read from the launcher's environment:
//   SLURM (srun): SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID, SLURM_JOB_NODELIST (the first host
//                 is the master), SLURM_JOB_ID (the port is derived from it unless MASTER_PORT is set)
//   torchrun-style: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT
//   neither: a single process.
// No LibTorch here: the rules are plain and tested on their own.
#include "config/Result.h"

#include <functional>
#include <string>

namespace corral {

struct WorldInfo {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    std::string masterAddr = "127.0.0.1";
    int masterPort = 0;
    std::string source = "single";  // single | slurm | env

    bool distributed() const { return worldSize > 1; }
};

using EnvLookup = std::function<const char *(const char *)>;

// `configuredPort` (dist.master_port) wins over the environment when non-zero.
Result<WorldInfo> worldFromEnvironment(const EnvLookup &env, int configuredPort = 0);

// The first host of a SLURM node list: "gpu[03-05,09],cpu1" -> "gpu03", "a,b" -> "a".
std::string firstHostOfNodeList(const std::string &nodeList);

// A port for the job's rendezvous, the same on every node of the job: 20000 + job id mod 20000.
int portForJob(long long jobId);

}  // namespace corral
