#include "train/LrSchedule.h"

#include <algorithm>
#include <cmath>

namespace corral {

double learningRate(const TrainConfig &train, int64_t step)
{
    const int64_t warmup = train.warmup_steps;
    if (step < warmup)
        return train.lr * static_cast<double>(step + 1) / static_cast<double>(warmup);
    if (train.lr_schedule == "constant")
        return train.lr;
    const double floor = train.lr * train.min_lr_ratio;
    const double span = static_cast<double>(std::max<int64_t>(1, train.max_steps - warmup));
    const double progress = std::clamp(static_cast<double>(step - warmup) / span, 0.0, 1.0);
    return floor + (train.lr - floor) * 0.5 * (1.0 + std::cos(M_PI * progress));
}

}  // namespace corral
