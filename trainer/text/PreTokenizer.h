#pragma once
// Llama 3's pre-tokenizer: the pieces BPE works on, as a regular-expression split with
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// would cut them (leftmost-first alternation, greedy with backtracking), written out by hand:
// std::regex has no \p{..} and would be far too slow. Every character belongs to exactly one
// piece, so the pieces put together are the text again.
#include <string_view>
#include <vector>

namespace corral {

// The pattern as tokenizer.json writes it; a file with any other pre-tokenizer is refused.
constexpr std::string_view kLlama3SplitPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// Appends the pieces of `text` (views into it) to `pieces`. Malformed UTF-8 bytes count as
// characters of their own that are neither letters, numbers nor space.
void splitLlama3(std::string_view text, std::vector<std::string_view> &pieces);

}  // namespace corral
