#pragma once
// The safetensors format: an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}, then raw data.
// Reading checks every offset, shape and dtype against the file before touching data.
#include "config/Result.h"

#include <torch/types.h>

#include <map>
#include <string>

namespace corral {

using TensorMap = std::map<std::string, torch::Tensor>;

Status writeSafetensors(const std::string &path, const TensorMap &tensors,
                        const std::map<std::string, std::string> &metadata = {});
Result<TensorMap> readSafetensors(const std::string &path);

}  // namespace corral
