#include "dist/Communicator.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <cstdlib>

namespace corral {

struct Communicator::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

Communicator::Communicator(WorldInfo world) : m_world(std::move(world)), m(std::make_unique<Impl>()) {}

Communicator::~Communicator() = default;

Result<std::unique_ptr<Communicator>> Communicator::connect(const WorldInfo &world, const std::string &backend,
                                                            std::chrono::seconds timeout)
{
    std::unique_ptr<Communicator> comm(new Communicator(world));
    if (!world.distributed())
        return comm;
    const std::string where = world.masterAddr + ":" + std::to_string(world.masterPort);
    if (backend == "nccl")
        return makeError(ErrorCode::InvalidArgument,
                         "this corral-train is built against a CPU LibTorch without NCCL; use gloo", "dist.backend");
    try {
        c10d::TCPStoreOptions options;
        options.port = static_cast<std::uint16_t>(world.masterPort);
        options.isServer = world.rank == 0;
        options.numWorkers = static_cast<std::size_t>(world.worldSize);
        options.waitWorkers = true;
        options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
        comm->m->store = c10::make_intrusive<c10d::TCPStore>(world.masterAddr, options);

        auto groupOptions = c10d::ProcessGroupGloo::Options::create(std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
        // GLOO_SOCKET_IFNAME picks the network interface, as PyTorch users know it; otherwise the
        // address this host's name resolves to (loopback when it resolves to nothing).
        const char *interface = std::getenv("GLOO_SOCKET_IFNAME");
        groupOptions->devices.push_back(interface && *interface
                                            ? c10d::ProcessGroupGloo::createDeviceForInterface(interface)
                                            : c10d::ProcessGroupGloo::createDefaultDevice());
        comm->m->group = c10::make_intrusive<c10d::ProcessGroupGloo>(comm->m->store, world.rank, world.worldSize, groupOptions);
        comm->barrier();
    } catch (const std::exception &e) {
        return makeError(ErrorCode::Runtime,
                         "rank " + std::to_string(world.rank) + " of " + std::to_string(world.worldSize)
                             + " could not join the rendezvous at " + where + " within " + std::to_string(timeout.count())
                             + " s (" + world.source + " environment): " + e.what(),
                         "dist");
    }
    return comm;
}

namespace {
class GlooPending final : public Communicator::Pending {
public:
    GlooPending(std::vector<at::Tensor> tensors, c10::intrusive_ptr<c10d::Work> work)
        : m_tensors(std::move(tensors)), m_work(std::move(work))
    {
    }
    void wait() override
    {
        if (m_work)
            m_work->wait();
        m_work.reset();
    }

private:
    std::vector<at::Tensor> m_tensors;  // kept alive while the collective runs
    c10::intrusive_ptr<c10d::Work> m_work;
};
}  // namespace

std::unique_ptr<Communicator::Pending> Communicator::allreduceAsync(const torch::Tensor &flat)
{
    std::vector<at::Tensor> tensors{flat};
    if (!m->group)
        return std::make_unique<GlooPending>(std::move(tensors), c10::intrusive_ptr<c10d::Work>());
    auto work = m->group->allreduce(tensors);
    return std::make_unique<GlooPending>(std::move(tensors), std::move(work));
}

std::vector<torch::Tensor> Communicator::allgather(const torch::Tensor &t)
{
    if (!m->group)
        return {t.clone()};
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int r = 0; r < size(); ++r)
        outputs[0].push_back(torch::empty_like(t));
    std::vector<at::Tensor> inputs{t.contiguous()};
    m->group->allgather(outputs, inputs)->wait();
    return outputs[0];
}

namespace {
// One number reduced across the group; with one process the number itself.
template <class T>
T reduceScalar(const c10::intrusive_ptr<c10d::ProcessGroupGloo> &group, T value, c10d::ReduceOp op)
{
    if (!group)
        return value;
    // Explicit dtype: torch::tensor would make a double a float32.
    std::vector<at::Tensor> t{torch::tensor({value}, c10::CppTypeToScalarType<T>::value)};
    c10d::AllreduceOptions options;
    options.reduceOp = op;
    group->allreduce(t, options)->wait();
    return t[0].item<T>();
}
}  // namespace

double Communicator::sum(double value)
{
    return reduceScalar(m->group, value, c10d::ReduceOp::SUM);
}

int64_t Communicator::sum(int64_t value)
{
    return reduceScalar(m->group, value, c10d::ReduceOp::SUM);
}

int64_t Communicator::max(int64_t value)
{
    return reduceScalar(m->group, value, c10d::ReduceOp::MAX);
}

void Communicator::barrier()
{
    if (m->group)
        m->group->barrier()->wait();
}

}  // namespace corral
