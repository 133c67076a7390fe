// The readers of trainer/io that need no LibTorch: trainer_state.json (resume). The safetensors
// reader's tests are in tst_safetensors.cpp, with LibTorch, as they read tensors back.
#include "io/TrainerStateFile.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace corral;

namespace {
// As Trainer::writeCheckpoint writes it.
const std::string kState = R"({
  "format": 1, "step": 40, "epoch": 0, "tokens": 81920, "val_loss": 2.5, "first_val_loss": 5.25,
  "best_val_loss": 2.5, "best_step": 40, "evals_without_improvement": 0, "non_finite_in_a_row": 0,
  "sampler": {"epoch": 1, "offset": 96}, "elapsed_s": 12.5, "time": 1764059534.25
})";

std::string problem(const std::string &text)
{
    const auto state = parseTrainerStateFile(text, "ckpt");
    return state ? std::string() : state.error().toString();
}

std::string with(const std::string &from, const std::string &to)
{
    std::string text = kState;
    text.replace(text.find(from), from.size(), to);
    return text;
}
}  // namespace

TEST(TrainerStateFile, ReadsWhatTheTrainerWrites)
{
    const auto state = parseTrainerStateFile(kState, "ckpt");
    ASSERT_TRUE(state.ok()) << state.error().toString();
    const TrainerStateFile &s = state.value();
    EXPECT_EQ(s.step, 40);
    EXPECT_EQ(s.tokens, 81920);
    EXPECT_DOUBLE_EQ(s.valLoss, 2.5);
    EXPECT_DOUBLE_EQ(s.firstValLoss, 5.25);
    EXPECT_DOUBLE_EQ(s.bestValLoss, 2.5);
    EXPECT_EQ(s.bestStep, 40);
    EXPECT_EQ(s.samplerEpoch, 1);
    EXPECT_EQ(s.samplerOffset, 96);
    EXPECT_DOUBLE_EQ(s.elapsedSeconds, 12.5);

    // Losses not measured yet are null; the optional counters may be absent.
    const auto early = parseTrainerStateFile(
        R"({"format": 1, "step": 0, "tokens": 0, "val_loss": null, "best_val_loss": null, "sampler": {"epoch": 0, "offset": 0}})",
        "ckpt");
    ASSERT_TRUE(early.ok()) << early.error().toString();
    EXPECT_TRUE(std::isnan(early.value().valLoss));
    EXPECT_TRUE(std::isinf(early.value().bestValLoss));
    EXPECT_EQ(early.value().bestStep, -1);
}

// Found while making trainer_state.json fuzzable (tests/fuzz, fuzz_trainer_state; the same kind
// of fault fuzz_safetensors_header found): restore() read it with get<int64_t>() and
// value(key, 0), which convert floats such as 1e30 to integers (undefined behaviour), and
// handed a negative sampler offset to the sampler, which then read before the start of its
// order. Every field is now checked, and the problem names it.
TEST(TrainerStateFile, FieldsThatCannotBeAreRefusedWithTheirName)
{
    EXPECT_EQ(problem(with(R"("offset": 96)", R"("offset": -5)")),
              "ckpt: trainer_state.json: sampler.offset: must be a whole number from 0 to 9007199254740992, got -5");
    EXPECT_EQ(problem(with(R"("step": 40)", R"("step": 1e30)")),
              "ckpt: trainer_state.json: step: must be a whole number from 0 to 9007199254740992, got 1e+30");
    EXPECT_EQ(problem(with(R"("non_finite_in_a_row": 0)", R"("non_finite_in_a_row": 4294967296)")),
              "ckpt: trainer_state.json: non_finite_in_a_row: must be a whole number from 0 to 2147483647, got 4294967296");
    EXPECT_EQ(problem(with(R"("tokens": 81920)", R"("tokens": 18446744073709551615)")),
              "ckpt: trainer_state.json: tokens: must be a whole number from 0 to 9007199254740992, got 18446744073709551615");
    EXPECT_EQ(problem(with(R"("val_loss": 2.5)", R"("val_loss": "low")")),
              "ckpt: trainer_state.json: val_loss: must be a number or null, got \"low\"");
    EXPECT_EQ(problem(with(R"("sampler": {"epoch": 1, "offset": 96})", R"("sampler": [1, 96])")),
              "ckpt: trainer_state.json: sampler: missing, or not an object with epoch and offset");
    EXPECT_EQ(problem(with(R"("step": 40, )", "")), "ckpt: trainer_state.json: step: missing");
    EXPECT_EQ(problem(with(R"("format": 1)", R"("format": 3)")), "ckpt: unsupported trainer_state format 3");
    EXPECT_EQ(problem(with(R"("format": 1)", R"("format": 2)")), "");  // 2 adds checksums.json beside it
    EXPECT_EQ(problem("{\"format\": 1, \"step\": "), "ckpt: trainer_state.json is not valid JSON");
    EXPECT_EQ(problem("[1]"), "ckpt: trainer_state.json is not a JSON object");
    EXPECT_EQ(problem(with(R"("elapsed_s": 12.5)", R"("elapsed_s": -3)")), "");  // a clock that went back starts at 0
}
