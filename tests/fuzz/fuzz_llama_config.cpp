// A model folder's config.json (Hugging Face's LlamaConfig), from a download or a hand edit: the
// reader refuses what it cannot use, with the field; what it accepts is written back by
// llamaConfigJson (the config.json an export carries) and read again to the same architecture;
// and the app's resource estimate of it (parameter counts, memory) computes without overflow,
// which UBSan checks.
//
// Input: the config.json text.
#include "FuzzSupport.h"

#include "config/ResourceEstimate.h"
#include "model/LlamaConfig.h"

#include <cmath>

using namespace corral;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto arch = parseLlamaConfig(std::string(fuzz::asText(data, size)), "config.json");
    if (!arch)
        return 0;
    const LlamaConfig &a = arch.value();
    FUZZ_CHECK(a.vocab_size > 0 && a.hidden_size > 0 && a.intermediate_size > 0 && a.num_layers > 0 && a.num_heads > 0
                   && a.num_kv_heads > 0 && a.headDim() > 0,
               "an accepted config with a dimension that is not positive");

    const std::string written = llamaConfigJson(a);
    const auto again = parseLlamaConfig(written, "written config.json");
    FUZZ_CHECK(again.ok(), "llamaConfigJson wrote what the reader refuses: "
                               + (again ? std::string() : again.error().toString()) + "\n" + written);
    FUZZ_CHECK(llamaConfigJson(again.value()) == written, "config.json changed on a round trip:\n" + written);

    RunConfig config;
    config.lora.rank = 1024;  // the largest the schema allows
    config.lora.target_modules = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
    for (const bool gpu : {true, false}) {
        const MemoryEstimate m = estimateMemory(a, config, EstimateTarget{gpu, 8});
        FUZZ_CHECK(m.parameters >= m.linearParameters && m.linearParameters > 0, "parameter counts that cannot be");
        FUZZ_CHECK(!std::isnan(m.totalBytes()) && m.totalBytes() > 0, "a memory estimate that is not a size");
    }
    return 0;
}
