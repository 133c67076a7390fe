// Training data as people collect it (JSONL exports, scraped text): every line is read as a
// record of each format (text, alpaca, chat, with and without training on inputs) and the whole
// input as plain text. A bad record is a reported problem, never an exception or a crash; a
// good one renders as its format says: something to learn from, prompts marked as not trained
// on unless asked; and plain-text documents are trimmed and never hold a blank line.
//
// Input: the data file's bytes.
#include "FuzzSupport.h"

#include "data/Records.h"

using namespace corral;

namespace {

bool isBlank(std::string_view s)
{
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

void checkRecord(const DataConfig &config, const std::string &line)
{
    const auto doc = documentFromRecord(config, line);
    if (!doc) {
        FUZZ_CHECK(!doc.error().message.empty(), "a bad record without a message");
        return;
    }
    const auto &pieces = doc.value().pieces;
    bool trained = false;
    for (const auto &piece : pieces)
        trained = trained || piece.trained;
    FUZZ_CHECK(trained, "a " + config.format + " record with nothing to learn from: " + line);
    if (config.format == "text") {
        FUZZ_CHECK(pieces.size() == 1 && !isBlank(pieces[0].text), "a text record that is not one non-blank piece");
    } else if (config.format == "alpaca") {
        FUZZ_CHECK(pieces.size() == 2 && pieces[1].trained && pieces[0].trained == config.train_on_inputs,
                   "an alpaca record that is not prompt + response");
    } else {
        FUZZ_CHECK(!pieces.empty() && pieces.size() % 2 == 0, "a chat record that is not header + turn pairs");
        for (size_t i = 0; i < pieces.size(); i += 2) {
            FUZZ_CHECK(pieces[i].text.rfind("<|start_header_id|>", 0) == 0
                           && pieces[i].trained == config.train_on_inputs,
                       "a chat turn without its untrained header");
            FUZZ_CHECK(pieces[i + 1].text.size() >= 10
                           && pieces[i + 1].text.compare(pieces[i + 1].text.size() - 10, 10, "<|eot_id|>") == 0,
                       "a chat turn that does not end with <|eot_id|>");
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view input = fuzz::asText(data, size);

    for (const Document &doc : documentsFromPlainText(std::string(input))) {
        FUZZ_CHECK(doc.pieces.size() == 1 && doc.pieces[0].trained,
                   "a plain-text document that is not one trained piece");
        const std::string &text = doc.pieces[0].text;
        FUZZ_CHECK(!text.empty() && !isBlank(text.substr(0, 1)) && !isBlank(text.substr(text.size() - 1)),
                   "a plain-text document that is not trimmed: '" + text + "'");
        size_t start = 0;
        while (start < text.size()) {
            const size_t end = std::min(text.find('\n', start), text.size());
            FUZZ_CHECK(!isBlank(text.substr(start, end - start)), "a blank line inside a plain-text document");
            start = end + 1;
        }
    }

    DataConfig configs[6];
    const char *formats[] = {"text", "alpaca", "chat"};
    for (int i = 0; i < 6; ++i) {
        configs[i].format = formats[i % 3];
        configs[i].train_on_inputs = i >= 3;
    }
    size_t start = 0;
    while (start < input.size()) {
        const size_t end = std::min(input.find('\n', start), input.size());
        const std::string line(input.substr(start, end - start));
        start = end + 1;
        if (isBlank(line))
            continue;  // loadDocuments skips blank lines
        for (const DataConfig &config : configs)
            checkRecord(config, line);
    }
    return 0;
}
