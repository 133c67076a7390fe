#include "text/LoadTokenizer.h"

#include "text/BpeTokenizer.h"
#include "text/ByteTokenizer.h"

#include <filesystem>

namespace corral {

Result<std::unique_ptr<Tokenizer>> loadTokenizer(const std::string &path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    std::string file = path;
    if (fs::is_directory(path, ec)) {
        file = (fs::path(path) / "tokenizer.json").string();
        if (!fs::exists(file, ec))
            return makeError(ErrorCode::NotFound, "no tokenizer.json in this folder", path);
    } else if (!fs::exists(path, ec)) {
        return makeError(ErrorCode::NotFound, "no such tokenizer file or folder", path);
    }
    auto bpe = BpeTokenizer::load(file);
    if (!bpe)
        return bpe.error();
    return std::unique_ptr<Tokenizer>(std::move(bpe).value());
}

Result<std::unique_ptr<Tokenizer>> loadRunTokenizer(const ModelConfig &config)
{
    std::string spec = config.tokenizer;
    if (spec.empty() && !config.path.empty()) {
        std::error_code ec;
        if (!std::filesystem::exists(std::filesystem::path(config.path) / "tokenizer.json", ec))
            return makeError(ErrorCode::NotFound,
                             "no tokenizer.json in the model folder '" + config.path
                                 + "'; set model.tokenizer to a tokenizer.json or to \"byte\"",
                             "model.tokenizer");
        spec = config.path;
    }
    if (spec.empty() || spec == "byte")
        return std::unique_ptr<Tokenizer>(std::make_unique<ByteTokenizer>());
    return loadTokenizer(spec);
}

}  // namespace corral
