#include "train/LrSchedule.h"

#include <gtest/gtest.h>

#include <cmath>

using corral::learningRate;
using corral::TrainConfig;

TEST(LrSchedule, LinearWarmupThenCosineToTheFloor)
{
    TrainConfig t;
    t.lr = 1e-3;
    t.warmup_steps = 10;
    t.max_steps = 110;
    t.min_lr_ratio = 0.1;
    EXPECT_DOUBLE_EQ(learningRate(t, 0), 1e-4);
    EXPECT_DOUBLE_EQ(learningRate(t, 4), 5e-4);
    EXPECT_DOUBLE_EQ(learningRate(t, 9), 1e-3);  // warmup ends at the peak
    EXPECT_DOUBLE_EQ(learningRate(t, 10), 1e-3);  // cosine starts at the peak
    EXPECT_NEAR(learningRate(t, 60), 1e-4 + 0.9e-3 * 0.5, 1e-12);  // half way: midpoint
    EXPECT_NEAR(learningRate(t, 110), 1e-4, 1e-12);  // ends on the floor
    for (int64_t s = 10; s < 110; ++s)
        EXPECT_GE(learningRate(t, s), learningRate(t, s + 1)) << s;
}

TEST(LrSchedule, ConstantAfterWarmupAndNoWarmup)
{
    TrainConfig t;
    t.lr = 2e-5;
    t.warmup_steps = 0;
    t.max_steps = 10;
    t.lr_schedule = "constant";
    for (int64_t s = 0; s < 10; ++s)
        EXPECT_DOUBLE_EQ(learningRate(t, s), 2e-5);
    t.lr_schedule = "cosine";
    EXPECT_DOUBLE_EQ(learningRate(t, 0), 2e-5);
}
