// BpeTokenizer::load: reads tokenizer.json (and tokenizer_config.json beside it) and refuses
// anything it would not tokenise exactly as Hugging Face does, with the file and the field.
#include "text/BpeTokenizer.h"

#include "text/ByteLevel.h"
#include "text/PreTokenizer.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace corral {

using nlohmann::json;

class BpeTokenizer::Loader {
public:
    Loader(std::string path, BpeTokenizer &t) : m_path(std::move(path)), m_t(t) {}

    Status run()
    {
        auto root = readJson(m_path);
        if (!root)
            return root.error();
        const json &doc = root.value();
        if (!doc.is_object())
            return fail("not a tokenizer.json: the top level must be a JSON object");
        const auto model = doc.find("model");
        if (model == doc.end() || !model->is_object())
            return fail("missing 'model'");
        // A value of another type than the one a step reads (model.type: 5) makes nlohmann
        // throw; it becomes an error naming the part of the file.
        const char *part = "model";
        try {
            const std::pair<const char *, Status (Loader::*)(const json &, const json &)> steps[] = {
                {"model", &Loader::checkModel},
                {"added_tokens", &Loader::readAddedTokens},
                {"model.vocab", &Loader::readVocab},
                {"model.merges", &Loader::readMerges},
            };
            for (const auto &[name, step] : steps) {
                part = name;
                if (Status s = (this->*step)(doc, *model); !s)
                    return s;
            }
            part = "normalizer and pre_tokenizer";
            if (Status s = checkPipeline(doc); !s)
                return s;
            part = "tokenizer_config.json";
            if (Status s = readBosEos(); !s)
                return s;
        } catch (const json::exception &e) {
            return fail(std::string(part) + ": a value of the wrong type (" + e.what() + ")");
        }
        fingerprint();
        return okStatus();
    }

private:
    // Token ids above this are refused: no real vocabulary comes near, and a stray huge id
    // would otherwise size the id table.
    static constexpr int64_t kMaxId = (1 << 24) - 1;

    Error fail(const std::string &message, const std::string &file = {}) const
    {
        return makeError(ErrorCode::Validation, message, file.empty() ? m_path : file);
    }

    Result<json> readJson(const std::string &path) const
    {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            return makeError(ErrorCode::NotFound, "cannot open tokenizer file", path);
        std::ostringstream text;
        text << in.rdbuf();
        try {
            return json::parse(text.str());
        } catch (const json::exception &e) {  // parse_error, or out_of_range for a number such as 1e999
            return makeError(ErrorCode::Parse, std::string("not valid JSON: ") + e.what(), path);
        }
    }

    static std::string quoted(const std::string &s) { return "'" + s + "'"; }

    Status checkModel(const json &, const json &model)
    {
        const std::string type = model.value("type", "BPE");
        if (type != "BPE")
            return fail("model.type: unsupported model type " + quoted(type) + " (only BPE)");
        if (model.value("byte_fallback", false))
            return fail("model.byte_fallback: not supported (a byte-level BPE has no need of it)");
        for (const char *key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
            const auto it = model.find(key);
            if (it != model.end() && !it->is_null() && !(it->is_string() && it->get<std::string>().empty()))
                return fail(std::string("model.") + key + ": not supported");
        }
        const auto dropout = model.find("dropout");
        if (dropout != model.end() && dropout->is_number() && dropout->get<double>() > 0)
            return fail("model.dropout: BPE dropout is not supported");
        const auto ignore = model.find("ignore_merges");
        if (ignore != model.end() && !ignore->is_null() && !ignore->is_boolean())
            return fail("model.ignore_merges: must be true or false");
        m_t.m_ignoreMerges = ignore != model.end() && ignore->is_boolean() && ignore->get<bool>();
        return okStatus();
    }

    // Grows the id table to hold `id`; false when the id is out of range.
    bool claimId(int64_t id)
    {
        if (id < 0 || id > kMaxId)
            return false;
        if (static_cast<size_t>(id) >= m_t.m_tokenText.size())
            m_t.m_tokenText.resize(static_cast<size_t>(id) + 1);
        return true;
    }

    Status readAddedTokens(const json &doc, const json &)
    {
        const auto list = doc.find("added_tokens");
        if (list == doc.end() || list->is_null())
            return okStatus();
        if (!list->is_array())
            return fail("added_tokens: must be a list");
        for (size_t i = 0; i < list->size(); ++i) {
            const json &entry = (*list)[i];
            const std::string where = "added_tokens[" + std::to_string(i) + "]";
            if (!entry.is_object() || !entry.contains("id") || !entry["id"].is_number_integer() || !entry.contains("content")
                || !entry["content"].is_string() || entry["content"].get<std::string>().empty())
                return fail(where + ": needs an integer 'id' and a non-empty string 'content'");
            const auto content = entry["content"].get<std::string>();
            const auto id = entry["id"].get<int64_t>();
            if (!claimId(id))
                return fail(where + ": id " + std::to_string(id) + " is out of range (0.." + std::to_string(kMaxId) + ")");
            // One id, one text: decoding could not tell two tokens of one id apart.
            if (const std::string &other = m_t.m_tokenText[static_cast<size_t>(id)]; !other.empty() && other != content)
                return fail(where + " (" + quoted(content) + "): id " + std::to_string(id) + " is given to "
                            + quoted(other) + " too");
            for (const char *option : {"single_word", "lstrip", "rstrip"}) {
                if (entry.value(option, false))
                    return fail(where + " (" + quoted(content) + "): " + option + " is not supported");
            }
            m_t.m_tokenText[static_cast<size_t>(id)] = content;
            m_t.m_addedIds[content] = static_cast<int32_t>(id);
            m_t.m_added.add(content, static_cast<int32_t>(id));
            m_addedList.push_back({id, content, entry.value("special", false)});
        }
        return okStatus();
    }

    Status readVocab(const json &, const json &model)
    {
        const auto vocab = model.find("vocab");
        if (vocab == model.end())
            return fail("missing 'model.vocab'");
        if (!vocab->is_object() || vocab->empty())
            return fail("model.vocab: must be a non-empty object of token → id");
        std::vector<bool> seen;
        std::string bytes;
        m_t.m_vocab.reserve(vocab->size());
        for (const auto &[token, idValue] : vocab->items()) {
            if (!idValue.is_number_integer() || !claimId(idValue.get<int64_t>()))
                return fail("model.vocab[" + quoted(token) + "]: the id must be an integer in 0.." + std::to_string(kMaxId));
            const auto id = idValue.get<int64_t>();
            if (seen.size() <= static_cast<size_t>(id))
                seen.resize(static_cast<size_t>(id) + 1);
            if (seen[static_cast<size_t>(id)])
                return fail("model.vocab[" + quoted(token) + "]: id " + std::to_string(id) + " is given to two tokens");
            seen[static_cast<size_t>(id)] = true;
            if (!bytelevel::toBytes(token, bytes)) {
                if (m_t.m_addedIds.count(token))
                    continue;  // an added token listed in the vocabulary too, in plain text
                return fail("model.vocab[" + quoted(token) + "]: not written in the byte-level alphabet "
                            "(not a byte-level BPE vocabulary?)");
            }
            m_t.m_vocab.insert(bytes, static_cast<int32_t>(id));  // JSON keys differ, so their bytes do
            std::string &text = m_t.m_tokenText[static_cast<size_t>(id)];
            if (!text.empty() && text != bytes)  // an added token's id, with other text
                return fail("model.vocab[" + quoted(token) + "]: id " + std::to_string(id) + " is the added token "
                            + quoted(text) + ", a different text");
            text = bytes;
        }
        for (int b = 0; b < 256; ++b) {
            const int32_t id = m_t.m_vocab.find(std::string(1, static_cast<char>(b)));
            if (id < 0) {
                char hex[8];
                std::snprintf(hex, sizeof hex, "0x%02X", b);
                return fail("model.vocab: no token for byte " + std::string(hex) + " ("
                            + quoted(bytelevel::fromBytes(std::string(1, static_cast<char>(b))))
                            + "), so some text could not be encoded");
            }
            m_t.m_byteToken[b] = id;
        }
        return okStatus();
    }

    Status readMerges(const json &, const json &model)
    {
        const auto merges = model.find("merges");
        if (merges == model.end())
            return fail("missing 'model.merges'");
        if (!merges->is_array())
            return fail("model.merges: must be a list");
        m_mergeOrder.reserve(merges->size());
        m_t.m_merges.reserve(merges->size());
        std::string bytes;
        for (size_t i = 0; i < merges->size(); ++i) {
            const json &m = (*merges)[i];
            const std::string where = "model.merges[" + std::to_string(i) + "]";
            std::string parts[2];
            if (m.is_string()) {  // "a b", the older form
                const auto s = m.get<std::string>();
                const auto space = s.find(' ');
                if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos)
                    return fail(where + ": " + quoted(s) + " is not two tokens separated by one space");
                parts[0] = s.substr(0, space);
                parts[1] = s.substr(space + 1);
            } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {  // ["a", "b"]
                parts[0] = m[0].get<std::string>();
                parts[1] = m[1].get<std::string>();
            } else {
                return fail(where + ": must be \"a b\" or [\"a\", \"b\"]");
            }
            int32_t ids[3];
            const std::string names[3] = {parts[0], parts[1], parts[0] + parts[1]};
            for (int k = 0; k < 3; ++k) {
                ids[k] = bytelevel::toBytes(names[k], bytes) ? m_t.m_vocab.find(bytes) : -1;
                if (ids[k] < 0)
                    return fail(where + ": " + (k == 2 ? "the merged token " : "") + quoted(names[k])
                                + " is not in the vocabulary");
            }
            // A pair listed twice takes its later rank, as Hugging Face's tokenizers and the reference do.
            m_t.m_merges.insertOrAssign(pairKey(ids[0], ids[1]), {static_cast<int32_t>(i), ids[2]});
            m_mergeOrder.push_back(pairKey(ids[0], ids[1]));
        }
        return okStatus();
    }

    // Llama 3's pipeline is the only one implemented: no normalizer, the Split pattern, byte level.
    Status checkPipeline(const json &doc) const
    {
        const auto normalizer = doc.find("normalizer");
        if (normalizer != doc.end() && !normalizer->is_null())
            return fail("normalizer: " + quoted(normalizer->value("type", "?")) + " is not supported (Llama 3 has none)");
        const std::string expected = "pre_tokenizer: only Llama 3's is supported (a Sequence of Split on its pattern, "
                                     "behavior Isolated, then ByteLevel with add_prefix_space false and use_regex false)";
        const auto pre = doc.find("pre_tokenizer");
        if (pre == doc.end() || !pre->is_object() || pre->value("type", "") != "Sequence")
            return fail(expected);
        const auto steps = pre->find("pretokenizers");
        if (steps == pre->end() || !steps->is_array() || steps->size() != 2)
            return fail(expected);
        const json &split = (*steps)[0];
        const json &byteLevel = (*steps)[1];
        const bool splitOk = split.is_object() && split.value("type", "") == "Split" && split.contains("pattern")
            && split["pattern"].is_object() && split["pattern"].value("Regex", "") == kLlama3SplitPattern
            && split.value("behavior", "") == "Isolated" && !split.value("invert", false);
        const bool byteLevelOk = byteLevel.is_object() && byteLevel.value("type", "") == "ByteLevel"
            && !byteLevel.value("add_prefix_space", false) && !byteLevel.value("use_regex", false);
        if (!splitOk || !byteLevelOk)
            return fail(expected);
        return okStatus();
    }

    // bos_token and eos_token from tokenizer_config.json when it names them, else Llama 3's.
    Status readBosEos()
    {
        const auto configPath = (std::filesystem::path(m_path).parent_path() / "tokenizer_config.json").string();
        json config = json::object();
        if (std::filesystem::exists(configPath)) {
            auto read = readJson(configPath);
            if (!read)
                return read.error();
            config = std::move(read).value();
            if (!config.is_object())
                return fail("must be a JSON object", configPath);
        }
        struct Wanted {
            const char *key;
            const char *fallback;
            int64_t *id;
        };
        for (const Wanted &w : {Wanted{"bos_token", "<|begin_of_text|>", &m_t.m_bos},
                                Wanted{"eos_token", "<|end_of_text|>", &m_t.m_eos}}) {
            const auto it = config.find(w.key);
            std::string text;
            if (it != config.end() && it->is_string())
                text = it->get<std::string>();
            else if (it != config.end() && it->is_object() && it->contains("content") && (*it)["content"].is_string())
                text = (*it)["content"].get<std::string>();
            else if (it != config.end() && !it->is_null())
                return fail(std::string(w.key) + ": must be a string or {\"content\": ...}", configPath);
            if (!text.empty()) {
                *w.id = m_t.tokenId(text);
                if (*w.id < 0)
                    return fail(std::string(w.key) + ": " + quoted(text) + " is not a token of " + m_path, configPath);
                continue;
            }
            *w.id = m_t.tokenId(w.fallback);
            if (*w.id < 0)
                return fail(std::string("no ") + w.key + ": no tokenizer_config.json names one and there is no "
                            + w.fallback + " token");
        }
        return okStatus();
    }

    // "bpe-" and 64-bit FNV-1a over everything that decides the ids: the vocabulary by id, the
    // merges by rank, the added tokens and ignore_merges.
    void fingerprint()
    {
        uint64_t h = 1469598103934665603ULL;
        auto mix = [&h](const void *data, size_t n) {
            const auto *p = static_cast<const unsigned char *>(data);
            for (size_t i = 0; i < n; ++i)
                h = (h ^ p[i]) * 1099511628211ULL;
        };
        auto mixString = [&](const std::string &s) {
            const uint64_t n = s.size();
            mix(&n, sizeof n);
            mix(s.data(), s.size());
        };
        for (const auto &text : m_t.m_tokenText)
            mixString(text);
        for (const uint64_t pair : m_mergeOrder)
            mix(&pair, sizeof pair);
        for (const auto &added : m_addedList) {
            mix(&added.id, sizeof added.id);
            mixString(added.content);
            mix(&added.special, sizeof added.special);
        }
        mix(&m_t.m_ignoreMerges, sizeof m_t.m_ignoreMerges);
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
        m_t.m_fingerprint = std::string("bpe-") + hex;
    }

    struct Added {
        int64_t id;
        std::string content;
        bool special;
    };
    std::string m_path;
    BpeTokenizer &m_t;
    std::vector<uint64_t> m_mergeOrder;
    std::vector<Added> m_addedList;
};

Result<std::unique_ptr<BpeTokenizer>> BpeTokenizer::load(const std::string &tokenizerJsonPath)
{
    std::unique_ptr<BpeTokenizer> tokenizer(new BpeTokenizer);
    Loader loader(tokenizerJsonPath, *tokenizer);
    if (Status s = loader.run(); !s)
        return s.error();
    return tokenizer;
}

}  // namespace corral
