// tokenizer.json (and tokenizer_config.json beside it) from a model folder someone downloaded:
// loading either says what is wrong with the file or gives a tokenizer that works, whose ids
// lie in its vocabulary, whose bos and eos are tokens, and which gives back any text it
// encoded (decode(encode(text)) == text: a byte-level BPE loses nothing).
//
// Input: the tokenizer.json text; a "--- config" part is tokenizer_config.json, and "--- text"
// parts are encoded (a fixed sample is encoded too).
#include "FuzzSupport.h"

#include "text/BpeTokenizer.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace corral;
namespace fs = std::filesystem;

namespace {

// A private folder for this process's files, removed at exit.
const fs::path &folder()
{
    static const fs::path path = [] {
        std::string pattern = (fs::temp_directory_path() / "corral-fuzz-tokenizer-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) {
            std::perror("mkdtemp");
            std::abort();
        }
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(folder(), ec);
        });
        return fs::path(pattern);
    }();
    return path;
}

void write(const fs::path &path, const std::string &text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

void checkRoundTrip(const BpeTokenizer &tokenizer, std::string_view text)
{
    const std::vector<int64_t> ids = tokenizer.encode(text);
    for (const int64_t id : ids)
        FUZZ_CHECK(id >= 0 && id < tokenizer.vocabSize(), "id " + std::to_string(id) + " outside the vocabulary");
    const std::string back = tokenizer.decode(ids);
    FUZZ_CHECK(back == text, "decode(encode(text)) differs: '" + std::string(text) + "' became '" + back + "'");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto parts = fuzz::splitParts(fuzz::asText(data, size));
    const fs::path tokenizerJson = folder() / "tokenizer.json";
    const fs::path tokenizerConfig = folder() / "tokenizer_config.json";
    write(tokenizerJson, parts[0].text);
    std::error_code ec;
    fs::remove(tokenizerConfig, ec);
    std::vector<std::string> texts = {
        "Hello world! <|begin_of_text|>It's 2024:\n\n  tabs\there, ünïcödé 日本語 🙂<|eot_id|>"};
    for (const auto &part : parts) {
        if (part.name == "config")
            write(tokenizerConfig, part.text);
        else if (part.name == "text")
            texts.push_back(part.text);
    }

    const auto loaded = BpeTokenizer::load(tokenizerJson.string());
    if (!loaded)
        return 0;
    const BpeTokenizer &tokenizer = *loaded.value();
    FUZZ_CHECK(tokenizer.vocabSize() > 0, "an empty vocabulary");
    FUZZ_CHECK(tokenizer.bosId() >= 0 && tokenizer.bosId() < tokenizer.vocabSize(), "bos is not a token");
    FUZZ_CHECK(tokenizer.eosId() >= 0 && tokenizer.eosId() < tokenizer.vocabSize(), "eos is not a token");
    FUZZ_CHECK(tokenizer.fingerprint().rfind("bpe-", 0) == 0, "a fingerprint that does not name the kind");
    for (const auto &text : texts)
        checkRoundTrip(tokenizer, text);
    return 0;
}
