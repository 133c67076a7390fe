// A Hugging Face folder loaded with model.quantize=int8: the decoder's linear weights become
// int8 with per-row scales straight from the shards (float16 and bfloat16 ones), while
// embeddings, norms and the output layer keep model.dtype, and the model computes what the
// dense load does to within int8's error.
#include "../common/SmallLlama.h"
#include "../common/TestProcess.h"
#include "io/Safetensors.h"
#include "model/Llama.h"
#include "model/ModelLoader.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <fstream>
#include <iostream>

using namespace corral;
using corral::test::ScratchDir;
namespace fs = std::filesystem;

namespace {

const char *const kFirstShard = "model-00001-of-00002.safetensors";
const char *const kSecondShard = "model-00002-of-00002.safetensors";

}  // namespace

TEST(ModelLoader, Int8LoadOfFloat16AndBf16ShardsQuantisesOnlyTheLinearLayers)
{
    ScratchDir dir("corral-hf-int8");
    LlamaForCausalLM source(test::smallLlamaConfig(), AdapterSpec{});
    source->initialize(23, 24);
    // Two shards with an index: the first in float16, the second in bfloat16.
    TensorMap first, second;
    nlohmann::json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", nlohmann::json::object()}};
    int i = 0;
    for (auto &[name, t] : source->baseStateDict()) {
        const bool inFirst = i++ % 2 == 0;
        (inFirst ? first : second).emplace(name, t.to(inFirst ? torch::kHalf : torch::kBFloat16));
        index["weight_map"][name] = inFirst ? kFirstShard : kSecondShard;
    }
    ASSERT_TRUE(writeSafetensors((dir.root / kFirstShard).string(), first).ok());
    ASSERT_TRUE(writeSafetensors((dir.root / kSecondShard).string(), second).ok());
    std::ofstream(dir.root / "model.safetensors.index.json") << index.dump();
    std::ofstream(dir.root / "config.json") << llamaConfigJson(test::smallLlamaConfig());

    RunConfig config;
    config.model.path = dir.root.string();
    config.lora.target_modules = {"q_proj", "v_proj"};
    auto denseLoad = buildModel(config, 5, false);
    ASSERT_TRUE(denseLoad.ok()) << denseLoad.error().toString();
    config.model.quantize = "int8";
    auto int8Load = buildModel(config, 5, false);
    ASSERT_TRUE(int8Load.ok()) << int8Load.error().toString();
    auto dense = denseLoad.value(), int8 = int8Load.value();

    // The dense load holds exactly the float16 and bfloat16 values of the shards.
    for (const auto &[name, t] : dense->baseStateDict()) {
        const auto &stored = first.count(name) ? first.at(name) : second.at(name);
        EXPECT_TRUE(torch::equal(t, stored.to(torch::kFloat))) << name;
    }
    // int8: every decoder linear weight, with one float32 scale per output row; the output
    // layer, embeddings and norms stay float32 (model.dtype auto on a CPU).
    for (const auto &[name, linear] : int8->baseLinears()) {
        if (name == "lm_head.weight") {
            EXPECT_EQ(linear->weight.scalar_type(), torch::kFloat) << name;
            continue;
        }
        EXPECT_EQ(linear->weight.scalar_type(), torch::kChar) << name;
        ASSERT_TRUE(linear->weight_scale.defined()) << name;
        EXPECT_EQ(linear->weight_scale.scalar_type(), torch::kFloat) << name;
        EXPECT_EQ(linear->weight_scale.size(0), linear->weight.size(0)) << name;
    }
    EXPECT_EQ(int8->model->embed_tokens->weight.scalar_type(), torch::kFloat);
    EXPECT_EQ(int8->model->norm->weight.scalar_type(), torch::kFloat);
    for (const auto &layer : *int8->model->layers) {
        const auto &l = layer->as<LlamaDecoderLayer>();
        EXPECT_EQ(l->input_layernorm->weight.scalar_type(), torch::kFloat);
        EXPECT_EQ(l->post_attention_layernorm->weight.scalar_type(), torch::kFloat);
    }
    EXPECT_LT(int8->baseWeightBytes(), dense->baseWeightBytes());

    // Both start from the same adapters (B zero), so they differ by the quantisation only.
    torch::NoGradGuard noGrad;
    const auto tokens = torch::randint(0, 258, {2, 24}, torch::kLong);
    const auto expected = dense(tokens), got = int8(tokens);
    const double relative = ((got - expected).norm() / expected.norm()).item<double>();
    std::cout << "int8 against dense load: relative logit error " << relative * 100 << " %\n";
    EXPECT_LT(relative, 0.01);
    EXPECT_GT(relative, 0.0) << "the int8 load should not be exact";
}
