// The TextModel of every architecture: a Network (forward.hpp) and its tokenizer; and a tokenizer on its own.
#pragma once

#include <memory>

#include "attn/text_model.hpp"
#include "forward.hpp"
#include "tokenizer_files.hpp"

namespace attn {

std::unique_ptr<TextModel> make_text_model(Network net, TextTokenizer tokenizer);
// The tokenizer alone, read as the model would read a text.
std::unique_ptr<TextReader> make_text_reader(TextTokenizer tokenizer);

}  // namespace attn
