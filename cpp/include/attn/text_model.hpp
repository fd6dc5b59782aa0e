// A model that reads text, as the bindings (and the page) use it: its config, its tokenizer, the special tokens
// it puts around a text, and the transformer's run(). The built-in models (model_file.hpp) and Hugging Face
// checkpoints (checkpoint.hpp) are both TextModels.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "attn/model.hpp"
#include "attn/tokenizer.hpp"

namespace attn {

class TextModel {
 public:
  struct Special {
    std::int32_t id;
    std::string label;  // how it shows: "[BOS]", "[CLS]", "<|endoftext|>"
  };

  virtual ~TextModel() = default;
  virtual const ModelConfig& config() const = 0;
  // The text's tokens, with byte offsets into it; no special tokens.
  virtual std::vector<Token> tokenize(std::string_view text) const = 0;
  // How a token shows, or "" when it shows as the characters of the text it covers (byte-level tokenizers).
  virtual std::string label(std::int32_t id) const = 0;
  // The special tokens before and after every text.
  virtual std::vector<Special> before() const = 0;
  virtual std::vector<Special> after() const = 0;
  virtual ModelOutput run(const std::vector<std::int32_t>& ids, const RunOptions& options) const = 0;
};

}  // namespace attn
