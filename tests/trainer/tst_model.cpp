// The real-model side of the trainer: Hugging Face config.json, llama3 rope scaling, tied
// embeddings, packed documents kept apart, loading safetensors folders (sharded, bf16,
// memory-mapped) with precise errors, and exporting back.
#include "../common/SmallLlama.h"
#include "../common/TestProcess.h"
#include "../common/TokenizerFixture.h"
#include "data/TextDataset.h"
#include "io/Safetensors.h"
#include "model/Llama.h"
#include "model/ModelLoader.h"
#include "text/ByteTokenizer.h"
#include "train/Trainer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace corral;
using corral::test::ScratchDir;
namespace fs = std::filesystem;

namespace {

// Llama 3.2 1B's config.json as Meta publishes it.
const char *kLlama32_1B = R"({
  "architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
  "bos_token_id": 128000, "eos_token_id": 128001, "head_dim": 64, "hidden_act": "silu",
  "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 8192,
  "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
  "num_attention_heads": 32, "num_hidden_layers": 16, "num_key_value_heads": 8, "pretraining_tp": 1,
  "rms_norm_eps": 1e-05,
  "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                   "original_max_position_embeddings": 8192, "rope_type": "llama3"},
  "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
  "transformers_version": "4.45.0.dev0", "use_cache": true, "vocab_size": 128256
})";

AdapterSpec adapters()
{
    return {{4, 8.0, 0.0, false}, {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}};
}

// A model whose adapters are not zero, so they change the output.
LlamaForCausalLM randomModel(const LlamaConfig &c, uint64_t seed)
{
    LlamaForCausalLM model(c, adapters());
    model->initialize(seed, seed + 1);
    torch::NoGradGuard noGrad;
    for (auto &p : model->adapterParameters())
        p.normal_(0.0, 0.05);
    return model;
}

void writeText(const fs::path &path, const std::string &text)
{
    std::ofstream(path) << text;
}

}  // namespace

TEST(LlamaConfig, ReadsLlama32ConfigJsonAndCountsItsParameters)
{
    auto c = parseLlamaConfig(kLlama32_1B, "config.json");
    ASSERT_TRUE(c.ok()) << c.error().toString();
    const auto &v = c.value();
    EXPECT_EQ(v.vocab_size, 128256);
    EXPECT_EQ(v.num_layers, 16);
    EXPECT_EQ(v.num_kv_heads, 8);
    EXPECT_EQ(v.headDim(), 64);
    EXPECT_TRUE(v.tie_word_embeddings);
    EXPECT_EQ(v.rope_scaling.type, "llama3");
    EXPECT_DOUBLE_EQ(v.rope_scaling.factor, 32.0);
    EXPECT_EQ(v.rope_scaling.original_max_position_embeddings, 8192);
    EXPECT_DOUBLE_EQ(v.rms_norm_eps, 1e-5);
    EXPECT_EQ(v.bos_token_id, 128000);
    // Meta's published count for Llama 3.2 1B.
    EXPECT_EQ(v.parameterCount(), 1235814400);
    // Written back, the same architecture is read again.
    auto again = parseLlamaConfig(llamaConfigJson(v), "written");
    ASSERT_TRUE(again.ok()) << again.error().toString();
    EXPECT_EQ(again.value().parameterCount(), v.parameterCount());
    EXPECT_EQ(again.value().rope_scaling.factor, 32.0);
}

TEST(LlamaConfig, PresetsHaveThePublishedParameterCounts)
{
    EXPECT_EQ(LlamaConfig::preset("llama-3.2-1b").value().parameterCount(), 1235814400);
    EXPECT_EQ(LlamaConfig::preset("llama-3.2-3b").value().parameterCount(), 3212749824);
    EXPECT_EQ(LlamaConfig::preset("llama-3.1-8b").value().parameterCount(), 8030261248);
    EXPECT_EQ(LlamaConfig::preset("tiny-demo").value().vocab_size, 258);
    EXPECT_FALSE(LlamaConfig::preset("llama-9").ok());
}

TEST(LlamaConfig, UnsupportedOrBrokenConfigsNameTheField)
{
    auto j = nlohmann::json::parse(kLlama32_1B);
    auto problem = [&](nlohmann::json changed) {
        auto r = parseLlamaConfig(changed.dump(), "/m/config.json");
        EXPECT_FALSE(r.ok());
        EXPECT_EQ(r.ok() ? "" : r.error().context, "/m/config.json");
        return r.ok() ? std::string() : r.error().message;
    };
    auto c = j;
    c["attention_bias"] = true;
    EXPECT_EQ(problem(c).rfind("attention_bias:", 0), 0u) << problem(c);
    c = j;
    c.erase("hidden_size");
    EXPECT_EQ(problem(c), "hidden_size: missing");
    c = j;
    c["num_key_value_heads"] = 5;
    EXPECT_EQ(problem(c).rfind("num_key_value_heads: must divide", 0), 0u) << problem(c);
    c = j;
    c["rope_scaling"]["rope_type"] = "yarn";
    EXPECT_NE(problem(c).find("\"yarn\" is not supported"), std::string::npos);
    c = j;
    c["model_type"] = "mistral";
    EXPECT_EQ(problem(c).rfind("model_type:", 0), 0u);
    EXPECT_NE(parseLlamaConfig("{nope", "x").error().message.find("not valid JSON"), std::string::npos);
}

TEST(LlamaConfig, Llama3RopeScalingKeepsShortWavesSlowsLongOnesAndBlendsBetween)
{
    auto c = parseLlamaConfig(kLlama32_1B, "config.json").value();
    const auto scaled = ropeInverseFrequencies(c);
    c.rope_scaling.type.clear();
    const auto plain = ropeInverseFrequencies(c);
    ASSERT_EQ(scaled.size(), 32u);
    const double pi = std::acos(-1.0);
    int shortWaves = 0, longWaves = 0, blended = 0;
    for (size_t i = 0; i < plain.size(); ++i) {
        const double wavelength = 2 * pi / plain[i];
        if (wavelength < 8192.0 / 4.0) {
            EXPECT_DOUBLE_EQ(scaled[i], plain[i]) << i;
            ++shortWaves;
        } else if (wavelength > 8192.0 / 1.0) {
            EXPECT_DOUBLE_EQ(scaled[i], plain[i] / 32.0) << i;
            ++longWaves;
        } else {
            // Between the two: strictly between the kept and the slowed frequency.
            EXPECT_LT(scaled[i], plain[i]) << i;
            EXPECT_GT(scaled[i], plain[i] / 32.0) << i;
            ++blended;
        }
        if (i > 0) {
            EXPECT_LT(scaled[i], scaled[i - 1]) << "frequencies must keep falling at " << i;
        }
    }
    EXPECT_GT(shortWaves, 0);
    EXPECT_GT(longWaves, 0);
    EXPECT_GT(blended, 0);
}

TEST(Llama, PackedDocumentsNeverSeeEachOther)
{
    // Two documents packed into one row give the same logits as each alone in its own row.
    auto model = randomModel(test::smallLlamaConfig(), 11);
    model->eval();
    ByteTokenizer tok;
    auto doc = [&](const std::string &text) {
        auto ids = tok.encode(text);
        ids.insert(ids.begin(), tok.bosId());
        ids.push_back(tok.eosId());
        return ids;
    };
    const auto a = doc("the first document"), b = doc("and a second one, longer");
    DataSplit split;
    Example packed;
    packed.tokens = a;
    packed.tokens.insert(packed.tokens.end(), b.begin(), b.end());
    packed.tokens.push_back(tok.bosId());  // the next document's start is the last target
    packed.trained.assign(packed.tokens.size() - 1, 1);
    split.examples = {packed};
    const Batch batch = collate(split, {0}, tok);
    ASSERT_TRUE(batch.segments.defined());
    ASSERT_TRUE(batch.positions.defined());
    EXPECT_EQ(batch.positions[0][static_cast<int64_t>(a.size())].item<int64_t>(), 0);
    EXPECT_EQ(batch.positions[0][static_cast<int64_t>(a.size()) + 3].item<int64_t>(), 3);

    torch::NoGradGuard noGrad;
    const auto together = model(batch.inputs, batch.positions, batch.segments);
    const auto alone = [&](const std::vector<int64_t> &ids) {
        return model(torch::tensor(ids, torch::kLong).unsqueeze(0));
    };
    const auto la = alone(a), lb = alone(b);
    const auto na = static_cast<int64_t>(a.size()), nb = static_cast<int64_t>(b.size());
    EXPECT_TRUE(torch::allclose(together.narrow(1, 0, na), la, 1e-5, 1e-5));
    const auto diff = (together.narrow(1, na, nb) - lb).abs().max().item<double>();
    EXPECT_LT(diff, 1e-5) << "the second document's logits depend on the first";
    // Without the boundaries it would not hold: the check above can fail.
    const auto leaked = model(batch.inputs);
    EXPECT_GT((leaked.narrow(1, na, nb) - lb).abs().max().item<double>(), 1e-3);
}

TEST(Llama, TiedEmbeddingsShareTheEmbeddingMatrix)
{
    auto model = randomModel(test::smallLlamaConfig(/*tied=*/true), 3);
    for (const auto &item : model->named_parameters())
        EXPECT_EQ(item.key().find("lm_head"), std::string::npos) << item.key();
    torch::NoGradGuard noGrad;
    const auto tokens = torch::randint(0, 258, {1, 6}, torch::kLong);
    const auto hidden = model->model(tokens);
    const auto expected = torch::matmul(hidden, model->model->embed_tokens->weight.t());
    EXPECT_TRUE(torch::allclose(model(tokens), expected, 1e-5, 1e-5));
}

TEST(ModelLoader, ShardedBf16FolderLoadsTheSameModel)
{
    ScratchDir dir("corral-hf-sharded");
    auto source = randomModel(test::smallLlamaConfig(), 21);
    // Split the weights over two shards with an index, stored in bfloat16 as Meta ships them.
    TensorMap first, second;
    nlohmann::json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", nlohmann::json::object()}};
    int i = 0;
    for (auto &[name, t] : source->baseStateDict()) {
        auto &shard = (i++ % 2 == 0) ? first : second;
        shard.emplace(name, t.to(torch::kBFloat16));
        index["weight_map"][name] = (&shard == &first) ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
    }
    ASSERT_TRUE(writeSafetensors((dir.root / "model-00001-of-00002.safetensors").string(), first).ok());
    ASSERT_TRUE(writeSafetensors((dir.root / "model-00002-of-00002.safetensors").string(), second).ok());
    writeText(dir.root / "model.safetensors.index.json", index.dump());
    writeText(dir.root / "config.json", llamaConfigJson(test::smallLlamaConfig()));

    RunConfig config;
    config.model.path = dir.root.string();
    config.lora.target_modules = {"q_proj", "v_proj"};
    auto loaded = buildModel(config, 5, false);
    ASSERT_TRUE(loaded.ok()) << loaded.error().toString();
    auto model = loaded.value();
    EXPECT_EQ(model->config().rope_scaling.type, "llama3");
    // Every base weight is the bf16 value of the source, widened to float32.
    const auto sourceState = source->baseStateDict();
    for (const auto &[name, t] : model->baseStateDict()) {
        EXPECT_EQ(t.scalar_type(), torch::kFloat) << name;
        EXPECT_TRUE(torch::equal(t, sourceState.at(name).to(torch::kBFloat16).to(torch::kFloat))) << name;
    }
    // And the adapters start as PEFT's do: B zero, so the model is its base.
    source->setAdaptersEnabled(false);
    torch::NoGradGuard noGrad;
    const auto tokens = torch::randint(0, 258, {2, 9}, torch::kLong);
    const auto expected = source(tokens);
    EXPECT_LT((model(tokens) - expected).abs().max().item<double>(), 0.05);
}

TEST(ModelLoader, WrongMissingAndExtraTensorsAreAllNamed)
{
    ScratchDir dir("corral-hf-bad");
    auto source = randomModel(test::smallLlamaConfig(), 22);
    auto state = source->baseStateDict();
    state.erase("model.layers.1.mlp.up_proj.weight");
    state["model.layers.0.self_attn.k_proj.weight"] = torch::zeros({8, 64});
    state["model.layers.0.self_attn.rotary_emb.inv_freq"] = torch::zeros({8});  // old checkpoints: ignored
    state["model.extra.weight"] = torch::zeros({2});
    TensorMap tensors(state.begin(), state.end());
    const auto file = (dir.root / "model.safetensors").string();
    ASSERT_TRUE(writeSafetensors(file, tensors).ok());
    writeText(dir.root / "config.json", llamaConfigJson(test::smallLlamaConfig()));
    RunConfig config;
    config.model.path = dir.root.string();
    auto loaded = buildModel(config, 5, false);
    ASSERT_FALSE(loaded.ok());
    const auto &message = loaded.error().message;
    EXPECT_EQ(loaded.error().context, dir.root.string());
    EXPECT_NE(message.find("3 problem(s)"), std::string::npos) << message;
    EXPECT_NE(message.find("tensor 'model.layers.1.mlp.up_proj.weight' is missing (expected shape [96, 64])"),
              std::string::npos) << message;
    EXPECT_NE(message.find("tensor 'model.layers.0.self_attn.k_proj.weight': expected shape [32, 64], found [8, 64] in "
                           + file),
              std::string::npos) << message;
    EXPECT_NE(message.find("unexpected tensor 'model.extra.weight' in " + file), std::string::npos) << message;

    fs::remove(file);
    loaded = buildModel(config, 5, false);
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.error().message.find("no model.safetensors"), std::string::npos) << loaded.error().message;
}

namespace {
int64_t procStatusKiB(const char *field)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field, 0) == 0)
            return std::stoll(line.substr(std::string(field).size()));
    }
    return -1;
}
}  // namespace

TEST(ModelLoader, LoadingMapsTheFileInsteadOfHoldingASecondCopy)
{
    ScratchDir dir("corral-hf-rss");
    LlamaConfig c = test::smallLlamaConfig();
    c.hidden_size = 512;
    c.intermediate_size = 1536;
    c.num_layers = 6;
    c.num_heads = 8;
    c.num_kv_heads = 4;
    {
        auto source = randomModel(c, 7);
        ASSERT_TRUE(saveHfModel(*source, dir.root.string(), torch::kFloat).ok());
    }
    const int64_t fileBytes = static_cast<int64_t>(fs::file_size(dir.root / "model.safetensors"));
    ASSERT_GT(fileBytes, 60 << 20);
    RunConfig config;
    config.model.path = dir.root.string();
    config.lora.target_modules = {"q_proj"};
    {
        // Reset the peak-RSS mark (Linux: writing 5 to clear_refs), then load.
        std::ofstream("/proc/self/clear_refs") << "5";
    }
    const int64_t before = procStatusKiB("VmRSS:");
    const int64_t peakBefore = procStatusKiB("VmHWM:");
    ASSERT_LE(peakBefore - before, 1024) << "clear_refs did not reset the peak";
    auto loaded = buildModel(config, 5, false);
    ASSERT_TRUE(loaded.ok()) << loaded.error().toString();
    const int64_t grown = (procStatusKiB("VmHWM:") - before) * 1024;
    // The weights once (float32 in memory = the file's size), plus at most one tensor's
    // pages of the mapping and some slack; reading the file into a buffer first would need 2×.
    const int64_t largestTensor = 1536 * 512 * 4;
    EXPECT_LT(grown, fileBytes + largestTensor + (8 << 20)) << "peak grew by " << grown << " bytes for a "
                                                            << fileBytes << "-byte file";
    EXPECT_GT(grown, fileBytes / 2) << "the weights should be in memory";
}

TEST(ModelLoader, ExportedMergedModelComputesWhatTheAdaptedOneDid)
{
    ScratchDir dir("corral-hf-merge");
    auto model = randomModel(test::smallLlamaConfig(/*tied=*/true), 31);
    torch::NoGradGuard noGrad;
    const auto tokens = torch::randint(0, 258, {2, 10}, torch::kLong);
    const auto adapted = model(tokens);
    model->mergeAdapters();
    ASSERT_TRUE(saveHfModel(*model, dir.root.string(), torch::kFloat).ok());
    EXPECT_FALSE(readSafetensors((dir.root / "model.safetensors").string()).value().count("lm_head.weight"));

    RunConfig config;
    config.model.path = dir.root.string();
    config.lora.target_modules = {"q_proj"};
    auto merged = buildModel(config, 5, false);
    ASSERT_TRUE(merged.ok()) << merged.error().toString();
    EXPECT_TRUE(merged.value()->config().tie_word_embeddings);
    EXPECT_LT((merged.value()(tokens) - adapted).abs().max().item<double>(), 1e-4);
}

// A Hugging Face folder end to end: config.json, bf16 safetensors and a tokenizer.json with
// Llama 3's chat tokens; chat data in the Llama 3 format trains, and the loss falls.
TEST(ModelLoader, TrainsAHuggingFaceFolderWithItsTokenizerOnChatData)
{
    ScratchDir dir("corral-hf-train");
    const fs::path model = dir.root / "my-llama";
    LlamaConfig c = test::smallLlamaConfig();
    c.vocab_size = 1005;  // the fixture's specials end at 1004
    {
        LlamaForCausalLM source(c, AdapterSpec{});
        source->initialize(41, 42);
        ASSERT_TRUE(saveHfModel(*source, model.string(), torch::kBFloat16).ok());
    }
    corral::test::TokenizerFixture fixture;
    fixture.write(model, fixture.json());
    {
        std::ofstream data(dir.root / "chat.jsonl");
        for (int i = 0; i < 60; ++i) {
            data << nlohmann::json{{"messages",
                                    {{{"role", "user"}, {"content", "say hello " + std::to_string(i % 7)}},
                                     {{"role", "assistant"}, {"content", "hello world " + std::to_string(i % 7)}}}}}
                        .dump()
                 << "\n";
        }
    }
    RunConfig config;
    config.model.path = model.string();
    config.lora.rank = 8;
    config.data.files = {(dir.root / "chat.jsonl").string()};
    config.data.format = "chat";
    config.data.max_seq_len = 32;
    config.data.cache = false;
    config.train.micro_batch_size = 4;
    config.train.grad_accum_steps = 1;
    config.train.lr = 1e-2;
    config.train.warmup_steps = 1;
    config.train.max_steps = 12;
    config.train.eval_interval = 12;
    std::ostringstream log;
    TrainerOptions options;
    options.runDir = (dir.root / "run").string();
    Trainer trainer(config, options, log, log);
    auto result = trainer.run();
    ASSERT_TRUE(result.ok()) << result.error().toString() << "\n" << log.str();
    EXPECT_LT(result.value().lastValLoss, result.value().firstValLoss - 0.5) << log.str();
    const auto events = corral::test::readJsonl(dir.root / "run" / "events.jsonl");
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().at("model"), "my-llama");
    EXPECT_EQ(events.front().at("quantize"), "none");
    EXPECT_GT(events.front().at("base_weight_bytes").get<int64_t>(), 0);
    const auto adapter = nlohmann::json::parse(
        std::ifstream(dir.root / "run" / "checkpoints" / "step-00000012" / "adapter_config.json"));
    EXPECT_EQ(adapter.at("base_model_name_or_path"), model.string());
}
