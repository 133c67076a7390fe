#include "TokenizeCommand.h"

#include "config/ExitCodes.h"
#include "data/TokenCount.h"
#include "text/LoadTokenizer.h"

#include <nlohmann/json.hpp>

#include <istream>
#include <ostream>

namespace corral {

const char *const kTokenizeUsage =
    "       corral-train tokenize --tokenizer FILE [--json]\n"
    "       corral-train tokenize --tokenizer FILE --count [--format text|alpaca|chat] [--text-field NAME]\n"
    "                             [--messages-field NAME] DATA_FILE|GLOB...\n";

namespace {

constexpr const char *kTokenizeHelp =
    "\n"
    "  --tokenizer FILE  a Hugging Face tokenizer.json (Llama 3's byte-level BPE), or a model folder holding one\n"
    "  (no --count)      reads lines of text on stdin, writes one JSON array of token ids per line, flushed\n"
    "                    at once (usable as a coprocess); no BOS/EOS is added, the newline is not part of\n"
    "                    the text, special tokens written in it (<|eot_id|>) become their ids\n"
    "  --json            each input line is a JSON string instead (\"a\\nb\"), for text with line breaks\n"
    "  --count           token totals of data files as training reads them (data.format and its fields;\n"
    "                    defaults text, text, messages), each document's BOS and EOS included\n";

struct Options {
    std::string tokenizer;
    bool json = false;
    bool count = false;
    DataConfig data;
};

int usageError(std::ostream &err, const std::string &message)
{
    err << "corral-train tokenize: " << message << "\nusage:\n" << kTokenizeUsage;
    return kExitBadUsage;
}

int tokenizeLines(const Tokenizer &tokenizer, bool jsonInput, std::istream &in, std::ostream &out, std::ostream &err)
{
    std::string line;
    std::string text;
    for (int64_t number = 1; std::getline(in, line); ++number) {
        if (jsonInput) {
            const auto value = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
            if (!value.is_string()) {
                err << "corral-train tokenize: stdin:" << number << ": not a JSON string (--json)\n";
                return kExitBadUsage;
            }
            text = value.get<std::string>();
        } else {
            text = line;
        }
        const auto ids = tokenizer.encode(text);
        out << '[';
        for (size_t i = 0; i < ids.size(); ++i)
            out << (i ? "," : "") << ids[i];
        out << ']' << std::endl;  // flushed per line: the caller may be waiting for it
    }
    return kExitDone;
}

int countFiles(const Tokenizer &tokenizer, const DataConfig &data, std::ostream &out, std::ostream &err)
{
    auto counts = countTokens(data, tokenizer);
    if (!counts) {
        err << "corral-train tokenize: " << counts.error().toString() << "\n";
        return kExitBadUsage;
    }
    for (const auto &problem : counts.value().problems)
        err << "warning: skipped bad record " << problem.toString() << "\n";
    auto print = [&out](const TokenCount &c) {
        out << c.file << ": " << c.documents << (c.documents == 1 ? " document, " : " documents, ") << c.tokens
            << " tokens (" << c.trained << " trained)\n";
    };
    for (const auto &c : counts.value().files)
        print(c);
    print(counts.value().total);
    return kExitDone;
}

}  // namespace

int runTokenizeCommand(const std::vector<std::string> &args, std::istream &in, std::ostream &out, std::ostream &err)
{
    Options o;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        auto value = [&](std::string &target) {
            if (i + 1 >= args.size())
                return false;
            target = args[++i];
            return true;
        };
        if (a == "--help" || a == "-h") {
            out << "usage:\n" << kTokenizeUsage << kTokenizeHelp;
            return kExitDone;
        } else if (a == "--tokenizer") {
            if (!value(o.tokenizer))
                return usageError(err, "--tokenizer needs a tokenizer.json or a model folder");
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "--count") {
            o.count = true;
        } else if (a == "--format") {
            if (!value(o.data.format) || (o.data.format != "text" && o.data.format != "alpaca" && o.data.format != "chat"))
                return usageError(err, "--format needs text, alpaca or chat");
        } else if (a == "--text-field") {
            if (!value(o.data.text_field))
                return usageError(err, "--text-field needs a name");
        } else if (a == "--messages-field") {
            if (!value(o.data.messages_field))
                return usageError(err, "--messages-field needs a name");
        } else if (a.rfind("--", 0) != 0) {
            o.data.files.push_back(a);
        } else {
            return usageError(err, "unknown argument '" + a + "'");
        }
    }
    if (o.tokenizer.empty())
        return usageError(err, "--tokenizer is required");
    if (o.count && o.data.files.empty())
        return usageError(err, "--count needs data files");
    if (!o.count && !o.data.files.empty())
        return usageError(err, "unexpected argument '" + o.data.files.front() + "' (data files go with --count)");
    if (o.count && o.json)
        return usageError(err, "--json reads text from stdin; it does not go with --count");

    auto tokenizer = loadTokenizer(o.tokenizer);
    if (!tokenizer) {
        err << "corral-train tokenize: " << tokenizer.error().toString() << "\n";
        return kExitBadUsage;
    }
    if (o.count)
        return countFiles(*tokenizer.value(), o.data, out, err);
    return tokenizeLines(*tokenizer.value(), o.json, in, out, err);
}

}  // namespace corral
