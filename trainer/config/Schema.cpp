#include "config/Schema.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace corral {
namespace {

// Fluent construction of one FieldSpec bound to a member of a RunConfig section.
class Field {
public:
    template <class S, class M>
    Field(S RunConfig::*section, const char *sectionName, M S::*member, const char *key, FieldType type,
          const char *description)
    {
        m_spec.section = sectionName;
        m_spec.key = key;
        m_spec.type = type;
        m_spec.description = description;
        m_spec.get = [section, member](const RunConfig &c) -> FieldValue { return (c.*section).*member; };
        m_spec.set = [section, member](RunConfig &c, const FieldValue &v) { (c.*section).*member = std::get<M>(v); };
    }
    Field &min(double v, bool exclusive = false)
    {
        m_spec.min = v;
        m_spec.minExclusive = exclusive;
        return *this;
    }
    Field &max(double v)
    {
        m_spec.max = v;
        return *this;
    }
    Field &choices(std::vector<std::string> c)
    {
        m_spec.choices = std::move(c);
        return *this;
    }
    Field &unit(const char *u)
    {
        m_spec.unit = u;
        return *this;
    }
    Field &required()
    {
        m_spec.required = true;
        return *this;
    }
    operator FieldSpec() const { return m_spec; }  // NOLINT(google-explicit-constructor)

private:
    FieldSpec m_spec;
};

std::vector<FieldSpec> buildSchema()
{
    using T = FieldType;
    using R = RunConfig;
    const std::vector<std::string> projections = {"q_proj", "k_proj", "v_proj", "o_proj",
                                                  "gate_proj", "up_proj", "down_proj"};
    return {
        Field(&R::model, "model", &ModelConfig::name, "name", T::Enum,
              "Built-in model architecture, used when model.path is empty (random weights). tiny-demo: a 4-layer "
              "LLaMA (hidden 256, 8 heads, 4 KV heads) with a byte-level vocabulary, for demos and tests; "
              "llama-3.2-1b, llama-3.2-3b, llama-3.1-8b: the published shapes, for sizing and benchmarks.")
            .choices({"tiny-demo", "llama-3.2-1b", "llama-3.2-3b", "llama-3.1-8b"}),
        Field(&R::model, "model", &ModelConfig::path, "path", T::String,
              "Hugging Face model folder: config.json, model.safetensors or sharded model-*-of-*.safetensors with "
              "model.safetensors.index.json, and tokenizer.json. Any LlamaForCausalLM (Llama 3.x 1B/3B/8B). "
              "Empty: the built-in model.name architecture with random weights. A relative path resolves against "
              "the config file's folder."),
        Field(&R::model, "model", &ModelConfig::tokenizer, "tokenizer", T::String,
              "Tokenizer: a tokenizer.json file or its folder, or \"byte\" (one token per byte, 258 ids). Empty: the "
              "model folder's tokenizer.json, or byte for the built-in tiny-demo."),
        Field(&R::model, "model", &ModelConfig::quantize, "quantize", T::Enum,
              "Frozen linear weights of the decoder layers: none, or int8 with one absmax scale per output channel "
              "(half the memory of bfloat16, dequantised tile by tile in the matmuls). Not quantised: embeddings "
              "and the output layer, stored in model.dtype (a built-in architecture's output layer in float32), "
              "and norms, always float32.")
            .choices({"none", "int8"}),
        Field(&R::model, "model", &ModelConfig::dtype, "dtype", T::Enum,
              "Storage of the frozen weights that are not quantised: auto (bfloat16 on GPUs, float32 on CPUs), "
              "float32 or bfloat16. LoRA weights are always float32 masters.")
            .choices({"auto", "float32", "bfloat16"}),
        Field(&R::model, "model", &ModelConfig::seed, "seed", T::Int,
              "Seed of the random initialisation of the base weights (built-in architectures only).")
            .min(0),

        Field(&R::lora, "lora", &LoraConfig::rank, "rank", T::Int, "LoRA rank r of the low-rank update B·A.")
            .min(1).max(1024),
        Field(&R::lora, "lora", &LoraConfig::alpha, "alpha", T::Float,
              "LoRA alpha; the update is scaled by alpha / rank.")
            .min(0, true).max(100000),
        Field(&R::lora, "lora", &LoraConfig::dropout, "dropout", T::Float,
              "Dropout on the LoRA input during training.")
            .min(0).max(0.95),
        Field(&R::lora, "lora", &LoraConfig::use_rslora, "use_rslora", T::Bool,
              "Rank-stabilised LoRA: scale the update by alpha / √rank instead of alpha / rank."),
        Field(&R::lora, "lora", &LoraConfig::target_modules, "target_modules", T::EnumList,
              "Linear layers that get LoRA adapters.")
            .choices(projections),

        Field(&R::data, "data", &DataConfig::files, "files", T::StringList,
              "Data files or glob patterns (*.jsonl); relative paths resolve against the config file's folder. "
              "Files ending in .jsonl or .json hold one JSON record per line; others are plain text.")
            .required(),
        Field(&R::data, "data", &DataConfig::format, "format", T::Enum,
              "text: plain text (documents separated by blank lines) or the text_field of JSONL records; "
              "alpaca: JSONL records with instruction, optional input, and output; "
              "chat: JSONL records whose messages_field lists {role, content} turns.")
            .choices({"text", "alpaca", "chat"}),
        Field(&R::data, "data", &DataConfig::text_field, "text_field", T::String,
              "JSONL field holding the text, for the text format."),
        Field(&R::data, "data", &DataConfig::messages_field, "messages_field", T::String,
              "JSONL field holding the list of messages, for the chat format."),
        Field(&R::data, "data", &DataConfig::train_on_inputs, "train_on_inputs", T::Bool,
              "alpaca and chat: also compute the loss on prompts and user turns, not only on responses."),
        Field(&R::data, "data", &DataConfig::packing, "packing", T::Bool,
              "Pack documents back to back into rows of max_seq_len tokens; false: one document per row, "
              "truncated to max_seq_len, and each batch padded to its longest row."),
        Field(&R::data, "data", &DataConfig::max_seq_len, "max_seq_len", T::Int,
              "Tokens per training sequence; documents are packed into sequences of this length.")
            .min(8).max(131072).unit("tokens"),
        Field(&R::data, "data", &DataConfig::val_fraction, "val_fraction", T::Float,
              "Fraction of documents held out for validation (a deterministic split by data.seed).")
            .min(0, true).max(0.5),
        Field(&R::data, "data", &DataConfig::max_bad_fraction, "max_bad_fraction", T::Float,
              "Largest fraction of bad records (invalid JSON, missing or mistyped fields) tolerated; more stops "
              "the run before training. Each bad record is reported with file and line.")
            .min(0).max(1),
        Field(&R::data, "data", &DataConfig::cache, "cache", T::Bool,
              "Keep the tokenised, split and packed data in .corral-cache/ next to the first data file, keyed by "
              "the files' paths, sizes and times, the tokenizer and these settings, so the next run starts at once."),
        Field(&R::data, "data", &DataConfig::seed, "seed", T::Int, "Seed of the train/validation split.")
            .min(0),

        Field(&R::train, "train", &TrainConfig::micro_batch_size, "micro_batch_size", T::Int,
              "Sequences per forward/backward pass.")
            .min(1).max(4096).unit("sequences"),
        Field(&R::train, "train", &TrainConfig::grad_accum_steps, "grad_accum_steps", T::Int,
              "Micro-batches accumulated into one optimizer step.")
            .min(1).max(4096),
        Field(&R::train, "train", &TrainConfig::lr, "lr", T::Float, "Peak learning rate of AdamW.")
            .min(0, true).max(1),
        Field(&R::train, "train", &TrainConfig::warmup_steps, "warmup_steps", T::Int,
              "Steps of linear warmup from 0 to train.lr.")
            .min(0).unit("steps"),
        Field(&R::train, "train", &TrainConfig::lr_schedule, "lr_schedule", T::Enum,
              "Learning-rate shape after warmup: cosine decay to lr·min_lr_ratio, or constant.")
            .choices({"cosine", "constant"}),
        Field(&R::train, "train", &TrainConfig::min_lr_ratio, "min_lr_ratio", T::Float,
              "Floor of the cosine schedule as a fraction of train.lr.")
            .min(0).max(1),
        Field(&R::train, "train", &TrainConfig::weight_decay, "weight_decay", T::Float,
              "Decoupled (AdamW) weight decay on the LoRA matrices.")
            .min(0).max(1),
        Field(&R::train, "train", &TrainConfig::grad_clip, "grad_clip", T::Float,
              "Maximum global gradient norm; 0 turns clipping off.")
            .min(0),
        Field(&R::train, "train", &TrainConfig::mixed_precision, "mixed_precision", T::Enum,
              "bf16: autocast matmuls to bfloat16 with float32 master LoRA weights; none: float32 throughout; "
              "auto: bf16 on GPUs, none on CPUs (where bfloat16 is rarely faster).")
            .choices({"auto", "bf16", "none"}),
        Field(&R::train, "train", &TrainConfig::max_steps, "max_steps", T::Int, "Optimizer steps to run.")
            .min(1).unit("steps"),
        Field(&R::train, "train", &TrainConfig::eval_interval, "eval_interval", T::Int,
              "Steps between validation passes (one also runs at the end).")
            .min(1).unit("steps"),
        Field(&R::train, "train", &TrainConfig::save_interval, "save_interval", T::Int,
              "Steps between checkpoints; 0 saves only the final one.")
            .min(0).unit("steps"),
        Field(&R::train, "train", &TrainConfig::keep_checkpoints, "keep_checkpoints", T::Int,
              "Newest checkpoints kept on disk, besides the best one and the one chosen in the app; 0 keeps all.")
            .min(0),
        Field(&R::train, "train", &TrainConfig::early_stopping_patience, "early_stopping_patience", T::Int,
              "Stop after this many evaluations without improvement of the validation loss; 0 turns it off.")
            .min(0),
        Field(&R::train, "train", &TrainConfig::early_stopping_min_delta, "early_stopping_min_delta", T::Float,
              "Smallest decrease of the validation loss that counts as an improvement.")
            .min(0),
        Field(&R::train, "train", &TrainConfig::seed, "seed", T::Int,
              "Seed of LoRA initialisation, dropout and batch order.")
            .min(0),
        Field(&R::train, "train", &TrainConfig::threads, "threads", T::Int,
              "CPU threads for LibTorch; 0 keeps LibTorch's default.")
            .min(0).max(1024),

        Field(&R::dist, "dist", &DistConfig::backend, "backend", T::Enum,
              "Collective backend of a multi-process run: gloo (CPUs), nccl (GPUs), auto (nccl when CUDA is "
              "available, else gloo). A single process needs none.")
            .choices({"auto", "gloo", "nccl"}),
        Field(&R::dist, "dist", &DistConfig::timeout_s, "timeout_s", T::Int,
              "Seconds a rank waits for the others to join the rendezvous, and for any collective.")
            .min(1).max(86400).unit("seconds"),
        Field(&R::dist, "dist", &DistConfig::master_port, "master_port", T::Int,
              "TCP port of the rendezvous on the first node; 0 takes MASTER_PORT or derives one from SLURM_JOB_ID.")
            .min(0).max(65535),
        Field(&R::dist, "dist", &DistConfig::overlap_allreduce, "overlap_allreduce", T::Bool,
              "Start the all-reduce of each bucket of LoRA gradients as soon as backward has produced it, "
              "overlapping communication with the rest of the backward pass; false: reduce after backward."),

        Field(&R::output, "output", &OutputConfig::dir, "dir", T::String,
              "Run directory (metrics, events, checkpoints); corral-train --output overrides it."),
        Field(&R::output, "output", &OutputConfig::run_name, "run_name", T::String,
              "A name for the run, shown in the app."),
    };
}

std::string formatNumber(double v)
{
    char buf[64];
    for (int precision = 6; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v)
            break;
    }
    std::string s = buf;
    if (s.find_first_of(".eEn") == std::string::npos)
        s += ".0";  // keep floats recognisable as floats
    return s;
}

std::string quote(const std::string &s)
{
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            // Other control bytes as \xNN: the reader refuses a raw NUL, and a raw one would
            // make the line hard to read and to edit.
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
                out += escaped;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

std::string joined(const std::vector<std::string> &items)
{
    std::string out;
    for (const auto &item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

size_t editDistance(std::string_view a, std::string_view b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string checkChoice(const FieldSpec &spec, const std::string &value)
{
    if (std::find(spec.choices.begin(), spec.choices.end(), value) != spec.choices.end())
        return {};
    std::string message = "must be one of " + joined(spec.choices) + "; got '" + value + "'";
    const std::string near = nearestName(value, spec.choices);
    if (!near.empty())
        message += " (did you mean '" + near + "'?)";
    return message;
}

}  // namespace

const std::vector<FieldSpec> &configSchema()
{
    static const std::vector<FieldSpec> schema = buildSchema();
    return schema;
}

std::vector<std::string> configSections()
{
    std::vector<std::string> sections;
    for (const auto &spec : configSchema()) {
        if (std::find(sections.begin(), sections.end(), spec.section) == sections.end())
            sections.push_back(spec.section);
    }
    return sections;
}

const FieldSpec *findField(std::string_view section, std::string_view key)
{
    for (const auto &spec : configSchema()) {
        if (spec.section == section && spec.key == key)
            return &spec;
    }
    return nullptr;
}

std::string nearestName(std::string_view name, const std::vector<std::string> &candidates)
{
    std::string best;
    size_t bestDistance = 4;
    for (const auto &candidate : candidates) {
        const size_t d = editDistance(name, candidate);
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    return best;
}

std::string formatFieldValue(const FieldSpec &spec, const FieldValue &value)
{
    switch (spec.type) {
    case FieldType::Int: return std::to_string(std::get<int64_t>(value));
    case FieldType::Float: return formatNumber(std::get<double>(value));
    case FieldType::Bool: return std::get<bool>(value) ? "true" : "false";
    case FieldType::String:
    case FieldType::Enum: return quote(std::get<std::string>(value));
    case FieldType::StringList:
    case FieldType::EnumList: {
        std::vector<std::string> quoted;
        for (const auto &item : std::get<std::vector<std::string>>(value))
            quoted.push_back(quote(item));
        return "[" + joined(quoted) + "]";
    }
    }
    return {};
}

std::string checkFieldValue(const FieldSpec &spec, const FieldValue &value)
{
    if (spec.type == FieldType::Int || spec.type == FieldType::Float) {
        const double v = spec.type == FieldType::Int ? static_cast<double>(std::get<int64_t>(value))
                                                     : std::get<double>(value);
        const std::string got = formatFieldValue(spec, value);
        auto bound = [&](double b) {
            return spec.type == FieldType::Int ? std::to_string(static_cast<int64_t>(b)) : formatNumber(b);
        };
        if (!std::isfinite(v))
            return "must be a finite number, got " + got;
        if (spec.min && (spec.minExclusive ? v <= *spec.min : v < *spec.min))
            return std::string(spec.minExclusive ? "must be > " : "must be ≥ ") + bound(*spec.min) + ", got " + got;
        if (spec.max && v > *spec.max)
            return "must be ≤ " + bound(*spec.max) + ", got " + got;
        return {};
    }
    if (spec.type == FieldType::Enum)
        return checkChoice(spec, std::get<std::string>(value));
    if (spec.type == FieldType::String) {
        if (spec.required && std::get<std::string>(value).empty())
            return "is required";
        return {};
    }
    if (spec.type == FieldType::StringList || spec.type == FieldType::EnumList) {
        const auto &items = std::get<std::vector<std::string>>(value);
        if (items.empty() && (spec.required || spec.type == FieldType::EnumList))
            return "must list at least one item";
        for (size_t i = 0; i < items.size(); ++i) {
            if (items[i].empty())
                return "item " + std::to_string(i) + " is empty";
            if (spec.type == FieldType::EnumList) {
                if (auto problem = checkChoice(spec, items[i]); !problem.empty())
                    return "item " + std::to_string(i) + " " + problem;
                if (std::find(items.begin(), items.begin() + static_cast<long>(i), items[i]) != items.begin() + static_cast<long>(i))
                    return "lists '" + items[i] + "' twice";
            }
        }
    }
    return {};
}

}  // namespace corral
