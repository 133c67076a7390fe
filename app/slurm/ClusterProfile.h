#pragma once
// A named place to run: the built-in `local` profile (corral-train via QProcess on this
// machine, none of the fields below) or a SLURM cluster reached over SSH. Plain data; the SSH
// half is filled from ~/.ssh/config by SshConfigFile where the profile leaves it open.
#include "remote/SshEndpoint.h"

#include <QString>
#include <QStringList>

namespace corral {

struct SlurmResources {
    QString partition;  // empty: the cluster's default
    QString account;
    QString qos;
    int timeLimitMinutes = 60;
    int nodes = 1;
    int gpusPerNode = 0;  // also the tasks per node (one rank per GPU)
    int cpuTasksPerNode = 1;  // ranks per node on nodes without GPUs (Gloo data parallel)
    int cpusPerTask = 1;
    QString memoryPerNode;  // SLURM syntax: "16G", "4000M"; empty: the cluster's default
    double gpuMemoryGb = 0;  // memory of one GPU in GiB (80 for an 80 GB card); 0: not known
};

struct ClusterProfile {
    QString name;  // "local" is the built-in local profile
    SshEndpoint ssh;
    QString workRoot;  // remote folder under which each run gets RUN_DIR = workRoot/<run folder>
    QString trainerPath = QStringLiteral("corral-train");  // corral-train on the cluster
    QStringList modules;           // `module load` each, in order
    QStringList environmentSetup;  // shell lines run before the trainer (written as given: they are code)
    SlurmResources resources;

    bool isLocal() const { return name == QLatin1StringView("local"); }
    static ClusterProfile local()
    {
        ClusterProfile p;
        p.name = QStringLiteral("local");
        return p;
    }
};

}  // namespace corral
