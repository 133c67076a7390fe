#include "io/TrainerStateFile.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace corral {
namespace {

// Counts are whole numbers within these bounds, so nothing that adds to them can overflow.
constexpr int64_t kMaxCount = int64_t{1} << 53;

}  // namespace

Result<TrainerStateFile> parseTrainerStateFile(const std::string &text, const std::string &source)
{
    auto fail = [&](const std::string &message) { return makeError(ErrorCode::Parse, message, source); };
    const auto state = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (state.is_discarded())
        return fail("trainer_state.json is not valid JSON");
    if (!state.is_object())
        return fail("trainer_state.json is not a JSON object");
    const auto format = state.find("format");
    if (format == state.end() || !format->is_number_integer() || format->get<int64_t>() < TrainerStateFile::kOldestFormat
        || format->get<int64_t>() > TrainerStateFile::kFormat)
        return fail("unsupported trainer_state format "
                    + (format == state.end() ? std::string("(none)") : format->dump()));

    // A whole number in [min, max]; `fallback` when the key is absent (required: an error).
    std::string problem;
    auto count = [&](const nlohmann::json &object, const std::string &path, const char *key, int64_t min,
                     int64_t fallback, bool required, int64_t max = kMaxCount) -> int64_t {
        const auto it = object.find(key);
        if (it == object.end()) {
            if (required && problem.empty())
                problem = path + ": missing";
            return fallback;
        }
        if (!it->is_number_integer() || (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(max))
            || it->get<int64_t>() < min || it->get<int64_t>() > max) {
            if (problem.empty())
                problem = path + ": must be a whole number from " + std::to_string(min) + " to " + std::to_string(max)
                          + ", got " + it->dump();
            return fallback;
        }
        return it->get<int64_t>();
    };
    // A number, or null (NaN, as the trainer writes a loss it has not measured); `fallback` when absent.
    auto number = [&](const char *key, double fallback) {
        const auto it = state.find(key);
        if (it == state.end())
            return fallback;
        if (it->is_null())
            return std::numeric_limits<double>::quiet_NaN();
        if (!it->is_number()) {
            if (problem.empty())
                problem = std::string(key) + ": must be a number or null, got " + it->dump();
            return fallback;
        }
        return it->get<double>();
    };

    TrainerStateFile s;
    s.step = count(state, "step", "step", 0, 0, true);
    s.tokens = count(state, "tokens", "tokens", 0, 0, true);
    s.valLoss = number("val_loss", s.valLoss);
    s.firstValLoss = number("first_val_loss", s.firstValLoss);
    s.bestValLoss = number("best_val_loss", s.bestValLoss);
    if (std::isnan(s.bestValLoss))
        s.bestValLoss = std::numeric_limits<double>::infinity();  // no evaluation yet: anything improves
    s.bestStep = count(state, "best_step", "best_step", -1, -1, false);
    s.evalsWithoutImprovement = count(state, "evals_without_improvement", "evals_without_improvement", 0, 0, false);
    s.nonFiniteInARow = count(state, "non_finite_in_a_row", "non_finite_in_a_row", 0, 0, false, INT32_MAX);
    s.elapsedSeconds = number("elapsed_s", 0.0);
    if (!(s.elapsedSeconds >= 0))
        s.elapsedSeconds = 0;  // a clock that cannot be believed starts again from here
    const auto sampler = state.find("sampler");
    if (sampler == state.end() || !sampler->is_object()) {
        if (problem.empty())
            problem = "sampler: missing, or not an object with epoch and offset";
    } else {
        s.samplerEpoch = count(*sampler, "sampler.epoch", "epoch", 0, 0, true);
        s.samplerOffset = count(*sampler, "sampler.offset", "offset", 0, 0, true);
    }
    if (!problem.empty())
        return fail("trainer_state.json: " + problem);
    return s;
}

}  // namespace corral
