#include "text/TokenizerLoader.h"

#include "text/ByteTokenizer.h"

#include <filesystem>

namespace corral {

Result<std::unique_ptr<Tokenizer>> loadRunTokenizer(const ModelConfig &config)
{
    std::string spec = config.tokenizer;
    if (spec.empty() && !config.path.empty()) {
        std::error_code ec;
        if (std::filesystem::exists(std::filesystem::path(config.path) / "tokenizer.json", ec))
            spec = config.path;
        else
            return makeError(ErrorCode::NotFound,
                             "no tokenizer.json in the model folder '" + config.path
                                 + "'; set model.tokenizer to a tokenizer.json or to \"byte\"",
                             "model.tokenizer");
    }
    if (spec.empty() || spec == "byte")
        return std::unique_ptr<Tokenizer>(std::make_unique<ByteTokenizer>());
    return makeError(ErrorCode::Validation, "tokenizer.json files are not supported by this build yet: '" + spec + "'",
                     "model.tokenizer");
}

}  // namespace corral
