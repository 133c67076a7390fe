// What SLURM's commands print, as the cluster's SLURM (or a site wrapper around it) prints it:
// sbatch --parsable, squeue, sacct, scontrol show job, sinfo and one GRES field. The parsers
// skip what they cannot read; what they return is well formed: job ids that look like job ids
// and key their own status, partitions with names and counts that cannot be negative, GPU
// counts above zero.
//
// Input: named parts ("--- sbatch", "--- squeue", "--- sacct", "--- scontrol", "--- sinfo",
// "--- gres"); text before the first part goes to every parser.
#include "FuzzSupport.h"

#include "slurm/SinfoParser.h"
#include "slurm/SlurmStateParser.h"

#include <QRegularExpression>

using namespace corral;

namespace {

bool looksLikeJobId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^\\d+(_(\\d+|\\[[^\\]]*\\]))?(\\+\\d+)?$"));
    return pattern.match(id).hasMatch();
}

void checkJobs(const QHash<QString, SlurmJobStatus> &jobs, const char *source)
{
    for (auto it = jobs.begin(); it != jobs.end(); ++it) {
        FUZZ_CHECK(it.key() == it->jobId, std::string(source) + ": a status keyed by another id");
        FUZZ_CHECK(looksLikeJobId(it.key()), std::string(source) + ": not a job id: " + it.key().toStdString());
        FUZZ_CHECK(it->source == QLatin1StringView(source), std::string(source) + ": status names another source");
        (void)slurmJobStateName(it->state);
        (void)isFinalState(it->state);
    }
}

void checkGpus(const QList<GpuCount> &gpus)
{
    for (qsizetype i = 0; i < gpus.size(); ++i) {
        FUZZ_CHECK(gpus[i].perNode > 0, "a GPU count of " + std::to_string(gpus[i].perNode));
        for (qsizetype j = 0; j < i; ++j)
            FUZZ_CHECK(!(gpus[i] == gpus[j]), "a GPU kind listed twice");
    }
}

void run(const std::string &parser, const QString &text)
{
    const bool all = parser.empty();
    if (all || parser == "sbatch") {
        const auto id = parseSbatchJobId(text);
        if (id)
            FUZZ_CHECK(looksLikeJobId(id.value()), "sbatch: not a job id: " + id.value().toStdString());
    }
    if (all || parser == "squeue")
        checkJobs(parseSqueue(text), "squeue");
    if (all || parser == "sacct")
        checkJobs(parseSacct(text), "sacct");
    if (all || parser == "scontrol") {
        const auto jobs = parseScontrolShowJob(text);
        checkJobs(jobs, "scontrol");
        for (const auto &job : jobs)
            FUZZ_CHECK(job.state != SlurmJobState::Unknown, "scontrol: a record without a state");
    }
    if (all || parser == "sinfo") {
        const ClusterInfo info = parseSinfo(text);
        for (const PartitionInfo &p : info.partitions) {
            FUZZ_CHECK(!p.name.isEmpty(), "sinfo: a partition without a name");
            FUZZ_CHECK(p.nodes >= 0 && p.cpusPerNode >= 0 && p.memoryPerNodeMb >= 0,
                       "sinfo: a negative count in partition " + p.name.toStdString());
            checkGpus(p.gpus);
            (void)p.gpuSummary();
        }
        (void)info.defaultPartition();
        (void)info.gpuTypes();
    }
    if (all || parser == "gres")
        checkGpus(parseGres(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (const auto &part : fuzz::splitParts(fuzz::asText(data, size)))
        run(part.name, QString::fromUtf8(part.text.data(), qsizetype(part.text.size())));
    return 0;
}
