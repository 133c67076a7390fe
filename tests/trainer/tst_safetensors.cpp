#include "io/Safetensors.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

using namespace corral;

namespace {
std::string tempPath(const std::string &name)
{
    const auto dir = std::filesystem::temp_directory_path() / ("corral-st-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return (dir / name).string();
}

void writeRaw(const std::string &path, uint64_t headerSize, const std::string &header, const std::string &data)
{
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 8; ++i)
        out.put(static_cast<char>(headerSize >> (8 * i)));
    out << header << data;
}
}  // namespace

TEST(Safetensors, RoundTripKeepsNamesShapesDtypesAndValues)
{
    TensorMap in = {{"a.weight", torch::randn({3, 5})},
                    {"b.bias", torch::arange(7, torch::kLong)},
                    {"c.half", torch::randn({2, 2}).to(torch::kBFloat16)}};
    const std::string path = tempPath("round.safetensors");
    ASSERT_TRUE(writeSafetensors(path, in, {{"format", "pt"}}).ok());
    // The header is 8-byte aligned so the data that follows is too.
    std::ifstream raw(path, std::ios::binary);
    uint64_t headerSize = 0;
    raw.read(reinterpret_cast<char *>(&headerSize), 8);
    EXPECT_EQ(headerSize % 8, 0u);

    auto out = readSafetensors(path);
    ASSERT_TRUE(out.ok()) << out.error().toString();
    ASSERT_EQ(out.value().size(), in.size());
    for (const auto &[name, tensor] : in) {
        const auto &got = out.value().at(name);
        EXPECT_EQ(got.scalar_type(), tensor.scalar_type()) << name;
        EXPECT_TRUE(torch::equal(got, tensor)) << name;
    }
}

TEST(Safetensors, CorruptFilesAreRefusedWithTheReason)
{
    const std::string path = tempPath("bad.safetensors");
    writeRaw(path, 1000, "{}", "");
    auto r = readSafetensors(path);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("exceeds the file size"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().context, path);

    const std::string h1 = R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}})";
    writeRaw(path, h1.size(), h1, std::string(8, '\0'));
    r = readSafetensors(path);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("tensor 'x': data_offsets out of the data section"), std::string::npos);

    const std::string h2 = R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})";
    writeRaw(path, h2.size(), h2, std::string(8, '\0'));
    r = readSafetensors(path);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("need 12 bytes, offsets give 8"), std::string::npos) << r.error().message;

    const std::string h3 = R"({"x":{"dtype":"F7","shape":[1],"data_offsets":[0,4]}})";
    writeRaw(path, h3.size(), h3, std::string(4, '\0'));
    r = readSafetensors(path);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("unsupported dtype"), std::string::npos);

    writeRaw(path, 5, "{nope", "");
    r = readSafetensors(path);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("not valid JSON"), std::string::npos);
}

// Found while writing the safetensors fuzz target (tests/fuzz, fuzz_safetensors_header): the
// bytes a shape needs were computed modulo 2^64, so 2^61 F64 elements "needed" 0 bytes, passed
// the check against empty offsets, and view() made a tensor of 2^61 elements over no bytes.
TEST(Safetensors, AShapeWhoseByteCountWrapsIsRefused)
{
    const std::string path = tempPath("wrap.safetensors");
    for (const std::string header : {R"({"x":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}})",
                                     R"({"x":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,0]}})"}) {
        writeRaw(path, header.size(), header, "");
        auto r = readSafetensors(path);
        ASSERT_FALSE(r.ok()) << header;
        EXPECT_NE(r.error().message.find("too large"), std::string::npos) << r.error().message;
    }
}

// Found by fuzzing (tests/fuzz, fuzz_safetensors_header): shape and data_offsets were read with
// get<std::vector<int64_t>>(), which converts a float such as 9.2e20 to an integer (undefined
// behaviour). They must be lists of whole, non-negative numbers.
TEST(Safetensors, ShapesAndOffsetsMustBeWholeNumbers)
{
    const std::string path = tempPath("floats.safetensors");
    const std::pair<std::string, std::string> cases[] = {
        {R"({"x":{"dtype":"U8","shape":[9.2e20],"data_offsets":[0,1]}})", "invalid shape [9.2e+20]"},
        {R"({"x":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}})", "invalid shape [1.0]"},
        {R"({"x":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}})", "invalid shape [-1]"},
        {R"({"x":{"dtype":"U8","shape":1,"data_offsets":[0,1]}})", "invalid shape 1"},
        {R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1e30]}})", "data_offsets must be byte offsets, got [0,1e+30]"},
        {R"({"x":{"dtype":"U8","shape":[1],"data_offsets":1}})", "data_offsets must be byte offsets, got 1"},
    };
    for (const auto &[header, message] : cases) {
        writeRaw(path, header.size(), header, "x");
        auto r = readSafetensors(path);
        ASSERT_FALSE(r.ok()) << header;
        EXPECT_NE(r.error().message.find(message), std::string::npos) << r.error().message;
    }
    const std::string good = R"({"x":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})";
    writeRaw(path, good.size(), good, "x");
    EXPECT_TRUE(readSafetensors(path).ok());
}
