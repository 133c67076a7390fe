#pragma once
// The run configuration: what one training run does. Defaults here are the documented
// defaults (docs/config.md is generated from Schema.cpp, which describes every field).
#include <cstdint>
#include <string>
#include <vector>

namespace corral {

struct ModelConfig {
    std::string name = "tiny-demo";  // built-in architecture preset, used when path is empty
    std::string path;  // Hugging Face model folder (config.json, *.safetensors, tokenizer.json)
    std::string tokenizer;  // tokenizer.json (or its folder), "byte"; empty: the model folder's, or byte for tiny-demo
    std::string quantize = "none";  // none | int8: frozen linear weights as int8 with per-channel scales
    std::string dtype = "auto";  // storage of frozen weights: auto (bfloat16 on GPUs, float32 on CPUs) | float32 | bfloat16
    int64_t seed = 1234;  // initialisation seed of the (random) base weights
};

struct LoraConfig {
    int64_t rank = 8;
    double alpha = 16.0;
    double dropout = 0.0;
    bool use_rslora = false;  // scale by alpha / sqrt(rank) instead of alpha / rank
    std::vector<std::string> target_modules = {"q_proj", "k_proj", "v_proj", "o_proj"};
};

struct DataConfig {
    std::vector<std::string> files;  // paths or globs; absolute after loading (relative ones resolve against the config's folder)
    std::string format = "text";  // text | alpaca | chat
    std::string text_field = "text";  // JSONL field of the text format
    std::string messages_field = "messages";  // JSONL field of the chat format
    bool train_on_inputs = false;  // alpaca/chat: also learn the prompt, not only the response
    bool packing = true;  // pack documents into full rows; false: one document per row, padded per batch
    int64_t max_seq_len = 128;
    double val_fraction = 0.1;
    double max_bad_fraction = 0.01;  // stop before training when more records than this are bad
    bool cache = true;  // keep the tokenised data next to the data files
    int64_t seed = 1234;
};

struct TrainConfig {
    int64_t micro_batch_size = 8;
    int64_t grad_accum_steps = 4;
    double lr = 2e-5;
    int64_t warmup_steps = 10;
    std::string lr_schedule = "cosine";
    double min_lr_ratio = 0.1;
    double weight_decay = 0.0;
    double grad_clip = 1.0;
    std::string mixed_precision = "auto";  // auto: bf16 on GPUs, none on CPUs
    int64_t max_steps = 1000;
    int64_t eval_interval = 50;
    int64_t save_interval = 0;  // 0: only the final checkpoint
    int64_t keep_checkpoints = 3;  // newest kept, plus the best; 0: all
    int64_t early_stopping_patience = 0;  // evaluations without improvement; 0: off
    double early_stopping_min_delta = 0.0;
    int64_t seed = 42;
    int64_t threads = 0;  // 0: LibTorch's default
};

struct DistConfig {
    std::string backend = "auto";  // auto: nccl on GPUs, gloo on CPUs
    int64_t timeout_s = 300;  // rendezvous and collective timeout
    int64_t master_port = 0;  // 0: MASTER_PORT, or derived from SLURM_JOB_ID
    bool overlap_allreduce = true;  // start bucket all-reduces during the backward pass
};

struct OutputConfig {
    std::string dir;  // run directory; `--output` overrides
    std::string run_name;
};

struct RunConfig {
    ModelConfig model;
    LoraConfig lora;
    DataConfig data;
    TrainConfig train;
    DistConfig dist;
    OutputConfig output;
};

}  // namespace corral
