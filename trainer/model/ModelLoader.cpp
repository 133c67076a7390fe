#include "model/ModelLoader.h"

#include "io/Safetensors.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace corral {
namespace fs = std::filesystem;

namespace {

constexpr size_t kProblemsShown = 12;

bool isFloating(torch::ScalarType t)
{
    return t == torch::kFloat || t == torch::kHalf || t == torch::kBFloat16 || t == torch::kDouble;
}

// Tensors some checkpoints carry that are not weights.
bool isIgnorable(const std::string &name)
{
    const std::string suffix = "rotary_emb.inv_freq";
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct Shards {
    std::vector<std::shared_ptr<SafetensorsFile>> files;
    std::map<std::string, const SafetensorsFile *> owner;  // tensor name -> file holding it
};

Result<Shards> openShards(const std::string &dir)
{
    const fs::path root(dir);
    std::vector<std::string> names;
    const auto index = root / "model.safetensors.index.json";
    std::error_code ec;
    if (fs::exists(index, ec)) {
        std::ifstream in(index);
        nlohmann::json j;
        try {
            in >> j;
            for (const auto &[tensor, file] : j.at("weight_map").items()) {
                const auto name = file.get<std::string>();
                if (std::find(names.begin(), names.end(), name) == names.end())
                    names.push_back(name);
            }
        } catch (const nlohmann::json::exception &e) {
            return makeError(ErrorCode::Parse, std::string("bad index: ") + e.what(), index.string());
        }
    } else if (fs::exists(root / "model.safetensors", ec)) {
        names.push_back("model.safetensors");
    } else {
        return makeError(ErrorCode::NotFound, "no model.safetensors or model.safetensors.index.json", dir);
    }
    Shards shards;
    for (const auto &name : names) {
        if (name.find('/') != std::string::npos || name == "..")
            return makeError(ErrorCode::Parse, "shard name '" + name + "' is not a file in the folder", index.string());
        auto file = SafetensorsFile::open((root / name).string());
        if (!file)
            return file.error();
        for (const auto &[tensor, entry] : file.value()->entries()) {
            if (auto [it, fresh] = shards.owner.emplace(tensor, file.value().get()); !fresh)
                return makeError(ErrorCode::Parse, "tensor '" + tensor + "' is in both " + it->second->path() + " and "
                                     + file.value()->path(), dir);
        }
        shards.files.push_back(std::move(file).value());
    }
    return shards;
}

}  // namespace

Result<LlamaConfig> modelArchitecture(const ModelConfig &config)
{
    if (config.path.empty())
        return LlamaConfig::preset(config.name);
    return readLlamaConfig((fs::path(config.path) / "config.json").string());
}

BaseStorage baseStorageFor(const ModelConfig &config, bool cuda)
{
    BaseStorage storage;
    if (config.dtype == "bfloat16" || (config.dtype == "auto" && cuda))
        storage.dtype = torch::kBFloat16;
    storage.int8 = config.quantize == "int8";
    return storage;
}

AdapterSpec adapterSpecFor(const LoraConfig &config)
{
    AdapterSpec spec;
    spec.options = {config.rank, config.alpha, config.dropout, config.use_rslora};
    spec.targets.insert(config.target_modules.begin(), config.target_modules.end());
    return spec;
}

Status loadHfWeights(LlamaForCausalLMImpl &model, const std::string &dir, const BaseStorage &storage)
{
    auto opened = openShards(dir);
    if (!opened)
        return opened.error();
    const auto &shards = opened.value();
    std::map<std::string, torch::Tensor> expected;
    for (const auto &item : model.named_parameters()) {
        if (!isAdapterParameterName(item.key()))
            expected.emplace(item.key(), item.value());
    }
    std::vector<std::string> problems;
    for (const auto &[name, param] : expected) {
        const auto it = shards.owner.find(name);
        const auto want = param.sizes().vec();
        if (it == shards.owner.end()) {
            problems.push_back("tensor '" + name + "' is missing (expected shape " + shapeString(want) + ")");
            continue;
        }
        const auto &entry = it->second->entries().at(name);
        if (entry.shape != want)
            problems.push_back("tensor '" + name + "': expected shape " + shapeString(want) + ", found "
                               + shapeString(entry.shape) + " in " + it->second->path());
        else if (!isFloating(entry.dtype))
            problems.push_back("tensor '" + name + "': expected a floating dtype (F32, F16, BF16), found "
                               + std::string(c10::toString(entry.dtype)) + " in " + it->second->path());
    }
    for (const auto &[name, file] : shards.owner) {
        if (!expected.count(name) && !isIgnorable(name))
            problems.push_back("unexpected tensor '" + name + "' in " + file->path()
                               + (name == "lm_head.weight" ? " (config.json ties the output layer to the embeddings)" : ""));
    }
    if (!problems.empty()) {
        std::string message = std::to_string(problems.size()) + " problem(s) with the model weights:";
        for (size_t i = 0; i < problems.size() && i < kProblemsShown; ++i)
            message += "\n  " + problems[i];
        if (problems.size() > kProblemsShown)
            message += "\n  ... and " + std::to_string(problems.size() - kProblemsShown) + " more";
        return makeError(ErrorCode::Validation, message, dir);
    }

    torch::NoGradGuard noGrad;
    auto linears = model.baseLinears();
    for (auto &[name, param] : expected) {
        const SafetensorsFile *file = shards.owner.at(name);
        const auto source = file->view(name);
        if (auto linear = linears.find(name); linear != linears.end()) {
            const bool quantise = storage.int8 && name != "lm_head.weight";
            linear->second->setBaseWeight(source, BaseStorage{storage.dtype, quantise});
        } else {
            const bool norm = name.find("norm.weight") != std::string::npos;
            param.set_data(source.to(norm ? torch::kFloat : storage.dtype, false, /*copy=*/true));
        }
        file->release(name);
    }
    return okStatus();
}

Result<LlamaForCausalLM> buildModel(const RunConfig &config, uint64_t adapterSeed, bool cuda)
{
    auto arch = modelArchitecture(config.model);
    if (!arch)
        return arch.error();
    LlamaForCausalLM model(arch.value(), adapterSpecFor(config.lora));
    const auto storage = baseStorageFor(config.model, cuda);
    if (config.model.path.empty()) {
        model->initialize(static_cast<uint64_t>(config.model.seed), adapterSeed);
        if (storage.int8 || storage.dtype != torch::kFloat) {
            model->convertBase(storage);
            torch::NoGradGuard noGrad;
            model->model->embed_tokens->weight.set_data(model->model->embed_tokens->weight.to(storage.dtype));
        }
        return model;
    }
    torch::manual_seed(adapterSeed);
    for (auto &[name, linear] : model->baseLinears())
        linear->resetAdapter();
    if (auto st = loadHfWeights(*model, config.model.path, storage); !st)
        return st.error();
    return model;
}

Status saveHfModel(LlamaForCausalLMImpl &model, const std::string &dir, torch::ScalarType dtype)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return makeError(ErrorCode::Io, "cannot create the folder: " + ec.message(), dir);
    LlamaConfig arch = model.config();
    arch.torch_dtype = dtype == torch::kBFloat16 ? "bfloat16" : dtype == torch::kHalf ? "float16" : "float32";
    {
        std::ofstream out(fs::path(dir) / "config.json");
        out << llamaConfigJson(arch);
        if (!out)
            return makeError(ErrorCode::Io, "cannot write config.json", dir);
    }
    TensorMap tensors;
    for (auto &[name, tensor] : model.baseStateDict()) {
        // Converted in place where the dtype differs, so the export never holds two copies.
        if (tensor.scalar_type() != dtype)
            tensor.set_data(tensor.to(dtype));
        tensors.emplace(name, tensor);
    }
    return writeSafetensors((fs::path(dir) / "model.safetensors").string(), tensors, {{"format", "pt"}});
}

}  // namespace corral
