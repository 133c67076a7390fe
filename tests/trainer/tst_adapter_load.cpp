// Loading an adapter back (resume, evaluate, export): the folder's adapter_config.json must
// describe the run's LoRA, and every tensor must have its place in the model; otherwise the
// load is refused, naming the field or the tensor and the file.
#include "../common/TestProcess.h"
#include "io/Safetensors.h"
#include "model/Llama.h"
#include "model/ModelLoader.h"
#include "train/Checkpoint.h"
#include "train/Tools.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <fstream>

using namespace corral;
using corral::test::ScratchDir;
namespace fs = std::filesystem;

namespace {

LlamaConfig smallConfig()
{
    LlamaConfig c;
    c.vocab_size = 64;
    c.hidden_size = 32;
    c.intermediate_size = 48;
    c.num_layers = 2;
    c.num_heads = 4;
    c.num_kv_heads = 2;
    return c;
}

LoraConfig runLora()
{
    LoraConfig lora;
    lora.rank = 4;
    lora.alpha = 8.0;
    lora.target_modules = {"q_proj", "v_proj"};
    return lora;
}

LlamaForCausalLM modelFor(const LoraConfig &lora, uint64_t seed)
{
    LlamaForCausalLM model(smallConfig(), adapterSpecFor(lora));
    model->initialize(seed, seed + 1);
    return model;
}

// An adapter folder as a checkpoint holds it: the model's LoRA tensors (B made nonzero, so a
// load is visible) and the adapter_config.json written for `lora`.
class AdapterLoad : public ::testing::Test {
protected:
    AdapterLoad() : dir("corral-adapter-load"), source(modelFor(runLora(), 5))
    {
        torch::NoGradGuard noGrad;
        for (auto &p : source->adapterParameters())
            p.normal_(0.0, 0.1);
        tensors = source->adapterStateDict();
        config = peftAdapterConfig(runLora(), "base");
    }
    void write()
    {
        EXPECT_TRUE(writeSafetensors(adapterFile(), TensorMap(tensors.begin(), tensors.end())).ok());
        std::ofstream(configFile()) << config.dump(2);
    }
    std::string adapterFile() const { return (dir.root / "adapter_model.safetensors").string(); }
    std::string configFile() const { return (dir.root / "adapter_config.json").string(); }
    // The load's error message, or "" when it loaded.
    std::string load(const LoraConfig &lora = runLora())
    {
        write();
        auto model = modelFor(lora, 9);
        const auto st = loadAdapter(*model, dir.root.string(), lora);
        if (st.ok())
            return {};
        EXPECT_EQ(st.error().context, dir.root.string());
        return st.error().message;
    }

    ScratchDir dir;
    LlamaForCausalLM source;
    std::map<std::string, torch::Tensor> tensors;
    nlohmann::json config;
};

}  // namespace

TEST_F(AdapterLoad, AMatchingFolderLoadsTheSameMatrices)
{
    write();
    auto model = modelFor(runLora(), 9);
    ASSERT_TRUE(loadAdapter(*model, dir.root.string(), runLora()).ok());
    for (const auto &[name, t] : model->adapterStateDict())
        EXPECT_TRUE(torch::equal(t, tensors.at(name))) << name;
    // The order of target_modules is not part of the agreement.
    config["target_modules"] = nlohmann::json::array({"v_proj", "q_proj"});
    EXPECT_EQ(load(), "");
}

TEST_F(AdapterLoad, AFolderWithoutAdapterConfigLoadsAsBefore)
{
    write();
    fs::remove(configFile());
    auto model = modelFor(runLora(), 9);
    ASSERT_TRUE(loadAdapter(*model, dir.root.string(), runLora()).ok());
    for (const auto &[name, t] : model->adapterStateDict())
        EXPECT_TRUE(torch::equal(t, tensors.at(name))) << name;
}

TEST_F(AdapterLoad, AnEditedLoraAlphaOrRankOrRsloraIsRefusedNamingTheFieldAndTheFile)
{
    config["lora_alpha"] = 32;
    EXPECT_NE(load().find("lora_alpha: 32 in " + configFile() + ", but the run's lora.alpha is 8.0"), std::string::npos)
        << load();
    config = peftAdapterConfig(runLora(), "base");
    config["use_rslora"] = true;
    EXPECT_NE(load().find("use_rslora: true in " + configFile() + ", but the run's lora.use_rslora is false"),
              std::string::npos) << load();
    // A rank that differs in the file and in the tensors: both are named, in one message.
    config = peftAdapterConfig(runLora(), "base");
    auto lora = runLora();
    lora.rank = 8;
    const auto message = load(lora);
    EXPECT_NE(message.find("r: 4 in " + configFile() + ", but the run's lora.rank is 8"), std::string::npos) << message;
    EXPECT_NE(message.find("expected shape [8, 32], found [4, 32] in " + adapterFile()), std::string::npos) << message;
    // Adapters of PEFT before 0.7 have no use_rslora: plain LoRA, as the run.
    config = peftAdapterConfig(runLora(), "base");
    config.erase("use_rslora");
    EXPECT_EQ(load(), "");
}

TEST_F(AdapterLoad, AMissingOrExtraTargetModuleIsRefused)
{
    config["target_modules"] = nlohmann::json::array({"q_proj"});
    EXPECT_NE(load().find("target_modules: [\"q_proj\"] in " + configFile()
                          + ", but the run's lora.target_modules is [\"q_proj\",\"v_proj\"]"),
              std::string::npos) << load();
    config["target_modules"] = nlohmann::json::array({"q_proj", "v_proj", "o_proj"});
    EXPECT_NE(load().find("target_modules: [\"o_proj\",\"q_proj\",\"v_proj\"] in " + configFile()), std::string::npos)
        << load();
    config["target_modules"] = "q_proj|v_proj";
    EXPECT_NE(load().find("target_modules: must be a list of module names, got \"q_proj|v_proj\""), std::string::npos)
        << load();
}

TEST_F(AdapterLoad, AnExtraOrMissingTensorIsNamedWithItsFile)
{
    const std::string extra = "base_model.model.model.layers.0.self_attn.o_proj.lora_A.weight";
    tensors[extra] = torch::zeros({4, 32});
    auto message = load();
    EXPECT_NE(message.find("1 problem(s) with the adapter"), std::string::npos) << message;
    EXPECT_NE(message.find("unexpected tensor '" + extra + "' in " + adapterFile()), std::string::npos) << message;
    tensors.erase(extra);
    const std::string gone = "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight";
    tensors.erase(gone);
    message = load();
    EXPECT_NE(message.find("tensor '" + gone + "' is missing in " + adapterFile()), std::string::npos) << message;
}
