#include "train/EarlyStopping.h"

namespace corral {

EarlyStopping::Decision EarlyStopping::update(int64_t step, double valLoss)
{
    Decision d;
    if (valLoss < m_bestLoss - m_minDelta) {
        m_bestLoss = valLoss;
        m_bestStep = step;
        m_without = 0;
        d.improved = true;
        return d;
    }
    ++m_without;
    d.stop = m_patience > 0 && m_without >= m_patience;
    return d;
}

}  // namespace corral
