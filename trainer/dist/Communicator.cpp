#include "dist/Communicator.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <atomic>
#include <cstdlib>

namespace corral {

struct Communicator::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
    std::chrono::seconds timeout{0};
    // Set by the first failed collective. The group's destructor would wait for every queued
    // collective, each of which can only time out (dist.timeout_s apiece), so a broken group is
    // left to the process's exit instead.
    mutable std::atomic<bool> broken{false};
};

Communicator::Communicator(WorldInfo world) : m_world(std::move(world)), m(std::make_unique<Impl>()) {}

Communicator::~Communicator()
{
    if (m->broken && m->group)
        (void)m->group.release();  // deliberately leaked: see Impl::broken
}

Result<std::unique_ptr<Communicator>> Communicator::connect(const WorldInfo &world, const std::string &backend,
                                                            std::chrono::seconds timeout)
{
    std::unique_ptr<Communicator> comm(new Communicator(world));
    comm->m->timeout = timeout;
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
        comm->m->group->barrier()->wait();
    } catch (const std::exception &e) {
        return makeError(ErrorCode::Runtime,
                         "rank " + std::to_string(world.rank) + " of " + std::to_string(world.worldSize)
                             + " could not join the rendezvous at " + where + " within " + std::to_string(timeout.count())
                             + " s (" + world.source + " environment): " + e.what(),
                         "dist");
    }
    return comm;
}

CollectiveError Communicator::failure(const std::string &what, const std::exception &cause) const
{
    m->broken = true;
    // Gloo says which socket failed, not which rank; with two ranks the peer is the other one.
    const std::string peer = size() == 2 ? "rank " + std::to_string(1 - rank()) : "another rank";
    const std::string text = cause.what();
    std::string reason;
    if (text.find("Timed out") != std::string::npos || text.find("timed out") != std::string::npos)
        reason = "no answer from " + peer + " within " + std::to_string(m->timeout.count()) + " s (dist.timeout_s)";
    else if (text.find("closed") != std::string::npos || text.find("reset") != std::string::npos
             || text.find("Broken pipe") != std::string::npos)
        reason = peer + " is gone (its connection closed: the process stopped or was killed)";
    else
        reason = peer + " failed or cannot be reached";
    // Gloo's message starts with its source location in brackets; the rest is the useful part.
    std::string detail = text.substr(0, text.find('\n'));
    if (!detail.empty() && detail[0] == '[' && detail.find("] ") != std::string::npos)
        detail = detail.substr(detail.find("] ") + 2);
    return CollectiveError("rank " + std::to_string(rank()) + " of " + std::to_string(size()) + ": " + what
                           + " failed: " + reason + " [Gloo: " + detail
                           + "]; start every rank again with --resume auto");
}

namespace {
class GlooPending final : public Communicator::Pending {
public:
    GlooPending(const Communicator &comm, std::string what, std::vector<at::Tensor> tensors,
                c10::intrusive_ptr<c10d::Work> work)
        : m_comm(comm), m_what(std::move(what)), m_tensors(std::move(tensors)), m_work(std::move(work))
    {
    }
    void wait() override
    {
        auto work = std::move(m_work);
        if (!work)
            return;
        try {
            work->wait();
        } catch (const std::exception &e) {
            throw m_comm.failure(m_what, e);
        }
    }

private:
    const Communicator &m_comm;
    std::string m_what;
    std::vector<at::Tensor> m_tensors;  // kept alive while the collective runs
    c10::intrusive_ptr<c10d::Work> m_work;
};

// Runs one blocking collective, turning Gloo's exception into a CollectiveError.
template <class Fn>
auto guarded(const Communicator &comm, const std::string &what, Fn &&fn) -> decltype(fn())
{
    try {
        return fn();
    } catch (const CollectiveError &) {
        throw;
    } catch (const std::exception &e) {
        throw comm.failure(what, e);
    }
}
}  // namespace

std::unique_ptr<Communicator::Pending> Communicator::allreduceAsync(const torch::Tensor &flat, const std::string &what)
{
    std::vector<at::Tensor> tensors{flat};
    if (!m->group)
        return std::make_unique<GlooPending>(*this, what, std::move(tensors), c10::intrusive_ptr<c10d::Work>());
    auto work = guarded(*this, what, [&] { return m->group->allreduce(tensors); });
    return std::make_unique<GlooPending>(*this, what, std::move(tensors), std::move(work));
}

std::vector<torch::Tensor> Communicator::allgather(const torch::Tensor &t, const std::string &what)
{
    if (!m->group)
        return {t.clone()};
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int r = 0; r < size(); ++r)
        outputs[0].push_back(torch::empty_like(t));
    std::vector<at::Tensor> inputs{t.contiguous()};
    guarded(*this, what, [&] { m->group->allgather(outputs, inputs)->wait(); });
    return outputs[0];
}

namespace {
// One number reduced across the group; with one process the number itself.
template <class T>
T reduceScalar(const Communicator &comm, const c10::intrusive_ptr<c10d::ProcessGroupGloo> &group, T value,
               c10d::ReduceOp op, const std::string &what)
{
    if (!group)
        return value;
    // Explicit dtype: torch::tensor would make a double a float32.
    std::vector<at::Tensor> t{torch::tensor({value}, c10::CppTypeToScalarType<T>::value)};
    c10d::AllreduceOptions options;
    options.reduceOp = op;
    guarded(comm, what, [&] { group->allreduce(t, options)->wait(); });
    return t[0].item<T>();
}
}  // namespace

double Communicator::sum(double value, const std::string &what)
{
    return reduceScalar(*this, m->group, value, c10d::ReduceOp::SUM, what);
}

int64_t Communicator::sum(int64_t value, const std::string &what)
{
    return reduceScalar(*this, m->group, value, c10d::ReduceOp::SUM, what);
}

int64_t Communicator::max(int64_t value, const std::string &what)
{
    return reduceScalar(*this, m->group, value, c10d::ReduceOp::MAX, what);
}

void Communicator::barrier(const std::string &what)
{
    if (m->group)
        guarded(*this, what, [&] { m->group->barrier()->wait(); });
}

}  // namespace corral
