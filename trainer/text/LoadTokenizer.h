#pragma once
// Opens the tokenizer a path names: a tokenizer.json, or a model folder that holds one.
#include "config/Result.h"
#include "text/Tokenizer.h"

#include <memory>
#include <string>

namespace corral {

Result<std::unique_ptr<Tokenizer>> loadTokenizer(const std::string &path);

}  // namespace corral
