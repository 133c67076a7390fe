#pragma once
// Sums the LoRA gradients across ranks in flat buckets, overlapping the communication with
// the backward pass: during the last micro-batch of a step, a hook on each parameter notes
// when its gradient is ready, and a bucket's all-reduce starts as soon as all of its
// gradients are (backward runs from the last layer to the first, so buckets are formed in
// that order). finish() starts whatever is left, waits, and writes the sums into .grad.
// Hooks see each gradient before autograd accumulates it, so a bucket holds .grad (earlier
// micro-batches) + the new gradient, which is exactly what .grad becomes. Every rank runs the
// same graph, so buckets start in the same order on every rank, as Gloo and NCCL require.
#include "dist/Communicator.h"

#include <torch/types.h>

#include <memory>
#include <vector>

namespace corral {

class GradientReducer {
public:
    // `params` in the order they are registered in the model; `overlap` false reduces after
    // backward only (the same buckets, one after another).
    GradientReducer(Communicator &comm, std::vector<torch::Tensor> params, bool overlap, int64_t bucketBytes = 0);
    GradientReducer(const GradientReducer &) = delete;
    GradientReducer &operator=(const GradientReducer &) = delete;

    void arm();  // call before the backward pass of a step's last micro-batch
    int64_t finish();  // after it: returns the bytes this rank sent into the reduction
    int64_t buckets() const { return static_cast<int64_t>(m_buckets.size()); }

private:
    struct Bucket {
        std::vector<size_t> params;
        std::vector<torch::Tensor> staged;  // per param: the full gradient, once ready
        size_t waiting = 0;
        torch::Tensor flat;
        std::unique_ptr<Communicator::Pending> pending;
    };
    void onGradient(size_t param, const torch::Tensor &grad);
    void launch(Bucket &bucket);

    Communicator &m_comm;
    std::vector<torch::Tensor> m_params;
    std::vector<size_t> m_bucketOf;
    std::vector<Bucket> m_buckets;
    bool m_overlap;
    bool m_armed = false;
    int64_t m_bytes = 0;
};

}  // namespace corral
