#pragma once
// The small Hugging Face-shaped model the loader tests write and read back: grouped-query
// attention (4 query, 2 key/value heads), llama3 rope scaling, the byte tokenizer's vocabulary.
#include "model/LlamaConfig.h"

namespace corral::test {

inline LlamaConfig smallLlamaConfig(bool tied = false)
{
    LlamaConfig c;
    c.vocab_size = 258;
    c.hidden_size = 64;
    c.intermediate_size = 96;
    c.num_layers = 2;
    c.num_heads = 4;
    c.num_kv_heads = 2;
    c.rope_theta = 500000.0;
    c.rope_scaling = {"llama3", 8.0, 1.0, 4.0, 64};
    c.tie_word_embeddings = tied;
    return c;
}

}  // namespace corral::test
