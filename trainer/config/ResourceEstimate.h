#pragma once
// What a run will need before it is queued: memory per GPU (or per process on CPUs), tokens per
// optimizer step and steps per epoch, from the architecture and the run config. A model of what
// the trainer keeps in memory, not a measurement; the formula and its assumptions are in
// docs/estimate.md and every term is a field here so the app can show the breakdown.
// No LibTorch and no Qt: the app computes it as a person edits a config.
#include "config/Result.h"
#include "config/RunConfig.h"
#include "model/LlamaConfig.h"

#include <cstdint>

namespace corral {

// Where the run goes: the device decides what `auto` means for model.dtype and
// train.mixed_precision, as the trainer decides it (bfloat16 on GPUs, float32 on CPUs).
struct EstimateTarget {
    bool gpu = true;
    int64_t ranks = 1;  // data-parallel processes: one per GPU, or CPU tasks
};

// Per process: on a GPU the CUDA context, cuBLAS/NCCL workspaces and caching-allocator slack;
// on a CPU LibTorch's own code and buffers.
constexpr double kGpuOverheadBytes = 1024.0 * 1024.0 * 1024.0;
constexpr double kCpuOverheadBytes = 256.0 * 1024.0 * 1024.0;

struct MemoryEstimate {
    int64_t parameters = 0;  // all base weights
    int64_t linearParameters = 0;  // of those, the decoder layers' projections (int8 candidates)
    int64_t linearRows = 0;  // output rows of those projections (one float32 scale each under int8)
    int64_t loraParameters = 0;
    int64_t tokensPerMicroBatch = 0;  // micro_batch_size × max_seq_len
    int weightElementBytes = 2;  // frozen weights that are not int8: 2 (bfloat16) or 4 (float32)
    int activationElementBytes = 2;  // saved activations: 2 under bf16 autocast, else 4

    double baseWeightBytes = 0;  // linear weights (int8 + scales, or weightElementBytes) + embeddings + norms
    double loraBytes = 0;  // LoRA weights, their gradients and AdamW's two moments: 16 B per parameter
    double activationBytesPerTokenPerLayer = 0;
    double activationBytes = 0;  // × layers × tokensPerMicroBatch
    double logitBytesPerToken = 0;
    double logitBytes = 0;  // × tokensPerMicroBatch
    double attentionMaskBytes = 0;  // packed rows keep documents apart with a [B, T, T] bool mask
    double overheadBytes = kGpuOverheadBytes;

    double totalBytes() const
    {
        return baseWeightBytes + loraBytes + activationBytes + logitBytes + attentionMaskBytes + overheadBytes;
    }
};

MemoryEstimate estimateMemory(const LlamaConfig &arch, const RunConfig &config, const EstimateTarget &target);

// Tokens one optimizer step trains on: micro_batch_size × grad_accum_steps × max_seq_len × ranks.
int64_t tokensPerStep(const RunConfig &config, int64_t ranks);

struct DataEstimate {
    int64_t bytes = 0;  // of the data files that exist
    int64_t files = 0;
    double tokensPerByte = 0.25;  // 1 for the byte tokenizer; ~1/4 for Llama 3's BPE on English (rough)
    bool rough = true;  // tokens estimated from bytes, not counted
    int64_t tokens = 0;  // bytes × tokensPerByte
    int64_t trainTokens = 0;  // tokens × (1 − val_fraction)
    int64_t stepsPerEpoch = 0;  // packed rows of max_seq_len ÷ sequences per step; 0 without data
};

// Steps per epoch from a byte count: pure, for tests; dataBytesOf reads the sizes.
DataEstimate estimateData(int64_t bytes, int64_t files, const RunConfig &config, int64_t ranks);
// Total size of the regular files data.files names (globs expanded); missing entries count 0.
std::pair<int64_t, int64_t> dataBytesOf(const DataConfig &data);  // {bytes, files}

// The architecture a config trains: model.path's config.json when set, else the model.name preset.
Result<LlamaConfig> architectureOf(const ModelConfig &model);

}  // namespace corral
