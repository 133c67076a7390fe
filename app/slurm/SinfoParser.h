#pragma once
// What a cluster offers, from `sinfo`: partitions (the default one marked), their nodes and
// states, time limits and GPUs per node by type. The profile dialog's "Connect" shows it and
// fills the partition choice. Parsed apart from the command, so it is tested on recorded outputs.
#include <QList>
#include <QString>
#include <QStringList>

namespace corral {

struct GpuCount {
    QString type;  // "a100"; empty for an untyped "gpu:2"
    int perNode = 0;

    bool operator==(const GpuCount &o) const { return type == o.type && perNode == o.perNode; }
};

struct PartitionInfo {
    QString name;
    bool isDefault = false;  // sinfo marks it with '*'
    QString availability;    // "up", "down", "drain", "inact"
    int nodes = 0;
    QStringList states;      // "idle", "mix", "alloc", "drain*" … in order of first appearance
    QList<GpuCount> gpus;    // distinct GPU kinds on its nodes
    QString timeLimit;       // "infinite", "2-00:00:00"
    int cpusPerNode = 0;     // the largest seen
    qint64 memoryPerNodeMb = 0;  // the largest seen

    QString gpuSummary() const;  // "a100 ×4, v100 ×2"; "gpu ×2" untyped; "none"
};

struct ClusterInfo {
    QList<PartitionInfo> partitions;  // in sinfo's order
    QString defaultPartition() const;
    QStringList gpuTypes() const;  // distinct, sorted; "gpu" stands for untyped GPUs
};

// The argv of the sinfo call whose output parseSinfo reads: one line per partition and node
// state (and GRES), fields separated by '|'.
QStringList sinfoCommand();

// Lines it cannot read are skipped (a newer SLURM may print more).
ClusterInfo parseSinfo(const QString &output);
// One %G field: "gpu:a100:4(S:0-1),gpu:v100:2", "gpu:2", "(null)". Other GRES (mps, shard) are ignored.
QList<GpuCount> parseGres(const QString &field);

}  // namespace corral
