#pragma once
// The process group of a data-parallel run, over c10d: a TCPStore on the master for the
// rendezvous and ProcessGroupGloo for CPU tensors. With one process every collective is the
// identity, so the trainer has a single code path.
#include "config/Result.h"
#include "dist/Rendezvous.h"

#include <torch/types.h>

#include <chrono>
#include <memory>
#include <vector>

namespace corral {

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

    // An all-reduce in flight: the sum lands in the tensor given to allreduceAsync on wait().
    class Pending {
    public:
        virtual ~Pending() = default;
        virtual void wait() = 0;
    };
    // Starts summing one flat tensor across ranks in place; with one process it is already done.
    std::unique_ptr<Pending> allreduceAsync(const torch::Tensor &flat);
    // Every rank's copy of `t` (same shape and dtype on all ranks), in rank order.
    std::vector<torch::Tensor> allgather(const torch::Tensor &t);
    double sum(double value);
    int64_t sum(int64_t value);
    int64_t max(int64_t value);
    void barrier();

private:
    explicit Communicator(WorldInfo world);
    struct Impl;
    WorldInfo m_world;
    std::unique_ptr<Impl> m;
};

}  // namespace corral
