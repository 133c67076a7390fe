#include "text/LoadTokenizer.h"

#include "text/BpeTokenizer.h"

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

}  // namespace corral
