// The Trainer's checkpoint and resume: what a checkpoint holds is exactly what the next step
// depends on (adapters, AdamW moments, the data order position, the RNG, the early-stopping
// counters), so a resumed run repeats the uninterrupted one bit for bit on the same machine.
#include "io/TrainerStateFile.h"
#include "train/Checkpoint.h"
#include "train/CheckpointChecksums.h"
#include "train/Tools.h"
#include "train/TrainerState.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/torch.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <ostream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace corral {

namespace {
// JSON has no infinity or NaN: they travel as null.
nlohmann::json number(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

// archive.save_to(path) would say only "file write failed" (and LibTorch 1.13 aborts in its
// writer's destructor after a short write); writing through our own FILE keeps errno, so a full
// disk is named as one. After a failed write the rest is accepted and dropped, so the archive
// writer never sees a short write; the error is reported once it is done.
Status saveArchive(torch::serialize::OutputArchive &archive, const std::string &path)
{
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f)
        return osError(errno, "cannot create", path);
    int err = 0;
    std::string torchError;
    try {
        archive.save_to([f, &err](const void *data, size_t size) -> size_t {
            if (err == 0) {
                errno = 0;
                if (std::fwrite(data, 1, size, f) != size)
                    err = errno != 0 ? errno : EIO;
            }
            return size;
        });
    } catch (const c10::Error &e) {
        torchError = e.what_without_backtrace();
        if (err == 0)
            err = EIO;
    }
    if (err == 0 && std::fflush(f) != 0)
        err = errno;
    if (err == 0 && ::fsync(fileno(f)) != 0)
        err = errno;
    if (std::fclose(f) != 0 && err == 0)
        err = errno;
    if (err == 0)
        return okStatus();
    if (err == EIO && !torchError.empty())
        return makeError(ErrorCode::Io, "cannot write: " + torchError, path);
    return osError(err, "write failed", path);
}

}  // namespace

Result<std::string> Trainer::saveCheckpoint(int64_t step)
{
    // Every rank's dropout generator travels in the checkpoint, so each resumes its own stream.
    {
        auto generator = at::detail::getDefaultCPUGenerator();
        torch::Tensor state;
        {
            std::lock_guard<std::mutex> lock(generator.mutex());
            state = generator.get_state();
        }
        m->rngStates = m->comm->allgather(state, "the gathering of dropout generators");
    }
    // Rank 0 writes; the others wait for its outcome (0 saved, 1 failed, 2 failed on a full
    // disk), so every rank stops with the same exit code when a save fails.
    const std::string final = (fs::path(m_options.runDir) / "checkpoints" / checkpointName(step)).string();
    if (!m->isMain()) {
        const int64_t outcome = m->comm->max(int64_t{0}, "the checkpoint outcome");
        if (outcome == 0)
            return final;
        return makeError(outcome == 2 ? ErrorCode::NoSpace : ErrorCode::Io,
                         "not saved by rank 0 (its log and events.jsonl say why)", final);
    }
    auto saved = writeCheckpoint(step);
    const int64_t outcome = saved ? 0 : saved.error().code == ErrorCode::NoSpace ? 2 : 1;
    (void)m->comm->max(outcome, "the checkpoint outcome");
    return saved;
}

Result<std::string> Trainer::writeCheckpoint(int64_t step)
{
    TensorMap adapter;
    for (const auto &[name, tensor] : m->model->adapterStateDict())
        adapter.emplace(name, tensor.to(torch::kFloat));
    const BatchSampler::Position position = m->sampler->position();
    const nlohmann::json state = {
        {"format", TrainerStateFile::kFormat},
        {"step", step},
        {"epoch", m->sampler->epoch()},
        {"tokens", m->tokensSeen},
        {"val_loss", number(m->lastValLoss)},
        {"first_val_loss", number(m->firstValLoss)},
        {"best_val_loss", number(m->early->bestLoss())},
        {"best_step", m->early->bestStep()},
        {"evals_without_improvement", m->early->evaluationsWithoutImprovement()},
        {"non_finite_in_a_row", m->nonFiniteInARow},
        {"sampler", {{"epoch", position.epoch}, {"offset", position.offset}}},
        {"elapsed_s", m->elapsedSeconds()},
        {"time", unixTime()},
    };
    auto writeState = [this](const std::string &dir) -> Status {
        // AdamW moments and step counts, plus the CPU generator (dropout) in one archive.
        torch::serialize::OutputArchive archive;
        m->optimizer->save(archive);
        for (size_t r = 0; r < m->rngStates.size(); ++r)
            archive.write(r == 0 ? std::string("rng_cpu") : "rng_cpu_rank_" + std::to_string(r), m->rngStates[r]);
        return saveArchive(archive, (fs::path(dir) / "optimizer.pt").string());
    };
    const auto previous = latestCheckpoint(m_options.runDir);
    auto dir = corral::saveCheckpoint(m_options.runDir, step, adapter,
                                      peftAdapterConfig(m_config.lora, m_config.model.path.empty() ? m_config.model.name : m_config.model.path), state, writeState);
    if (!dir) {
        // What failed and where, and that nothing before this step is lost.
        Error error = dir.error();
        const std::string fix = error.code == ErrorCode::NoSpace ? "free space, then" : "fix that, then";
        error.message = "not saved: " + error.toString() + "; "
                        + (previous ? "the newest complete checkpoint " + fs::path(*previous).filename().string()
                                          + " is intact: " + fix + " run again with --resume auto"
                                    : "there is no earlier checkpoint: " + fix + " run again");
        error.context = (fs::path(m_options.runDir) / "checkpoints" / checkpointName(step)).string();
        return error;
    }
    m_log << "saved " << dir.value() << "\n";
    if (auto st = m->event({{"kind", "checkpoint"}, {"step", step}, {"path", dir.value()}, {"time", unixTime()}}); !st)
        return st.error();
    if (m->early->bestStep() == step) {
        if (auto st = writeBestPointer(m_options.runDir, step, m->early->bestLoss()); !st)
            return st.error();
    }
    if (auto st = pruneCheckpoints(m_options.runDir, m_config.train.keep_checkpoints, m->early->bestStep()); !st)
        return st.error();
    return dir;
}

Result<std::string> Trainer::resumePoint()
{
    if (m_options.resume == "none")
        return std::string();
    // Rank 0 reads and checks (one rank hashing the files is enough); the others take its
    // answer, so every rank resumes from the same folder.
    if (m_options.resume != "auto") {
        Status verdict = m->isMain() ? verifyCheckpoint(m_options.resume) : okStatus();
        if (m->comm->max(int64_t{verdict ? 0 : 1}, "the checkpoint check") != 0)
            return m->isMain() ? verdict.error()
                               : makeError(ErrorCode::Parse, "rank 0 found the checkpoint damaged (its log says why)",
                                           m_options.resume);
        return m_options.resume;
    }
    int64_t step = -1;
    if (m->isMain()) {
        const auto all = listCheckpoints(m_options.runDir);
        for (auto it = all.rbegin(); it != all.rend() && step < 0; ++it) {
            const auto defect = findCheckpointDefect(*it);
            if (!defect) {
                step = checkpointStep(*it);
                continue;
            }
            // Set aside, not deleted (someone may want to look), and out of the way of pruning,
            // which would otherwise count it among the newest and drop good ones.
            const fs::path aside = fs::path(*it).parent_path() / ("corrupt-" + fs::path(*it).filename().string());
            std::error_code ec;
            fs::remove_all(aside, ec);
            fs::rename(*it, aside, ec);
            const std::string message = "checkpoint " + *it + " is damaged: " + defect->file + " " + defect->message
                                        + "; skipped" + (ec ? "" : " and moved to " + aside.filename().string())
                                        + ", resuming from the next newest intact one";
            m_progress << "corral-train: warning: " << message << "\n" << std::flush;
            if (auto st = m->event({{"kind", "warning"}, {"message", message}, {"checkpoint", *it},
                                    {"file", defect->file}, {"time", unixTime()}});
                !st)
                return st.error();
        }
    }
    step = m->comm->max(step, "the resume step");
    return step < 0 ? std::string() : (fs::path(m_options.runDir) / "checkpoints" / checkpointName(step)).string();
}

Status Trainer::restore(const std::string &dir)
{
    if (const std::string missing = missingCheckpointFile(dir); !missing.empty())
        return makeError(ErrorCode::NotFound, "not a complete checkpoint: " + missing + " is missing", dir);
    if (auto st = loadAdapter(*m->model, dir, m_config.lora); !st)
        return st;

    std::ifstream in(fs::path(dir) / "trainer_state.json", std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const auto state = parseTrainerStateFile(text.str(), dir);
    if (!state)
        return state.error();
    const TrainerStateFile &s = state.value();
    m->step = s.step;
    m->tokensSeen = s.tokens;
    m->firstValLoss = s.firstValLoss;
    m->lastValLoss = s.valLoss;
    m->nonFiniteInARow = static_cast<int>(s.nonFiniteInARow);
    m->elapsedBefore = s.elapsedSeconds;
    m->early->restore(s.bestValLoss, s.bestStep, s.evalsWithoutImprovement);
    m->sampler->restore({s.samplerEpoch, s.samplerOffset});

    torch::serialize::InputArchive archive;
    archive.load_from((fs::path(dir) / "optimizer.pt").string());
    m->optimizer->load(archive);
    // This rank's generator; a checkpoint of a smaller world has none for it, and then the rank
    // keeps the stream seeded at start.
    torch::Tensor rng;
    const int rank = m->comm->rank();
    if (rank == 0)
        archive.read("rng_cpu", rng);
    else if (!archive.try_read("rng_cpu_rank_" + std::to_string(rank), rng))
        rng = torch::Tensor();
    if (rng.defined()) {
        auto generator = at::detail::getDefaultCPUGenerator();
        std::lock_guard<std::mutex> lock(generator.mutex());
        generator.set_state(rng);
    }

    m->resumedFrom = m->step;
    m_log << "resumed from " << dir << " at step " << m->step << "\n";
    return okStatus();
}

}  // namespace corral
