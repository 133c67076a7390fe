#pragma once
// Which tokenizer a run uses: model.tokenizer when set ("byte", or a tokenizer.json file or
// its folder), else the model folder's tokenizer.json, else the byte tokenizer of tiny-demo.
#include "config/Result.h"
#include "config/RunConfig.h"
#include "text/Tokenizer.h"

#include <memory>

namespace corral {

Result<std::unique_ptr<Tokenizer>> loadRunTokenizer(const ModelConfig &config);

}  // namespace corral
