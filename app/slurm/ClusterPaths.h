#pragma once
// A run for a cluster reads its model folder, tokenizer and data files on the cluster, so this
// machine cannot say whether they exist (trainer/config skips that check: PathCheck::Skip).
// This checks them where they are, over SFTP, with the rules validateConfig applies locally —
// for the config editor (a message beside the field) and before every sbatch, so a config whose
// paths are missing never reaches the queue. Runs on the connection's worker thread.
#include "config/ConfigLoader.h"
#include "config/Result.h"
#include "config/RunConfig.h"

#include <QString>

#include <functional>
#include <optional>
#include <vector>

namespace corral {

class SftpClient;

// Which data.files entries to look for on the cluster: the others exist on this machine and are
// uploaded by Submit (editor), or are where the uploads go (submit).
using IsClusterDataEntry = std::function<bool(const std::string &entry)>;

// The missing paths as problems of their fields, naming the path and `where` (the profile):
// "model.path: no such folder '/models/x' on hpc". An error only when the cluster could not be
// asked at all (connection lost): then nothing is known about the paths.
Result<std::vector<ConfigProblem>> checkClusterPaths(SftpClient &sftp, const RunConfig &config, const QString &where,
                                                     const IsClusterDataEntry &isClusterEntry);

// Whether a glob pattern ("/data/*/train-*.jsonl") matches at least one regular file on the
// cluster, with glob(3)'s rules (a leading dot is matched only by a dot).
Result<bool> remotePatternMatches(SftpClient &sftp, const QString &pattern);

}  // namespace corral
