// A checkpoint's tokenizer from its files: tokenizer.json, or the older vocab.txt (+ tokenizer_config.json) for
// WordPiece and vocab.json + merges.txt for byte-level BPE. Errors name the file.
#pragma once

#include <variant>
#include <vector>

#include "architecture.hpp"
#include "attn/checkpoint.hpp"
#include "attn/text_model.hpp"
#include "attn/tokenizer.hpp"

namespace attn {

using AnyTokenizer = std::variant<BpeTokenizer, WordPieceTokenizer, ByteLevelBpe>;

struct TextTokenizer {
  AnyTokenizer tokenizer;
  std::vector<TextModel::Special> before, after;  // the architecture's special tokens, by their ids here
  std::vector<TextModel::Special> named;  // special tokens past the tokenizer's vocabulary (the built-in models')
};

TextTokenizer read_tokenizer(const Architecture& arch, const Hyperparameters& h, const CheckpointFiles& files);

}  // namespace attn
