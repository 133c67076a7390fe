#pragma once
// The process group of a data-parallel run, over c10d: a TCPStore on the master for the
// rendezvous and ProcessGroupGloo for CPU tensors. With one process every collective is the
// identity, so the trainer has a single code path.
#include "config/Result.h"
#include "dist/Rendezvous.h"

#include <torch/types.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace corral {

// A collective that could not complete: a peer rank died (its sockets closed) or gave no answer
// within dist.timeout_s. The message names this rank, the peer, the collective and what Gloo
// said. Thrown (the collectives sit deep inside the step); Trainer::run turns it into an error.
class CollectiveError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Communicator {
public:
    // Joins the run's process group; fails with the master address and port when the
    // rendezvous does not complete within `timeout`.
    static Result<std::unique_ptr<Communicator>> connect(const WorldInfo &world, const std::string &backend,
                                                         std::chrono::seconds timeout);
    ~Communicator();

    int rank() const { return m_world.rank; }
    int size() const { return m_world.worldSize; }
    bool isMain() const { return m_world.rank == 0; }
    const WorldInfo &world() const { return m_world; }

    // Every collective takes `what` it is for ("the gradient all-reduce"), named when it fails;
    // a failure throws CollectiveError.

    // An all-reduce in flight: the sum lands in the tensor given to allreduceAsync on wait().
    class Pending {
    public:
        virtual ~Pending() = default;
        virtual void wait() = 0;
    };
    // Starts summing one flat tensor across ranks in place; with one process it is already done.
    std::unique_ptr<Pending> allreduceAsync(const torch::Tensor &flat, const std::string &what);
    // Every rank's copy of `t` (same shape and dtype on all ranks), in rank order.
    std::vector<torch::Tensor> allgather(const torch::Tensor &t, const std::string &what);
    double sum(double value, const std::string &what);
    int64_t sum(int64_t value, const std::string &what);
    int64_t max(int64_t value, const std::string &what);
    void barrier(const std::string &what);

    // The error for a collective that threw `cause` (Gloo's own message).
    CollectiveError failure(const std::string &what, const std::exception &cause) const;

private:
    explicit Communicator(WorldInfo world);
    struct Impl;
    WorldInfo m_world;
    std::unique_ptr<Impl> m;
};

}  // namespace corral
