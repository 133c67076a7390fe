#pragma once
// Exponential moving average for the smoothing slider, as TensorBoard computes it: debiased,
// so the first points are not pulled towards zero. weight 0 is no smoothing, 0.99 heavy.
// Fed one value at a time, so a growing series is smoothed incrementally; a NaN (a record
// without the value) passes through as NaN and leaves the average as it was.
#include <algorithm>
#include <cmath>

namespace corral {

class EmaSmoother {
public:
    // weight is kept within [0, 0.999]: at 1 the average would never move.
    explicit EmaSmoother(double weight = 0.0) : m_weight(std::clamp(weight, 0.0, 0.999)) {}

    double weight() const { return m_weight; }

    double push(double value)
    {
        if (!std::isfinite(value))
            return value;
        m_accumulated = m_accumulated * m_weight + (1.0 - m_weight) * value;
        m_weightPower *= m_weight;  // weight^n after n values
        return m_accumulated / (1.0 - m_weightPower);
    }

private:
    double m_weight;
    double m_accumulated = 0.0;
    double m_weightPower = 1.0;
};

}  // namespace corral
