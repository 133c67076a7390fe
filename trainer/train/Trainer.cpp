#include "train/Trainer.h"

#include "compat/TorchCompat.h"
#include "config/ConfigWriter.h"
#include "data/TextDataset.h"
#include "model/Llama.h"
#include "train/Checkpoint.h"
#include "train/JsonlWriter.h"
#include "train/LrSchedule.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <ostream>

namespace fs = std::filesystem;

namespace corral {

namespace {
constexpr int kMaxConsecutiveNonFinite = 5;
}

struct Trainer::State {
    ByteTokenizer tokenizer;
    TextData data;
    LlamaForCausalLM model{nullptr};
    std::unique_ptr<torch::optim::AdamW> optimizer;
    std::unique_ptr<BatchSampler> sampler;
    JsonlWriter metrics;
    JsonlWriter events;
    std::chrono::steady_clock::time_point start;
    int64_t tokensSeen = 0;
};

Trainer::Trainer(RunConfig config, std::string runDir, std::ostream &log)
    : m_config(std::move(config)), m_runDir(std::move(runDir)), m_log(log), m(std::make_unique<State>())
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
    } catch (const c10::Error &e) {
        result = makeError(ErrorCode::Runtime, std::string("LibTorch: ") + e.what_without_backtrace());
    } catch (const std::exception &e) {
        result = makeError(ErrorCode::Runtime, e.what());
    }
    if (!result && m->events.isOpen())
        (void)m->events.write({{"kind", "failed"}, {"message", result.error().toString()}, {"time", unixTime()}});
    return result;
}

// ---- setup: run directory, resolved config, data, model, optimizer -------------------------
Status Trainer::setup()
{
    std::error_code ec;
    fs::create_directories(fs::path(m_runDir) / "checkpoints", ec);
    if (ec)
        return makeError(ErrorCode::Io, "cannot create run directory: " + ec.message(), m_runDir);
    if (auto st = writeConfigFile(m_config, (fs::path(m_runDir) / "config.yaml").string()); !st)
        return st;
    if (auto st = m->metrics.open((fs::path(m_runDir) / "metrics.jsonl").string()); !st)
        return st;
    if (auto st = m->events.open((fs::path(m_runDir) / "events.jsonl").string()); !st)
        return st;

    const TrainConfig &t = m_config.train;
    if (t.threads > 0)
        torch::set_num_threads(static_cast<int>(t.threads));

    auto data = loadTextData(m_config.data, m->tokenizer);
    if (!data)
        return data.error();
    m->data = std::move(data).value();

    AdapterSpec adapters;
    adapters.options = {m_config.lora.rank, m_config.lora.alpha, m_config.lora.dropout};
    adapters.targets.insert(m_config.lora.target_modules.begin(), m_config.lora.target_modules.end());
    m->model = LlamaForCausalLM(LlamaConfig::tinyDemo(), adapters);
    m->model->initialize(static_cast<uint64_t>(m_config.model.seed), static_cast<uint64_t>(t.seed));
    m->model->train();

    // AdamW over the LoRA matrices only; the base model has requires_grad == false throughout.
    auto params = m->model->adapterParameters();
    m->optimizer = std::make_unique<torch::optim::AdamW>(
        params, torch::optim::AdamWOptions(t.lr).betas({0.9, 0.999}).eps(1e-8).weight_decay(t.weight_decay));
    m->sampler = std::make_unique<BatchSampler>(m->data.train.rows.size(0), t.micro_batch_size,
                                                static_cast<uint64_t>(t.seed));
    torch::manual_seed(static_cast<uint64_t>(t.seed));  // dropout

    int64_t trainable = 0, total = 0;
    for (const auto &p : m->model->parameters()) {
        total += p.numel();
        trainable += p.requires_grad() ? p.numel() : 0;
    }
    m_log << "corral-train: LibTorch " << compat::torchVersion() << ", " << torch::get_num_threads() << " threads\n"
          << "model " << m_config.model.name << ": " << total << " parameters, " << trainable << " trainable (LoRA r="
          << m_config.lora.rank << ")\n"
          << "data: " << m->data.train.documents << " train / " << m->data.val.documents << " val documents, "
          << m->data.train.rows.size(0) << " / " << m->data.val.rows.size(0) << " sequences of "
          << m_config.data.max_seq_len << " tokens\n";
    return m->events.write({{"kind", "started"},
                            {"time", unixTime()},
                            {"run_name", m_config.output.run_name},
                            {"model", m_config.model.name},
                            {"parameters", total},
                            {"trainable_parameters", trainable},
                            {"train_sequences", m->data.train.rows.size(0)},
                            {"val_sequences", m->data.val.rows.size(0)},
                            {"max_steps", t.max_steps},
                            {"torch", compat::torchVersion()}});
}

// ---- evaluate: mean token loss over the whole validation split ------------------------------
double Trainer::evaluate()
{
    torch::NoGradGuard noGrad;
    m->model->eval();
    const auto &rows = m->data.val.rows;  // [N, T+1]
    double lossSum = 0.0;
    int64_t tokens = 0;
    for (int64_t i = 0; i < rows.size(0); i += m_config.train.micro_batch_size) {
        const auto batch = rows.slice(0, i, std::min(rows.size(0), i + m_config.train.micro_batch_size));
        const auto logits = m->model(batch.slice(1, 0, -1));  // [B, T, V]
        const auto targets = batch.slice(1, 1);  // [B, T]
        lossSum += torch::nn::functional::cross_entropy(
                       logits.reshape({-1, logits.size(-1)}).to(torch::kFloat), targets.reshape({-1}),
                       torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        tokens += targets.numel();
    }
    m->model->train();
    return lossSum / static_cast<double>(std::max<int64_t>(1, tokens));
}

// ---- save_checkpoint ------------------------------------------------------------------------
Result<std::string> Trainer::saveCheckpoint(int64_t step, double valLoss)
{
    TensorMap adapter;
    for (const auto &[name, tensor] : m->model->adapterStateDict())
        adapter.emplace(name, tensor.to(torch::kFloat));
    const nlohmann::json state = {{"format", 1},
                                  {"step", step},
                                  {"epoch", m->sampler->epoch()},
                                  {"tokens", m->tokensSeen},
                                  {"val_loss", valLoss},
                                  {"time", unixTime()}};
    auto dir = corral::saveCheckpoint(m_runDir, step, adapter, peftAdapterConfig(m_config.lora, m_config.model.name), state);
    if (dir) {
        m_log << "saved " << dir.value() << "\n";
        (void)m->events.write({{"kind", "checkpoint"}, {"step", step}, {"path", dir.value()}, {"time", unixTime()}});
    }
    return dir;
}

// ---- train ----------------------------------------------------------------------------------
Result<TrainSummary> Trainer::train()
{
    const TrainConfig &t = m_config.train;
    const int64_t seqLen = m_config.data.max_seq_len;
    const int64_t stepTokens = t.grad_accum_steps * t.micro_batch_size * seqLen;  // every row is full length
    const auto &rows = m->data.train.rows;
    auto params = m->model->adapterParameters();

    TrainSummary summary;
    summary.firstValLoss = summary.lastValLoss = summary.bestValLoss = evaluate();
    (void)m->metrics.write({{"kind", "val"}, {"step", 0}, {"loss", summary.firstValLoss},
                            {"ppl", std::exp(summary.firstValLoss)}, {"time", unixTime()}});
    m_log << "step 0: val loss " << summary.firstValLoss << "\n";
    int64_t evalsWithoutImprovement = 0;
    int nonFiniteInARow = 0;
    m->start = std::chrono::steady_clock::now();

    for (int64_t step = 0; step < t.max_steps; ++step) {
        const auto stepStart = std::chrono::steady_clock::now();
        const double lr = learningRate(t, step);
        for (auto &group : m->optimizer->param_groups())
            static_cast<torch::optim::AdamWOptions &>(group.options()).lr(lr);
        m->optimizer->zero_grad();

        // Accumulate: each micro-batch's summed token loss is divided by the step's total tokens,
        // so the gradient is the mean over tokens however the step is split into micro-batches.
        double stepLoss = 0.0;
        for (int64_t micro = 0; micro < t.grad_accum_steps; ++micro) {
            const auto batch = rows.index_select(0, m->sampler->next());  // [B, T+1]
            const auto logits = m->model(batch.slice(1, 0, -1));  // [B, T, V]
            const auto loss = torch::nn::functional::cross_entropy(
                                  logits.reshape({-1, logits.size(-1)}).to(torch::kFloat), batch.slice(1, 1).reshape({-1}),
                                  torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                              / static_cast<double>(stepTokens);
            loss.backward();
            stepLoss += loss.item<double>();
        }
        const double gradNorm = torch::nn::utils::clip_grad_norm_(
            params, t.grad_clip > 0 ? t.grad_clip : std::numeric_limits<double>::infinity());
        if (!std::isfinite(stepLoss) || !std::isfinite(gradNorm)) {
            (void)m->events.write({{"kind", "skipped_step"}, {"step", step + 1}, {"reason", "non-finite loss or gradient"},
                                   {"time", unixTime()}});
            if (++nonFiniteInARow >= kMaxConsecutiveNonFinite)
                return makeError(ErrorCode::Runtime,
                                 std::to_string(kMaxConsecutiveNonFinite)
                                     + " consecutive steps had a non-finite loss or gradient; lower train.lr",
                                 "step " + std::to_string(step + 1));
            continue;
        }
        nonFiniteInARow = 0;
        m->optimizer->step();
        m->tokensSeen += stepTokens;

        const double stepSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - stepStart).count();
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m->start).count();
        const int64_t done = step + 1;
        (void)m->metrics.write({{"kind", "train"}, {"step", done}, {"epoch", m->sampler->epoch()},
                                {"tokens", m->tokensSeen}, {"loss", stepLoss}, {"lr", lr}, {"grad_norm", gradNorm},
                                {"tokens_per_s", static_cast<double>(stepTokens) / stepSeconds},
                                {"time", unixTime()}, {"elapsed_s", elapsed}});
        m_log << "step " << done << "/" << t.max_steps << " | loss " << std::fixed << std::setprecision(4) << stepLoss
              << " | lr " << std::scientific << std::setprecision(2) << lr << std::fixed << " | grad " << std::setprecision(3)
              << gradNorm << " | " << std::setprecision(0) << static_cast<double>(stepTokens) / stepSeconds << " tok/s\n"
              << std::defaultfloat << std::setprecision(6);

        const bool last = done == t.max_steps;
        bool stopNow = false;
        if (done % t.eval_interval == 0 || last) {
            const double val = evaluate();
            summary.lastValLoss = val;
            (void)m->metrics.write({{"kind", "val"}, {"step", done}, {"loss", val}, {"ppl", std::exp(val)},
                                    {"time", unixTime()}});
            (void)m->events.write({{"kind", "eval"}, {"step", done}, {"val_loss", val}, {"time", unixTime()}});
            m_log << "step " << done << ": val loss " << val << " (ppl " << std::exp(val) << ")\n";
            if (val < summary.bestValLoss - t.early_stopping_min_delta) {
                summary.bestValLoss = val;
                summary.bestStep = done;
                evalsWithoutImprovement = 0;
            } else if (t.early_stopping_patience > 0 && ++evalsWithoutImprovement >= t.early_stopping_patience) {
                stopNow = true;
                summary.stoppedEarly = true;
                (void)m->events.write({{"kind", "early_stop"}, {"step", done}, {"best_step", summary.bestStep},
                                       {"best_val_loss", summary.bestValLoss}, {"time", unixTime()}});
                m_log << "early stop: no improvement in " << evalsWithoutImprovement << " evaluations\n";
            }
        }
        summary.steps = done;
        if ((t.save_interval > 0 && done % t.save_interval == 0) || last || stopNow) {
            auto dir = saveCheckpoint(done, summary.lastValLoss);
            if (!dir)
                return dir.error();
            summary.finalCheckpoint = dir.value();
            if (summary.bestStep == done) {
                if (auto st = writeBestPointer(m_runDir, done, summary.lastValLoss); !st)
                    return st.error();
            }
        }
        if (stopNow)
            break;
    }
    (void)m->events.write({{"kind", "finished"}, {"step", summary.steps}, {"val_loss", summary.lastValLoss},
                           {"best_val_loss", summary.bestValLoss}, {"best_step", summary.bestStep},
                           {"checkpoint", summary.finalCheckpoint}, {"time", unixTime()}});
    return summary;
}

}  // namespace corral
