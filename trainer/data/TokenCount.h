#pragma once
// Token totals of data files, counted as training reads them (data/Records: the same formats
// and the same bad-record rules) and packs them (each document's BOS and EOS included), so a
// user can size a dataset before a run: `corral-train tokenize --count`.
#include "config/Result.h"
#include "config/RunConfig.h"
#include "data/Records.h"
#include "text/Tokenizer.h"

#include <string>
#include <vector>

namespace corral {

struct TokenCount {
    std::string file;
    int64_t documents = 0;
    int64_t tokens = 0;  // BOS + text + EOS of every document
    int64_t trained = 0;  // of those, loss targets (responses only, unless train_on_inputs)
};

struct TokenCounts {
    std::vector<TokenCount> files;  // in the order of config.files, globs expanded and sorted
    std::vector<RecordProblem> problems;  // bad records skipped
    TokenCount total;
};

// Counts config.files one file at a time; an entry that matches no file is an error.
Result<TokenCounts> countTokens(const DataConfig &config, const Tokenizer &tokenizer);

}  // namespace corral
