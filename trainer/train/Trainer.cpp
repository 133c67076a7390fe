#include "train/Trainer.h"

#include "compat/TorchCompat.h"
#include "config/ConfigWriter.h"
#include "model/ModelLoader.h"
#include "text/LoadTokenizer.h"
#include "train/Checkpoint.h"
#include "train/GradClip.h"
#include "train/LrSchedule.h"
#include "train/StopSignals.h"
#include "train/Tools.h"
#include "train/TrainerState.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <sys/resource.h>

namespace fs = std::filesystem;

namespace corral {

namespace {
constexpr int kMaxConsecutiveNonFinite = 5;

int64_t peakRssBytes()
{
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

}  // namespace

Trainer::Trainer(RunConfig config, TrainerOptions options, std::ostream &log, std::ostream &progress)
    : m_config(std::move(config)), m_options(std::move(options)), m_log(log), m_progress(progress),
      m(std::make_unique<State>())
{
}

Trainer::~Trainer() = default;

Result<TrainSummary> Trainer::run()
{
    Result<TrainSummary> result = makeError(ErrorCode::Runtime, "not started");
    try {
        if (auto st = setup(); !st)
            result = st.error();
        else
            result = train();
    } catch (const CollectiveError &e) {
        // A peer rank died or went silent: say where this rank was.
        result = makeError(ErrorCode::Runtime, e.what(), m->optimizer ? "after step " + std::to_string(m->step) : "setup");
    } catch (const c10::Error &e) {
        result = makeError(ErrorCode::Runtime, std::string("LibTorch: ") + e.what_without_backtrace());
    } catch (const std::exception &e) {
        result = makeError(ErrorCode::Runtime, e.what());
    }
    if (!result && m->events.isOpen())
        (void)m->event({{"kind", "failed"}, {"message", result.error().toString()}, {"time", unixTime()}});
    return result;
}

// ---- setup: run directory, data, model, optimizer, then the resume point ----------------------
Status Trainer::setup()
{
    const TrainConfig &t = m_config.train;
    auto comm = Communicator::connect(m_options.world, m_config.dist.backend, std::chrono::seconds(m_config.dist.timeout_s));
    if (!comm)
        return comm.error();
    m->comm = std::move(comm).value();
    if (auto st = prepareRunDirectory(); !st)
        return st;
    if (t.threads > 0)
        torch::set_num_threads(static_cast<int>(t.threads));

    auto tokenizer = loadRunTokenizer(m_config.model);
    if (!tokenizer)
        return tokenizer.error();
    m->tokenizer = std::move(tokenizer).value();
    auto data = loadTextData(m_config.data, *m->tokenizer);
    if (!data)
        return data.error();
    m->data = std::move(data).value();

    auto model = buildModel(m_config, static_cast<uint64_t>(t.seed), /*cuda=*/false);
    if (!model)
        return model.error();
    m->model = std::move(model).value();
    if (m->tokenizer->vocabSize() > m->model->config().vocab_size)
        return makeError(ErrorCode::InvalidArgument,
                         "the tokenizer has " + std::to_string(m->tokenizer->vocabSize()) + " ids, the model's vocabulary only "
                             + std::to_string(m->model->config().vocab_size),
                         "model.tokenizer");
    m->model->train();

    // AdamW over the LoRA matrices only (they have no biases or norms to exempt from decay);
    // the base model has requires_grad == false throughout and is never in the optimizer.
    m->optimizer = std::make_unique<torch::optim::AdamW>(
        m->model->adapterParameters(),
        torch::optim::AdamWOptions(t.lr).betas({0.9, 0.999}).eps(1e-8).weight_decay(t.weight_decay));
    m->reducer = std::make_unique<GradientReducer>(*m->comm, m->model->adapterParameters(), m_config.dist.overlap_allreduce);
    // One global order of micro-batches of micro_batch_size × ranks sequences; each rank takes
    // its slice, so the ranks together see exactly what a single process would.
    const int64_t globalBatch = t.micro_batch_size * m->comm->size();
    if (m->data.train.size() < globalBatch)
        return makeError(ErrorCode::InvalidArgument,
                         "× " + std::to_string(m->comm->size()) + " ranks needs " + std::to_string(globalBatch)
                             + " training sequences, the data has " + std::to_string(m->data.train.size()),
                         "train.micro_batch_size");
    m->sampler = std::make_unique<BatchSampler>(m->data.train.size(), globalBatch, static_cast<uint64_t>(t.seed));
    m->early = std::make_unique<EarlyStopping>(t.early_stopping_patience, t.early_stopping_min_delta);
    torch::manual_seed(static_cast<uint64_t>(t.seed) + static_cast<uint64_t>(m->comm->rank()));  // dropout
    m->bf16 = t.mixed_precision == "bf16";  // "auto" means none here: this build trains on the CPU

    int64_t trainable = 0, total = 0;
    for (const auto &p : m->model->parameters()) {
        total += p.numel();
        trainable += p.requires_grad() ? p.numel() : 0;
    }
    // Both sizes, so the log says what int8 saved: linear weights at model.dtype without it.
    const bool int8 = m_config.model.quantize == "int8";
    const int64_t baseBytes = m->model->baseWeightBytes();
    const int64_t unquantisedBytes =
        m->model->baseWeightBytesUnquantised(baseStorageFor(m_config.model, /*cuda=*/false).dtype);
    const auto mib = [](int64_t bytes) {
        std::ostringstream text;
        text << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / (1 << 20);
        return text.str();
    };
    m_log << "corral-train: LibTorch " << compat::torchVersion() << ", " << torch::get_num_threads() << " threads\n"
          << "model " << modelLabel() << ": " << total << " parameters, " << trainable << " trainable (LoRA r="
          << m_config.lora.rank << "), " << (m->bf16 ? "bf16 autocast" : "float32") << "; base weights "
          << mib(baseBytes) << " MiB "
          << (int8 ? "int8 (" + mib(unquantisedBytes) + " MiB unquantised)" : std::string("(not quantised)")) << "\n"
          << "data: " << m->data.train.documents << " train / " << m->data.val.documents << " val documents, "
          << m->data.train.size() << " / " << m->data.val.size() << " sequences of up to " << m_config.data.max_seq_len
          << " tokens, " << m->data.train.targets << " / " << m->data.val.targets << " loss targets"
          << (m->data.cacheFile.empty() ? "" : (m->data.fromCache ? "; read from " : "; cached in ") + m->data.cacheFile)
          << "\n";
    if (!m->data.problems.empty()) {
        nlohmann::json first = nlohmann::json::array();
        m_log << "skipped " << m->data.problems.size() << " bad records of " << m->data.records << ":\n";
        for (size_t i = 0; i < m->data.problems.size() && i < 10; ++i) {
            m_log << "  " << m->data.problems[i].toString() << "\n";
            first.push_back(m->data.problems[i].toString());
        }
        (void)m->event({{"kind", "data_problems"}, {"count", m->data.problems.size()},
                               {"records", m->data.records}, {"first", first}, {"time", unixTime()}});
    }

    auto resumeFrom = resumePoint();
    if (!resumeFrom)
        return resumeFrom.error();
    if (!resumeFrom.value().empty()) {
        if (auto st = restore(resumeFrom.value()); !st)
            return st;
    }
    // Metrics past the resume point (or all of them, for a run killed before its first
    // checkpoint) are dropped before the writer opens the file, so no step appears twice.
    const std::string metricsPath = (fs::path(m_options.runDir) / "metrics.jsonl").string();
    if (m->isMain()) {
        if (auto st = rewindJsonl(metricsPath, m->resumedFrom >= 0 ? m->step : -1); !st)
            return st;
        if (auto st = m->metrics.open(metricsPath); !st)
            return st;
    }
    return m->event({{"kind", m->resumedFrom >= 0 ? "resumed" : "started"},
                            {"world_size", m->comm->size()},
                            {"time", unixTime()},
                            {"step", m->step},
                            {"run_name", m_config.output.run_name},
                            {"model", modelLabel()},
                            {"parameters", total},
                            {"base_weight_bytes", baseBytes},
                            {"base_weight_bytes_unquantised", unquantisedBytes},
                            {"quantize", m_config.model.quantize},
                            {"trainable_parameters", trainable},
                            {"train_sequences", m->data.train.size()},
                            {"val_sequences", m->data.val.size()},
                            {"max_steps", t.max_steps},
                            {"torch", compat::torchVersion()}});
}

std::string Trainer::modelLabel() const
{
    if (m_config.model.path.empty())
        return m_config.model.name;
    fs::path p(m_config.model.path);
    return (p.filename().empty() ? p.parent_path() : p).filename().string();
}

Status Trainer::prepareRunDirectory()
{
    const fs::path dir(m_options.runDir);
    std::error_code ec;
    const bool holdsRun = fs::exists(dir / "metrics.jsonl", ec) || !listCheckpoints(dir.string()).empty();
    if (holdsRun && m_options.resume == "none")
        return makeError(ErrorCode::InvalidArgument,
                         "already holds a run; pass --resume auto to continue it, or choose another --output",
                         dir.string());
    m->comm->barrier("the start barrier");  // every rank has looked before rank 0 creates anything
    if (!m->isMain())
        return okStatus();
    fs::create_directories(dir / "checkpoints", ec);
    if (ec)
        return makeError(ErrorCode::Io, "cannot create run directory: " + ec.message(), dir.string());
    removeTemporaryFolders(dir.string());
    if (auto st = writeConfigFile(m_config, (dir / "config.yaml").string()); !st)
        return st;
    return m->events.open((dir / "events.jsonl").string());
}

// ---- evaluate: mean token loss over the whole validation split ------------------------------
double Trainer::evaluate()
{
    torch::NoGradGuard noGrad;
    m->model->eval();
    const DataSplit &val = m->data.val;
    double lossSum = 0.0;
    int64_t targets = 0;
    // Rank r evaluates sequences r, r + ranks, …; the sums are reduced, so every rank gets the same loss.
    const int64_t stride = m_config.train.micro_batch_size * m->comm->size();
    for (int64_t i = 0; i < val.size(); i += stride) {
        std::vector<int64_t> indices;
        for (int64_t j = i + m->comm->rank(); j < std::min(val.size(), i + stride); j += m->comm->size())
            indices.push_back(j);
        if (indices.empty())
            continue;
        const Batch batch = collate(val, indices, *m->tokenizer);
        compat::Bf16Autocast autocast(m->bf16, /*cuda=*/false);
        lossSum += summedTokenLoss(m->model, batch).item<double>();
        targets += batch.targets;
    }
    m->model->train();
    lossSum = m->comm->sum(lossSum, "the validation loss sum");
    targets = m->comm->sum(targets, "the validation target count");
    return lossSum / static_cast<double>(std::max<int64_t>(1, targets));
}

void Trainer::reportProgress(int64_t step, bool force)
{
    const auto now = std::chrono::steady_clock::now();
    if (!force && std::chrono::duration<double>(now - m->lastProgress).count() < m_options.progressSeconds)
        return;
    m->lastProgress = now;
    const int64_t maxSteps = m_config.train.max_steps;
    const double segment = std::chrono::duration<double>(now - m->segmentStart).count();
    const int64_t stepsThisSegment = step - m->segmentFirstStep;
    const double eta = stepsThisSegment > 0 ? segment / static_cast<double>(stepsThisSegment) * static_cast<double>(maxSteps - step) : 0.0;
    const auto etaSeconds = static_cast<int64_t>(eta + 0.5);
    m_progress << "step " << step << "/" << maxSteps << " (" << (100 * step / maxSteps) << "%) | loss " << std::fixed
               << std::setprecision(4) << m->lastTrainLoss << " | val " << m->lastValLoss << " | "
               << std::setprecision(0) << m->lastTokensPerSecond << " tok/s | ETA " << etaSeconds / 60 << ":"
               << std::setw(2) << std::setfill('0') << etaSeconds % 60 << std::setfill(' ') << std::defaultfloat
               << std::setprecision(6) << "\n"
               << std::flush;
}

// ---- train ----------------------------------------------------------------------------------
Result<TrainSummary> Trainer::train()
{
    const TrainConfig &t = m_config.train;
    auto params = m->model->adapterParameters();
    TrainSummary summary;
    summary.resumedFrom = m->resumedFrom;

    if (m->resumedFrom < 0) {
        m->firstValLoss = m->lastValLoss = evaluate();
        (void)m->early->update(0, m->firstValLoss);
        if (auto st = m->metric({{"kind", "val"}, {"step", 0}, {"loss", m->firstValLoss},
                                {"ppl", std::exp(m->firstValLoss)}, {"time", unixTime()}}); !st)
            return st.error();
        m_log << "step 0: val loss " << m->firstValLoss << "\n";
    }
    m->segmentStart = m->lastProgress = std::chrono::steady_clock::now();
    m->segmentFirstStep = m->step;

    std::string lastSaved;  // this process's newest checkpoint; empty until one is saved
    while (m->step < t.max_steps) {
        const int64_t step = m->step;  // 0-based index of the update being taken
        const auto stepStart = std::chrono::steady_clock::now();
        const double lr = learningRate(t, step);
        for (auto &group : m->optimizer->param_groups())
            static_cast<torch::optim::AdamWOptions &>(group.options()).lr(lr);
        m->optimizer->zero_grad();

        // Accumulate: each micro-batch's summed token loss is divided by the step's total loss
        // targets, so the gradient is the mean over tokens however the step is split.
        std::vector<Batch> micro;
        int64_t stepTargets = 0, stepTokens = 0;
        for (int64_t i = 0; i < t.grad_accum_steps; ++i) {
            const auto global = m->sampler->next();
            const auto first = global.begin() + m->comm->rank() * t.micro_batch_size;
            micro.push_back(collate(m->data.train, {first, first + t.micro_batch_size}, *m->tokenizer));
            stepTargets += micro.back().targets;
            stepTokens += micro.back().tokens;
        }
        // Across ranks: the loss is averaged over all ranks' targets, so summing the ranks'
        // gradients gives exactly the single-process gradient.
        stepTargets = m->comm->sum(stepTargets, "the step's target count");
        stepTokens = m->comm->sum(stepTokens, "the step's token count");
        double stepLoss = 0.0;
        for (size_t i = 0; i < micro.size(); ++i) {
            const Batch &batch = micro[i];
            if (i + 1 == micro.size())
                m->reducer->arm();  // the step's gradients are complete during this backward
            torch::Tensor loss;
            {
                compat::Bf16Autocast autocast(m->bf16, /*cuda=*/false);
                loss = summedTokenLoss(m->model, batch) / static_cast<double>(std::max<int64_t>(1, stepTargets));
            }
            loss.backward();
            stepLoss += loss.item<double>();
        }
        const int64_t reducedBytes = m->reducer->finish();  // LoRA gradients only: frozen weights have none
        stepLoss = m->comm->sum(stepLoss, "the step's loss sum");
        const double gradNorm = clipGradients(params, t.grad_clip);
        ++m->step;
        const int64_t done = m->step;
        if (!std::isfinite(stepLoss) || !std::isfinite(gradNorm)) {
            if (auto st = m->event({{"kind", "skipped_step"}, {"step", done}, {"reason", "non-finite loss or gradient"},
                                   {"time", unixTime()}}); !st)
                return st.error();
            if (++m->nonFiniteInARow >= kMaxConsecutiveNonFinite)
                return makeError(ErrorCode::Runtime,
                                 std::to_string(kMaxConsecutiveNonFinite)
                                     + " consecutive steps had a non-finite loss or gradient; lower train.lr",
                                 "step " + std::to_string(done));
        } else {
            m->nonFiniteInARow = 0;
            m->optimizer->step();
            m->tokensSeen += stepTokens;
            const double stepSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - stepStart).count();
            m->lastTrainLoss = stepLoss;
            m->lastTokensPerSecond = static_cast<double>(stepTokens) / stepSeconds;
            nlohmann::json record = {{"kind", "train"}, {"step", done}, {"epoch", m->sampler->epoch()},
                                     {"tokens", m->tokensSeen}, {"loss", stepLoss}, {"lr", lr}, {"grad_norm", gradNorm},
                                     {"tokens_per_s", m->lastTokensPerSecond}, {"peak_rss_bytes", peakRssBytes()},
                                     {"time", unixTime()}, {"elapsed_s", m->elapsedSeconds()}};
            if (m->comm->size() > 1)
                record["allreduce_bytes"] = reducedBytes;
            if (auto st = m->metric(record); !st)
                return st.error();
        }

        const bool last = done == t.max_steps;
        bool stopEarly = false;
        if (done % t.eval_interval == 0 || last) {
            const double val = evaluate();
            m->lastValLoss = val;
            if (auto st = m->metric({{"kind", "val"}, {"step", done}, {"loss", val}, {"ppl", std::exp(val)},
                                    {"time", unixTime()}}); !st)
                return st.error();
            if (auto st = m->event({{"kind", "eval"}, {"step", done}, {"val_loss", val}, {"time", unixTime()}}); !st)
                return st.error();
            m_log << "step " << done << ": val loss " << val << " (ppl " << std::exp(val) << ")\n";
            if (m->early->update(done, val).stop) {
                stopEarly = summary.stoppedEarly = true;
                if (auto st = m->event({{"kind", "early_stop"}, {"step", done}, {"best_step", m->early->bestStep()},
                                       {"best_val_loss", m->early->bestLoss()}, {"time", unixTime()}}); !st)
                    return st.error();
                m_log << "early stop: no improvement in " << m->early->evaluationsWithoutImprovement()
                      << " evaluations\n";
            }
        }
        const int signal = static_cast<int>(m->comm->max(pendingStopSignal(), "the stop-signal check"));  // a signal to any rank stops all
        if ((t.save_interval > 0 && done % t.save_interval == 0) || last || stopEarly || signal) {
            auto dir = saveCheckpoint(done);
            if (!dir)
                return dir.error();
            lastSaved = dir.value();
        }
        reportProgress(done, last);
        if (signal) {
            summary.stopSignal = signal;
            if (auto st = m->event({{"kind", "preempted"}, {"step", done}, {"signal", signalName(signal)},
                                   {"checkpoint", lastSaved}, {"time", unixTime()}}); !st)
                return st.error();
            m_log << signalName(signal) << ": saved " << lastSaved << ", exiting for a requeue\n";
            break;
        }
        if (stopEarly)
            break;
    }
    summary.steps = m->step;
    summary.firstValLoss = m->firstValLoss;
    summary.lastValLoss = m->lastValLoss;
    summary.bestValLoss = m->early->bestLoss();
    summary.bestStep = m->early->bestStep();
    summary.finalCheckpoint = !lastSaved.empty() ? lastSaved : latestCheckpoint(m_options.runDir).value_or("");
    if (!summary.stopSignal) {
        if (auto st = m->event({{"kind", "finished"}, {"step", summary.steps}, {"val_loss", summary.lastValLoss},
                               {"best_val_loss", summary.bestValLoss}, {"best_step", summary.bestStep},
                               {"checkpoint", summary.finalCheckpoint}, {"time", unixTime()}});
            !st)
            return st.error();
    }
    return summary;
}

}  // namespace corral
