// The TextModel of every architecture: a Network (forward.hpp) and its tokenizer.
#pragma once

#include <memory>

#include "attn/text_model.hpp"
#include "forward.hpp"
#include "tokenizer_files.hpp"

namespace attn {

std::unique_ptr<TextModel> make_text_model(Network net, TextTokenizer tokenizer);

}  // namespace attn
