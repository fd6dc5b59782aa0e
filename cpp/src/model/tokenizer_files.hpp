// A checkpoint's tokenizer from its files: tokenizer.json (the tokenizers library's pipeline, hf_tokenizers.hpp),
// or the older vocab.txt (+ tokenizer_config.json) for WordPiece and vocab.json + merges.txt for byte-level BPE,
// which make the same pipeline BERT's and GPT-2's tokenizer.json describe. Errors name the file.
#pragma once

#include <string_view>
#include <variant>
#include <vector>

#include "architecture.hpp"
#include "attn/checkpoint.hpp"
#include "attn/text_model.hpp"
#include "attn/tokenizer.hpp"
#include "hf_tokenizers.hpp"

namespace attn {

using AnyTokenizer = std::variant<BpeTokenizer, hf::Pipeline>;

struct TextTokenizer {
  AnyTokenizer tokenizer;
  std::vector<TextModel::Special> before, after;  // the special tokens around every text, by their ids here
  std::vector<TextModel::Special> named;  // special tokens past the tokenizer's vocabulary (the built-in models')
  std::string mask;  // a masked LM's mask token ("[MASK]", "<mask>"), as typed; "" for the others

  std::vector<Token> tokenize(std::string_view text) const;
  std::string label(std::int32_t id) const;  // "" when a token shows as the text it covers
  std::string piece(std::int32_t id) const;  // TextReader::piece
};

// The special tokens are the ones tokenizer.json's post-processor adds; when it adds none (or there is no
// tokenizer.json), the architecture's own (BERT's [CLS] … [SEP], GPT-2's <|endoftext|> in front).
TextTokenizer read_tokenizer(const Architecture& arch, const Hyperparameters& h, const CheckpointFiles& files);
// tokenizer.json alone, without a config.json: its ids unbounded, its special tokens its post-processor's.
TextTokenizer read_tokenizer_json_only(const CheckpointFiles& files);

// tokenizer.json's pipeline; ids must be below `id_limit` (`limit_what` names it in errors).
hf::Pipeline read_tokenizer_json(std::string_view text, std::size_t id_limit, const std::string& limit_what);

}  // namespace attn
