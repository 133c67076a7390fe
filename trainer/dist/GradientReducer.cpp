#include "dist/GradientReducer.h"

#include <torch/torch.h>

#include <algorithm>
#include <string>

namespace corral {

GradientReducer::GradientReducer(Communicator &comm, std::vector<torch::Tensor> params, bool overlap, int64_t bucketBytes)
    : m_comm(comm), m_params(std::move(params)), m_bucketOf(m_params.size()), m_overlap(overlap)
{
    for (const auto &p : m_params)
        m_bytes += p.numel() * static_cast<int64_t>(p.element_size());
    // Small enough that several buckets overlap with the backward pass, large enough that
    // each collective is worth its latency: a quarter of the gradients, within [256 KiB, 25 MiB].
    if (bucketBytes <= 0)
        bucketBytes = std::clamp<int64_t>(m_bytes / 4, int64_t{256} << 10, int64_t{25} << 20);
    // Gradients arrive roughly in reverse registration order (last layer first).
    int64_t filled = 0;
    for (size_t k = m_params.size(); k-- > 0;) {
        const int64_t bytes = m_params[k].numel() * static_cast<int64_t>(m_params[k].element_size());
        if (m_buckets.empty() || (filled > 0 && filled + bytes > bucketBytes)) {
            m_buckets.emplace_back();
            filled = 0;
        }
        m_buckets.back().params.push_back(k);
        m_bucketOf[k] = m_buckets.size() - 1;
        filled += bytes;
    }
    for (auto &bucket : m_buckets)
        bucket.staged.resize(bucket.params.size());
    if (m_comm.size() > 1 && m_overlap) {
        for (size_t k = 0; k < m_params.size(); ++k)
            m_params[k].register_hook([this, k](const torch::Tensor &grad) { onGradient(k, grad); });
    }
}

void GradientReducer::arm()
{
    if (m_comm.size() == 1 || !m_overlap)
        return;
    for (auto &bucket : m_buckets) {
        bucket.waiting = bucket.params.size();
        std::fill(bucket.staged.begin(), bucket.staged.end(), torch::Tensor());
        bucket.pending.reset();
    }
    m_armed = true;
}

void GradientReducer::onGradient(size_t param, const torch::Tensor &grad)
{
    if (!m_armed)
        return;
    Bucket &bucket = m_buckets[m_bucketOf[param]];
    const auto slot = static_cast<size_t>(
        std::find(bucket.params.begin(), bucket.params.end(), param) - bucket.params.begin());
    if (bucket.staged[slot].defined())
        return;  // a parameter's hook fires once per backward; be safe anyway
    const auto &accumulated = m_params[param].grad();
    bucket.staged[slot] = accumulated.defined() ? accumulated + grad : grad;
    if (--bucket.waiting == 0)
        launch(bucket);
}

void GradientReducer::launch(Bucket &bucket)
{
    std::vector<torch::Tensor> views;
    for (size_t i = 0; i < bucket.params.size(); ++i) {
        const auto &g = bucket.staged[i].defined() ? bucket.staged[i] : m_params[bucket.params[i]].grad();
        views.push_back(g.defined() ? g.reshape({-1}) : torch::zeros({m_params[bucket.params[i]].numel()},
                                                                     m_params[bucket.params[i]].options()));
    }
    bucket.flat = torch::cat(views);
    bucket.pending = m_comm.allreduceAsync(
        bucket.flat, "the gradient all-reduce (bucket " + std::to_string(&bucket - m_buckets.data() + 1) + " of "
                         + std::to_string(m_buckets.size()) + ")");
}

int64_t GradientReducer::finish()
{
    m_armed = false;
    if (m_comm.size() == 1)
        return 0;
    for (auto &bucket : m_buckets) {
        if (!bucket.pending)
            launch(bucket);  // not overlapped, or a gradient never came: same order on every rank
    }
    torch::NoGradGuard noGrad;
    for (auto &bucket : m_buckets) {
        bucket.pending->wait();
        int64_t offset = 0;
        for (const size_t k : bucket.params) {
            auto &p = m_params[k];
            const auto part = bucket.flat.slice(0, offset, offset + p.numel()).view_as(p);
            if (p.grad().defined())
                p.mutable_grad().copy_(part);
            else
                p.mutable_grad() = part.clone();
            offset += p.numel();
        }
        bucket.pending.reset();
        std::fill(bucket.staged.begin(), bucket.staged.end(), torch::Tensor());
    }
    return m_bytes;
}

}  // namespace corral
