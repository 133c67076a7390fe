#pragma once
// The tokenised data cache: the second run on the same data starts without tokenising again.
// Stored next to the data in .corral-cache/data-<key>.bin, where the key hashes the cache
// format, the tokenizer, every data setting that shapes the result, and each data file's path,
// size and modification time. A cache file that does not read back cleanly is ignored and rebuilt.
#include "config/Result.h"
#include "config/RunConfig.h"
#include "data/TextDataset.h"

#include <string>

namespace corral {

std::string dataCacheKey(const DataConfig &config, const std::string &tokenizerId);
std::string dataCachePath(const DataConfig &config, const std::string &key);  // empty when there is no data file

Result<TextData> readDataCache(const std::string &path);
Status writeDataCache(const std::string &path, const TextData &data);

}  // namespace corral
