// The Trainer's checkpoint and resume: what a checkpoint holds is exactly what the next step
// depends on (adapters, AdamW moments, the data order position, the RNG, the early-stopping
// counters), so a resumed run repeats the uninterrupted one bit for bit on the same machine.
#include "io/TrainerStateFile.h"
#include "train/Checkpoint.h"
#include "train/Tools.h"
#include "train/TrainerState.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <ostream>
#include <sstream>

namespace fs = std::filesystem;

namespace corral {

namespace {
// JSON has no infinity or NaN: they travel as null.
nlohmann::json number(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
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
        m->rngStates = m->comm->allgather(state);
    }
    if (!m->isMain()) {
        m->comm->barrier();  // rank 0 writes; the others wait until the checkpoint is in place
        return (fs::path(m_options.runDir) / "checkpoints" / checkpointName(step)).string();
    }
    auto saved = writeCheckpoint(step);
    m->comm->barrier();
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
        const std::string path = (fs::path(dir) / "optimizer.pt").string();
        torch::serialize::OutputArchive archive;
        m->optimizer->save(archive);
        for (size_t r = 0; r < m->rngStates.size(); ++r)
            archive.write(r == 0 ? std::string("rng_cpu") : "rng_cpu_rank_" + std::to_string(r), m->rngStates[r]);
        archive.save_to(path);
        return syncFile(path);
    };
    auto dir = corral::saveCheckpoint(m_options.runDir, step, adapter,
                                      peftAdapterConfig(m_config.lora, m_config.model.path.empty() ? m_config.model.name : m_config.model.path), state, writeState);
    if (!dir)
        return dir;
    m_log << "saved " << dir.value() << "\n";
    (void)m->event({{"kind", "checkpoint"}, {"step", step}, {"path", dir.value()}, {"time", unixTime()}});
    if (m->early->bestStep() == step) {
        if (auto st = writeBestPointer(m_options.runDir, step, m->early->bestLoss()); !st)
            return st.error();
    }
    if (auto st = pruneCheckpoints(m_options.runDir, m_config.train.keep_checkpoints, m->early->bestStep()); !st)
        return st.error();
    return dir;
}

Status Trainer::restore(const std::string &dir)
{
    if (const std::string missing = missingCheckpointFile(dir); !missing.empty())
        return makeError(ErrorCode::NotFound, "not a complete checkpoint: " + missing + " is missing", dir);
    const std::string adapterFile = (fs::path(dir) / "adapter_model.safetensors").string();
    if (auto st = loadAdapter(*m->model, adapterFile); !st)
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
