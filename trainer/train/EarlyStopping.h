#pragma once
// Early stopping on the validation loss: an evaluation improves when it beats the best so far
// by more than min_delta; after `patience` evaluations in a row without improvement, stop.
// Patience 0 never stops. Plain state, saved in trainer_state.json for exact resume.
#include <cstdint>
#include <limits>

namespace corral {

class EarlyStopping {
public:
    EarlyStopping(int64_t patience, double minDelta) : m_patience(patience), m_minDelta(minDelta) {}

    struct Decision {
        bool improved = false;
        bool stop = false;
    };
    Decision update(int64_t step, double valLoss);

    double bestLoss() const { return m_bestLoss; }
    int64_t bestStep() const { return m_bestStep; }
    int64_t evaluationsWithoutImprovement() const { return m_without; }
    void restore(double bestLoss, int64_t bestStep, int64_t without)
    {
        m_bestLoss = bestLoss;
        m_bestStep = bestStep;
        m_without = without;
    }

private:
    int64_t m_patience;
    double m_minDelta;
    double m_bestLoss = std::numeric_limits<double>::infinity();
    int64_t m_bestStep = -1;
    int64_t m_without = 0;
};

}  // namespace corral
