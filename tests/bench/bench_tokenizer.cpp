// bench_tokenizer: BpeTokenizer's encoding speed on one core. Encodes a few MB of varied text
// (English-like prose with made-up words among the common ones, code, numbers, whitespace,
// CJK, accented text, emoji) document by document, as the data pipeline does, twice: the first
// pass starts with an empty pre-token cache (a data file read once), the second finds it warm.
// Prints MB/s and tokens/s; last line: one JSON object.
//   bench_tokenizer [TOKENIZER_JSON [MEGABYTES | TEXT_FILE]]
// Without a path it takes the Llama 3 tokenizer.json the reference test writes
// (build/tests/npm/tokenizer.json) when it exists, else the small test fixture. A TEXT_FILE
// is encoded line by line instead of the generated text.
#include "../common/TestProcess.h"
#include "../common/TokenizerFixture.h"

#include "text/BpeTokenizer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

namespace fs = std::filesystem;

namespace {

// Deterministic text in documents of 200 bytes to 8 KB.
std::vector<std::string> makeDocuments(size_t bytes)
{
    static const char *const words[] = {
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
        "he", "I", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were",
        "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would", "who",
        "so", "no", "training", "gradient", "checkpoint", "cluster", "learning", "tokenizer", "adapter", "evaluation",
        "Corral", "Monday", "London", "don't", "it's", "they'll", "I'M", "well-known", "state-of-the-art", "naïve",
        "café", "Zürich", "résumé", "Ångström", "Dvořák"};
    static const char *const extras[] = {
        "\n\n", "\n", ", ", ". ", "; ", "! ", "? ", " (see p. 42) ", " 1,234,567 ", " 3.14159 ", " 2025-11-25 ", "\t",
        "    ", "我们今天去公园散步，天气非常好。", "東京は日本の首都です。", "한국어 문장도 토큰화해야 합니다. ", " 🦙 ",
        " 👨‍👩‍👧‍👦 ", " 🔥🔥 ", "Привет, как дела? ", "Ελληνικά γράμματα ",
        "\nfor (size_t i = 0; i < n; ++i) {\n    sum += a[i] * b[i];\n}\n",
        "\ndef f(x: int) -> int:\n    return x ** 2  # square\n", " {\"key\": [1, 2, 3], \"ok\": true} ",
        " <|eot_id|>", " ======== ", " https://example.org/a/b?c=d&e=f "};
    static const char *const syllables[] = {"ka", "ther", "ing", "str", "o", "mel", "qu", "ix", "ba", "ton", "er",
                                            "zy", "pra", "ul", "vek", "sh", "ae", "ond", "ri", "gl", "Ka", "MO", "é", "ø"};
    std::mt19937_64 gen(20251125);
    std::vector<std::string> docs;
    size_t total = 0;
    while (total < bytes) {
        std::string doc;
        const size_t target = 200 + gen() % 8000;
        while (doc.size() < target) {
            const auto kind = gen() % 12;
            if (kind == 0) {
                doc += extras[gen() % (sizeof extras / sizeof *extras)];
            } else if (kind <= 3) {
                // Made-up words from syllables: an open vocabulary, so pre-tokens keep missing the
                // cache and BPE does real merging, as names, rare words and typos make it do.
                if (!doc.empty() && doc.back() != '\n' && doc.back() != ' ')
                    doc += ' ';
                for (auto n = 1 + gen() % 4; n > 0; --n)
                    doc += syllables[gen() % (sizeof syllables / sizeof *syllables)];
            } else {
                // Zipf-like: low indices far more often.
                const double u = std::uniform_real_distribution<double>(0, 1)(gen);
                const auto i = static_cast<size_t>(std::pow(u, 3.0) * (sizeof words / sizeof *words));
                if (!doc.empty() && doc.back() != '\n' && doc.back() != ' ')
                    doc += ' ';
                doc += words[i];
            }
        }
        total += doc.size();
        docs.push_back(std::move(doc));
    }
    return docs;
}

struct Pass {
    double seconds = 0;
    size_t tokens = 0;
};

Pass encodeAll(const corral::BpeTokenizer &t, const std::vector<std::string> &docs)
{
    const auto start = std::chrono::steady_clock::now();
    Pass p;
    for (const auto &doc : docs)
        p.tokens += t.encode(doc).size();
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return p;
}

}  // namespace

int main(int argc, char **argv)
{
    corral::test::ScratchDir scratch("corral-bench-tokenizer");
    std::string path = argc > 1 ? argv[1] : std::string(CORRAL_BUILD_DIR) + "/tests/npm/tokenizer.json";
    std::string which = "given";
    if (argc <= 1) {
        which = "Llama 3, from the reference test";
        if (!fs::exists(path)) {
            path = corral::test::TokenizerFixture{}.write(scratch.root);
            which = "the test fixture (run ctest -R tokenizer_reference first for Llama 3's)";
        }
    }
    std::vector<std::string> docs;
    std::string source = "generated";
    if (argc > 2 && fs::is_regular_file(argv[2])) {
        std::ifstream in(argv[2], std::ios::binary);
        for (std::string line; std::getline(in, line);)
            docs.push_back(line);
        source = argv[2];
    } else {
        docs = makeDocuments(static_cast<size_t>((argc > 2 ? std::atof(argv[2]) : 4.0) * 1e6));
    }

    const auto loadStart = std::chrono::steady_clock::now();
    auto loaded = corral::BpeTokenizer::load(path);
    const double loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - loadStart).count();
    if (!loaded) {
        std::fprintf(stderr, "bench_tokenizer: %s\n", loaded.error().toString().c_str());
        return 1;
    }
    const auto &t = *loaded.value();
    size_t bytes = 0;
    for (const auto &d : docs)
        bytes += d.size();

    const Pass cold = encodeAll(t, docs);
    const Pass warm = encodeAll(t, docs);
    std::printf("bench_tokenizer: %s (%s), vocabulary %lld, loaded in %.2f s\n", path.c_str(), which.c_str(),
                static_cast<long long>(t.vocabSize()), loadSeconds);
    std::printf("%zu documents, %.2f MB of %s text, one thread\n", docs.size(), static_cast<double>(bytes) / 1e6,
                source.c_str());
    std::printf("%-22s %10s %14s %14s %12s\n", "pass", "seconds", "MB/s", "tokens/s", "bytes/token");
    for (const auto &[name, p] : {std::pair<const char *, Pass>{"first (empty cache)", cold}, {"second (warm cache)", warm}})
        std::printf("%-22s %10.3f %14.2f %14.0f %12.2f\n", name, p.seconds, static_cast<double>(bytes) / 1e6 / p.seconds,
                    static_cast<double>(p.tokens) / p.seconds, static_cast<double>(bytes) / static_cast<double>(p.tokens));
    const nlohmann::json result = {{"bench", "tokenizer"},
                                   {"tokenizer", which},
                                   {"text", source},
                                   {"bytes", bytes},
                                   {"tokens", cold.tokens},
                                   {"load_s", loadSeconds},
                                   {"mb_per_s_cold", static_cast<double>(bytes) / 1e6 / cold.seconds},
                                   {"mb_per_s_warm", static_cast<double>(bytes) / 1e6 / warm.seconds},
                                   {"tokens_per_s_cold", static_cast<double>(cold.tokens) / cold.seconds},
                                   {"tokens_per_s_warm", static_cast<double>(warm.tokens) / warm.seconds}};
    std::printf("%s\n", result.dump().c_str());
    return 0;
}
