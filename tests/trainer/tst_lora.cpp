#include "model/Llama.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace corral;

namespace {
LlamaConfig smallConfig()
{
    LlamaConfig c;
    c.hidden_size = 32;
    c.intermediate_size = 64;
    c.num_layers = 2;
    c.num_heads = 4;
    c.num_kv_heads = 2;
    return c;
}

AdapterSpec allProjections()
{
    return {{4, 8.0, 0.0}, {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}};
}

torch::Tensor someTokens(int64_t batch = 2, int64_t length = 12)
{
    return torch::randint(0, 258, {batch, length}, torch::kLong);
}
}  // namespace

TEST(Lora, AdaptedModelEqualsBaseAtInitialisation)
{
    LlamaForCausalLM model(smallConfig(), allProjections());
    model->initialize(1, 2);
    torch::NoGradGuard noGrad;
    const auto tokens = someTokens();
    for (const auto &[name, tensor] : model->adapterStateDict()) {
        if (name.find("lora_B") != std::string::npos)
            EXPECT_EQ(tensor.abs().max().item<float>(), 0.0f) << name;
        else
            EXPECT_GT(tensor.abs().max().item<float>(), 0.0f) << name;
    }
    const auto adapted = model(tokens);
    model->setAdaptersEnabled(false);
    const auto base = model(tokens);
    EXPECT_TRUE(torch::equal(adapted, base));

    // The comparison can fail: once B is non-zero the outputs differ.
    model->setAdaptersEnabled(true);
    for (auto &p : model->adapterParameters())
        p.normal_(0.0, 0.1);
    EXPECT_GT((model(tokens) - base).abs().max().item<float>(), 1e-4f);
}

TEST(Lora, OnlyAdapterParametersReceiveGradients)
{
    LlamaForCausalLM model(smallConfig(), allProjections());
    model->initialize(1, 2);
    const auto tokens = someTokens();
    const auto logits = model(tokens.slice(1, 0, -1));
    torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}), tokens.slice(1, 1).reshape({-1}))
        .backward();
    int adapterParams = 0;
    for (const auto &item : model->named_parameters()) {
        if (isAdapterParameterName(item.key())) {
            ++adapterParams;
            ASSERT_TRUE(item.value().requires_grad()) << item.key();
            ASSERT_TRUE(item.value().grad().defined()) << item.key();
            // With B = 0 only B's gradient is non-zero at the first step (dL/dA = Bᵀ·… = 0).
            if (item.key().find("lora_B") != std::string::npos) {
                EXPECT_GT(item.value().grad().abs().sum().item<float>(), 0.0f) << item.key();
            }
        } else {
            EXPECT_FALSE(item.value().requires_grad()) << item.key();
            EXPECT_FALSE(item.value().grad().defined()) << item.key();
        }
    }
    EXPECT_EQ(adapterParams, 2 * 7 * 2);  // A and B, 7 projections, 2 layers
}

TEST(Lora, AdapterKeysAndShapesFollowPeft)
{
    LlamaForCausalLM model(smallConfig(), AdapterSpec{{4, 8.0, 0.0}, {"q_proj", "v_proj"}});
    const auto state = model->adapterStateDict();
    ASSERT_EQ(state.size(), 2u * 2u * 2u);
    const auto &a = state.at("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
    const auto &b = state.at("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight");
    EXPECT_EQ(a.sizes().vec(), (std::vector<int64_t>{4, 32}));  // [r, in]
    EXPECT_EQ(b.sizes().vec(), (std::vector<int64_t>{16, 4}));  // [out = kv_heads * head_dim, r]
}

TEST(Llama, OutputAtAPositionIgnoresLaterTokens)
{
    LlamaForCausalLM model(smallConfig(), allProjections());
    model->initialize(3, 4);
    torch::NoGradGuard noGrad;
    auto tokens = someTokens(1, 10);
    const auto before = model(tokens);
    auto changed = tokens.clone();
    changed[0][7] = (changed[0][7].item<int64_t>() + 1) % 258;
    const auto after = model(changed);
    EXPECT_TRUE(torch::allclose(before.slice(1, 0, 7), after.slice(1, 0, 7), 1e-5, 1e-6));
    EXPECT_FALSE(torch::allclose(before.slice(1, 7), after.slice(1, 7), 1e-5, 1e-6));
}

TEST(Llama, SameSeedsGiveTheSameModel)
{
    LlamaForCausalLM a(smallConfig(), allProjections()), b(smallConfig(), allProjections()),
        c(smallConfig(), allProjections());
    a->initialize(5, 6);
    b->initialize(5, 6);
    c->initialize(7, 6);
    const auto pa = a->named_parameters(), pb = b->named_parameters(), pc = c->named_parameters();
    EXPECT_TRUE(torch::equal(pa["model.layers.0.self_attn.q_proj.weight"], pb["model.layers.0.self_attn.q_proj.weight"]));
    EXPECT_FALSE(torch::equal(pa["model.layers.0.self_attn.q_proj.weight"], pc["model.layers.0.self_attn.q_proj.weight"]));
    EXPECT_TRUE(torch::equal(pa["model.layers.0.self_attn.q_proj.lora_A.weight"],
                             pc["model.layers.0.self_attn.q_proj.lora_A.weight"]));
}
