#pragma once
// Reads data files into documents: pieces of text, each marked as trained on (its tokens are
// loss targets) or not (prompts, user turns). Formats (data.format):
//   text    plain-text files: documents separated by blank lines; JSONL: the text_field of each record
//   alpaca  JSONL {instruction, input?, output}: the Alpaca prompt, then the output as the response
//   chat    JSONL {messages: [{role, content}, ...]}: turns rendered in the Llama 3 header format;
//           assistant turns are the responses
// A bad record (invalid JSON, not an object, missing or mistyped field) is skipped and reported
// with file:line; loading fails when more than data.max_bad_fraction of the records are bad.
#include "config/Result.h"
#include "config/RunConfig.h"

#include <string>
#include <vector>

namespace corral {

struct TextPiece {
    std::string text;
    bool trained = true;
};

struct Document {
    std::vector<TextPiece> pieces;
};

struct RecordProblem {
    std::string file;
    int64_t line = 0;
    std::string message;
    std::string toString() const { return file + ":" + std::to_string(line) + ": " + message; }
};

struct LoadedDocuments {
    std::vector<Document> documents;
    std::vector<RecordProblem> problems;  // bad records that were skipped
    int64_t records = 0;  // good + bad
};

Result<LoadedDocuments> loadDocuments(const DataConfig &config);

// Plain text: documents separated by blank lines, trimmed, empty ones dropped.
std::vector<Document> documentsFromPlainText(const std::string &text);

// Renders one JSON record in the configured format; an error message when it is bad.
Result<Document> documentFromRecord(const DataConfig &config, const std::string &jsonLine);

}  // namespace corral
