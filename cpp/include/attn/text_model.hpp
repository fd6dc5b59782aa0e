// A model that reads text, as the bindings (and the page) use it: its config, its tokenizer, the special tokens
// it puts around a text, and the transformer's run(). The built-in models (model_file.hpp) and Hugging Face
// checkpoints (checkpoint.hpp) are both TextModels; a checkpoint's tokenizer alone is a TextReader.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "attn/model.hpp"
#include "attn/tokenizer.hpp"

namespace attn {

constexpr std::size_t kMaxTextBytes = std::size_t(1) << 26;  // 64 MiB of UTF-8: more than any page sends

struct EncodeOptions {
  bool specials = true;   // put the model's special tokens around the text, and keep within its maxLength
  bool truncate = false;  // with specials: cut a text that is too long instead of refusing it
};

// A text as the model reads it. Offsets count UTF-16 units (what JS strings count) of the text the UTF-8 came
// from. Each character shows once, in the first token that covers it: a token that starts inside a character
// (byte-level BPE and byte fallback split characters) starts at the character's end, and a token whose
// characters an earlier token already covers (two tokens of one ligature that NFKC split) is empty there.
struct Encoding {
  std::vector<std::int32_t> ids;      // (n)
  std::vector<std::int32_t> offsets;  // (2n): [start, end) of each token in the text; [0, 0] for a special token
  std::vector<std::uint8_t> special;  // (n): 1 for a special token the model adds, 0 for the text's own
  std::vector<std::string> labels;    // (n): how each token shows, or "" when it shows as the text it covers
  bool truncated = false;
  std::size_t text_tokens = 0;        // the text's tokens before any cut
};

// How a text is read: its tokens, how they show, and the special tokens around it.
class TextReader {
 public:
  struct Special {
    std::int32_t id;
    std::string label;  // how it shows: "[BOS]", "[CLS]", "<|endoftext|>"
  };

  virtual ~TextReader() = default;
  // The text's tokens, with byte offsets into it; no special tokens.
  virtual std::vector<Token> tokenize(std::string_view text) const = 0;
  // How a token shows, or "" when it shows as the characters of the text it covers (byte-level tokenizers).
  virtual std::string label(std::int32_t id) const = 0;
  // What a token stands for on its own, for a token that covers no text (a prediction): its bytes (perhaps part of
  // a character), a WordPiece ("##ing"), or a special token's name.
  virtual std::string piece(std::int32_t id) const = 0;
  // The special tokens before and after every text.
  virtual std::vector<Special> before() const = 0;
  virtual std::vector<Special> after() const = 0;

  // The text (UTF-8, at most kMaxTextBytes) as it is read. With specials, a text whose tokens and specials exceed
  // max_length (0: no limit) is an ArgumentError naming "text", unless truncate cuts it.
  Encoding encode(std::string_view text, const EncodeOptions& options, std::size_t max_length) const;
};

class TextModel : public TextReader {
 public:
  virtual const ModelConfig& config() const = 0;
  virtual ModelOutput run(const std::vector<std::int32_t>& ids, const RunOptions& options) const = 0;

  // encode() within the model's maxLength.
  Encoding encode(std::string_view text, const EncodeOptions& options = {}) const {
    return TextReader::encode(text, options, config().maxLength);
  }

  // The tokens a model is judged on (RunOptions::targets): a causal model's next token (none after the last), a
  // masked LM's own token at each position of the text (none at special tokens).
  std::vector<std::int32_t> default_targets(const Encoding& e) const;
};

}  // namespace attn
