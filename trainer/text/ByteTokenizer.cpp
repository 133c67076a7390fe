#include "text/ByteTokenizer.h"

namespace corral {

std::vector<int64_t> ByteTokenizer::encode(std::string_view text) const
{
    std::vector<int64_t> ids;
    ids.reserve(text.size());
    for (const char c : text)
        ids.push_back(static_cast<unsigned char>(c));
    return ids;
}

std::string ByteTokenizer::decode(const std::vector<int64_t> &ids) const
{
    std::string text;
    for (const int64_t id : ids) {
        if (id >= 0 && id < 256)
            text += static_cast<char>(id);
    }
    return text;
}

}  // namespace corral
