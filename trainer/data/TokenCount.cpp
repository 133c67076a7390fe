#include "data/TokenCount.h"

#include "config/DataFiles.h"

namespace corral {

Result<TokenCounts> countTokens(const DataConfig &config, const Tokenizer &tokenizer)
{
    TokenCounts counts;
    counts.total.file = "total";
    for (size_t entry = 0; entry < config.files.size(); ++entry) {
        const auto files = expandDataEntry(config.files[entry]);
        if (files.empty())
            return makeError(ErrorCode::NotFound, "no data file matches '" + config.files[entry] + "'");
        for (const auto &file : files) {
            DataConfig one = config;
            one.files = {file};
            auto loaded = loadDocuments(one);
            if (!loaded)
                return loaded.error();
            TokenCount count{file};
            for (const auto &doc : loaded.value().documents) {
                count.tokens += 2;  // BOS and EOS
                bool lastTrained = false;
                for (const auto &piece : doc.pieces) {
                    const auto n = static_cast<int64_t>(tokenizer.encode(piece.text).size());
                    count.tokens += n;
                    count.trained += piece.trained ? n : 0;
                    lastTrained = piece.trained;
                }
                count.trained += lastTrained ? 1 : 0;  // the EOS is learnt after a response, as in training
            }
            count.documents = static_cast<int64_t>(loaded.value().documents.size());
            counts.total.documents += count.documents;
            counts.total.tokens += count.tokens;
            counts.total.trained += count.trained;
            counts.files.push_back(count);
            const auto &problems = loaded.value().problems;
            counts.problems.insert(counts.problems.end(), problems.begin(), problems.end());
        }
    }
    return counts;
}

}  // namespace corral
