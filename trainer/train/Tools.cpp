#include "train/Tools.h"

#include "io/Safetensors.h"
#include "model/ModelLoader.h"
#include "text/LoadTokenizer.h"
#include "train/Checkpoint.h"
#include "train/CheckpointChecksums.h"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <vector>

namespace corral {
namespace fs = std::filesystem;

torch::Tensor summedTokenLoss(LlamaForCausalLM &model, const Batch &batch)
{
    const auto logits = model(batch.inputs, batch.positions, batch.segments);  // [B, L, V]
    return torch::nn::functional::cross_entropy(
        logits.reshape({-1, logits.size(-1)}).to(torch::kFloat), batch.labels.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum).ignore_index(kIgnoreIndex));
}

namespace {

std::string numberText(double value)
{
    return nlohmann::json(value).dump();
}

// Where adapter_config.json disagrees with the run's lora section: "lora_alpha: 32 in the
// adapter, but the run's lora.alpha is 16". Loading anyway would scale or place the update
// differently from how it was trained, silently.
void compareAdapterConfig(const std::string &file, const LoraConfig &lora, std::vector<std::string> &problems)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(std::ifstream(file));
    } catch (const nlohmann::json::exception &e) {
        problems.push_back(std::string("not valid JSON: ") + e.what() + " in " + file);
        return;
    }
    const std::string where = " in " + file;
    auto differs = [&](const char *field, const std::string &found, const char *runField, const std::string &run) {
        problems.push_back(std::string(field) + ": " + found + where + ", but the run's " + runField + " is " + run);
    };
    const auto number = [&](const char *field) -> std::optional<double> {
        if (!j.is_object() || !j.contains(field)) {
            problems.push_back(std::string(field) + ": missing" + where);
            return std::nullopt;
        }
        if (!j[field].is_number()) {
            problems.push_back(std::string(field) + ": must be a number, got " + j[field].dump() + where);
            return std::nullopt;
        }
        return j[field].get<double>();
    };
    if (const auto r = number("r"); r && *r != static_cast<double>(lora.rank))
        differs("r", j["r"].dump(), "lora.rank", std::to_string(lora.rank));
    if (const auto alpha = number("lora_alpha"); alpha && *alpha != lora.alpha)
        differs("lora_alpha", j["lora_alpha"].dump(), "lora.alpha", numberText(lora.alpha));
    // PEFT before 0.7 wrote no use_rslora: those adapters are plain LoRA.
    const auto rslora = j.is_object() ? j.value("use_rslora", nlohmann::json(false)) : nlohmann::json(false);
    if (!rslora.is_boolean())
        problems.push_back("use_rslora: must be true or false, got " + rslora.dump() + where);
    else if (rslora.get<bool>() != lora.use_rslora)
        differs("use_rslora", rslora.dump(), "lora.use_rslora", lora.use_rslora ? "true" : "false");
    const auto targets = j.is_object() && j.contains("target_modules") ? j["target_modules"] : nlohmann::json();
    const std::set<std::string> wanted(lora.target_modules.begin(), lora.target_modules.end());
    const nlohmann::json run(std::vector<std::string>(wanted.begin(), wanted.end()));
    bool names = targets.is_array();
    for (const auto &t : targets)
        names = names && t.is_string();
    if (!names) {
        // A string is a regular expression to PEFT; corral adapts modules by name only.
        problems.push_back("target_modules: must be a list of module names, got " + targets.dump() + where
                           + " (the run's lora.target_modules is " + run.dump() + ")");
    } else if (const auto found = targets.get<std::set<std::string>>(); found != wanted) {
        differs("target_modules", nlohmann::json(std::vector<std::string>(found.begin(), found.end())).dump(),
                "lora.target_modules", run.dump());
    }
}

}  // namespace

Status loadAdapter(LlamaForCausalLMImpl &model, const std::string &adapterDir, const LoraConfig &lora)
{
    const std::string adapterFile = (fs::path(adapterDir) / "adapter_model.safetensors").string();
    const std::string configFile = (fs::path(adapterDir) / "adapter_config.json").string();
    std::vector<std::string> problems;
    std::error_code ec;
    if (fs::exists(configFile, ec))
        compareAdapterConfig(configFile, lora, problems);
    auto tensors = readSafetensors(adapterFile);
    if (!tensors)
        return tensors.error();
    const auto params = model.adapterStateDict();
    for (const auto &[name, param] : params) {
        const auto found = tensors.value().find(name);
        if (found == tensors.value().end())
            problems.push_back("tensor '" + name + "' is missing in " + adapterFile);
        else if (!found->second.sizes().equals(param.sizes()))
            problems.push_back("tensor '" + name + "': expected shape " + shapeString(param.sizes().vec())
                               + ", found " + shapeString(found->second.sizes().vec()) + " in " + adapterFile);
    }
    // A tensor the model has no place for would be dropped, and the adapter would compute
    // something else than what was trained.
    for (const auto &[name, tensor] : tensors.value()) {
        if (!params.count(name))
            problems.push_back("unexpected tensor '" + name + "' in " + adapterFile);
    }
    if (!problems.empty()) {
        std::string message = std::to_string(problems.size()) + " problem(s) with the adapter:";
        for (const auto &problem : problems)
            message += "\n  " + problem;
        return makeError(ErrorCode::Validation, message, adapterDir);
    }
    torch::NoGradGuard noGrad;
    for (const auto &[name, param] : params)
        param.copy_(tensors.value().at(name));
    return okStatus();
}

Result<std::string> resolveCheckpoint(const std::string &path)
{
    std::error_code ec;
    if (!fs::is_directory(path, ec))
        return makeError(ErrorCode::NotFound, "no such folder", path);
    if (missingCheckpointFile(path).empty() || fs::exists(fs::path(path) / "adapter_model.safetensors", ec))
        return path;
    const fs::path best = fs::path(path) / "checkpoints" / "best";
    if (fs::exists(best, ec)) {
        try {
            const auto pointer = nlohmann::json::parse(std::ifstream(best));
            const fs::path dir = fs::path(path) / "checkpoints" / pointer.at("checkpoint").get<std::string>();
            if (fs::exists(dir / "adapter_model.safetensors", ec))
                return dir.string();
        } catch (const nlohmann::json::exception &) {
            // fall through to the newest checkpoint
        }
    }
    if (auto latest = latestCheckpoint(path))
        return *latest;
    return makeError(ErrorCode::NotFound, "neither a checkpoint (adapter_model.safetensors) nor a run with checkpoints",
                     path);
}

std::string runConfigOf(const std::string &checkpointDir)
{
    return (fs::path(checkpointDir).lexically_normal().parent_path().parent_path() / "config.yaml").string();
}

namespace {

Result<LlamaForCausalLM> adaptedModel(const RunConfig &config, const std::string &checkpointDir)
{
    auto model = buildModel(config, 0, /*cuda=*/false);
    if (!model)
        return model.error();
    if (auto st = loadAdapter(*model.value(), checkpointDir, config.lora); !st)
        return st.error();
    return model;
}

}  // namespace

Result<nlohmann::json> evaluateCheckpoint(const RunConfig &config, const std::string &checkpointDir)
{
    if (auto st = verifyCheckpoint(checkpointDir, CheckpointUse::ReadAdapter); !st)
        return st.error();
    auto tokenizer = loadRunTokenizer(config.model);
    if (!tokenizer)
        return tokenizer.error();
    auto data = loadTextData(config.data, *tokenizer.value());
    if (!data)
        return data.error();
    auto model = adaptedModel(config, checkpointDir);
    if (!model)
        return model.error();
    auto m = model.value();
    m->eval();
    torch::NoGradGuard noGrad;
    const DataSplit &val = data.value().val;
    double lossSum = 0.0;
    int64_t targets = 0;
    for (int64_t i = 0; i < val.size(); i += config.train.micro_batch_size) {
        std::vector<int64_t> indices;
        for (int64_t j = i; j < std::min(val.size(), i + config.train.micro_batch_size); ++j)
            indices.push_back(j);
        const Batch batch = collate(val, indices, *tokenizer.value());
        lossSum += summedTokenLoss(m, batch).item<double>();
        targets += batch.targets;
    }
    const double loss = lossSum / static_cast<double>(std::max<int64_t>(1, targets));
    return nlohmann::json{{"checkpoint", checkpointDir},
                          {"val_loss", loss},
                          {"ppl", std::exp(loss)},
                          {"val_sequences", val.size()},
                          {"val_targets", targets}};
}

Status exportCheckpoint(const RunConfig &config, const ExportOptions &options, std::ostream &log)
{
    if (auto st = verifyCheckpoint(options.checkpoint, CheckpointUse::ReadAdapter); !st)
        return st;
    std::error_code ec;
    fs::create_directories(options.output, ec);
    if (ec)
        return makeError(ErrorCode::Io, "cannot create the folder: " + ec.message(), options.output);
    const fs::path from(options.checkpoint), to(options.output);
    if (!options.merge) {
        for (const char *name : {"adapter_model.safetensors", "adapter_config.json"}) {
            fs::copy_file(from / name, to / name, fs::copy_options::overwrite_existing, ec);
            if (ec)
                return makeError(ErrorCode::Io, std::string("cannot copy ") + name + ": " + ec.message(), options.output);
        }
        log << "exported the adapter (PEFT layout) to " << options.output << "\n";
        return okStatus();
    }
    // Merge onto the original weights, never onto an int8 copy of them.
    RunConfig merged = config;
    merged.model.quantize = "none";
    auto arch = modelArchitecture(config.model);
    if (!arch)
        return arch.error();
    std::string dtypeName = options.dtype.empty() ? arch.value().torch_dtype : options.dtype;
    torch::ScalarType dtype = torch::kFloat;
    if (dtypeName == "bfloat16")
        dtype = torch::kBFloat16;
    else if (dtypeName == "float16")
        dtype = torch::kHalf;
    else if (dtypeName != "float32")
        return makeError(ErrorCode::InvalidArgument, "must be bfloat16, float16 or float32, got '" + dtypeName + "'",
                         "--dtype");
    merged.model.dtype = dtype == torch::kBFloat16 ? "bfloat16" : "float32";
    auto model = adaptedModel(merged, options.checkpoint);
    if (!model)
        return model.error();
    model.value()->mergeAdapters();
    if (auto st = saveHfModel(*model.value(), options.output, dtype); !st)
        return st;
    // The tokenizer travels with the model, so the folder loads on its own.
    if (!config.model.path.empty()) {
        for (const char *name : {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"}) {
            const fs::path file = fs::path(config.model.path) / name;
            if (fs::exists(file, ec))
                fs::copy_file(file, to / name, fs::copy_options::overwrite_existing, ec);
        }
    }
    log << "exported the merged model (" << dtypeName << ") to " << options.output << "\n";
    return okStatus();
}

}  // namespace corral
