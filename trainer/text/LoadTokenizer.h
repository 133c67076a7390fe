#pragma once
// Opens the tokenizer a path names: a tokenizer.json, or a model folder that holds one; and
// picks a run's tokenizer: model.tokenizer when set ("byte", or a tokenizer.json file or its
// folder), else the model folder's tokenizer.json, else the byte tokenizer of tiny-demo.
#include "config/Result.h"
#include "config/RunConfig.h"
#include "text/Tokenizer.h"

#include <memory>
#include <string>

namespace corral {

Result<std::unique_ptr<Tokenizer>> loadTokenizer(const std::string &path);
Result<std::unique_ptr<Tokenizer>> loadRunTokenizer(const ModelConfig &config);

}  // namespace corral
