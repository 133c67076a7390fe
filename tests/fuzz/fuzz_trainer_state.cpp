// trainer_state.json as a resume reads it (--resume auto or PATH): from this version, an older
// one, a hand edit or a half-copied folder. The reader refuses what cannot be resumed from, with
// the field; what it accepts is safe to hand to the sampler and the early-stopping counters
// (whole, non-negative counts within bounds, a best loss that compares).
//
// Input: the file's text.
#include "FuzzSupport.h"

#include "io/TrainerStateFile.h"

#include <cmath>

using namespace corral;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto state = parseTrainerStateFile(std::string(fuzz::asText(data, size)), "checkpoint");
    if (!state) {
        FUZZ_CHECK(!state.error().message.empty() && state.error().context == "checkpoint",
                   "an error without its reason");
        return 0;
    }
    const TrainerStateFile &s = state.value();
    FUZZ_CHECK(s.step >= 0 && s.tokens >= 0 && s.samplerEpoch >= 0 && s.samplerOffset >= 0,
               "a negative count accepted");
    FUZZ_CHECK(s.bestStep >= -1 && s.evalsWithoutImprovement >= 0 && s.nonFiniteInARow >= 0
                   && s.nonFiniteInARow <= INT32_MAX,
               "an early-stopping counter out of range");
    FUZZ_CHECK(!std::isnan(s.bestValLoss), "a best loss that compares with nothing");
    FUZZ_CHECK(s.elapsedSeconds >= 0, "a negative elapsed time");
    return 0;
}
