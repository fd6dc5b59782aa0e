// The built-in models' byte-level BPE tokenizer: any byte string encodes (the 256 single bytes are always in the
// vocabulary), every token keeps its byte offsets in the input, and merges are learned from a corpus by
// BpeTokenizer::train. (Checkpoints' tokenizers, tokenizer.json's pipeline, are in src/model/hf_tokenizers.hpp.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace attn {

struct Token {
  std::int32_t id;
  std::size_t start, end;  // byte offsets [start, end) in the UTF-8 input
};

// A BPE merge as the merging looks it up by its pair: its rank (lower merges first) and the token it makes.
struct Merge {
  std::int32_t rank;
  std::int32_t result;
};

// Splits text into the pieces BPE works within, as byte ranges [start, end): runs of word bytes (ASCII letters
// and digits, every byte of a non-ASCII character, and an apostrophe between a word byte and a letter, so that
// "didn't" and "one's" stay whole), runs of ASCII punctuation, and runs of whitespace; a single space before a
// word or punctuation run belongs to it (" cat"), as in GPT-2, so merges learn words with their leading space.
std::vector<std::pair<std::size_t, std::size_t>> pretokenize(std::string_view text);

class BpeTokenizer {
 public:
  using Pair = std::pair<std::int32_t, std::int32_t>;
  static constexpr std::int32_t kByteTokens = 256;

  // Merge i joins the pair merges[i] into the new token 256 + i; earlier merges take precedence.
  explicit BpeTokenizer(std::vector<Pair> merges);

  // Learns merges from `texts` until the vocabulary reaches `vocab_size` tokens (or no pair occurs twice).
  // Deterministic: ties go to the pair with the smaller ids.
  static BpeTokenizer train(const std::vector<std::string>& texts, std::size_t vocab_size);
  // The same over distinct pieces (as pretokenize cuts them) with a weight each, which every pair inside the piece
  // counts (a piece's number of occurrences gives the above; weight 0 leaves a piece out): each merge joins the pair
  // of the largest total weight, until the vocabulary reaches `vocab_size` or no pair weighs `min_weight`.
  static BpeTokenizer train(const std::vector<std::pair<std::string, std::int64_t>>& pieces, std::size_t vocab_size,
                            std::int64_t min_weight);

  std::vector<Token> encode(std::string_view text) const;
  // The same within given pieces [start, end) of the text (another pre-tokenizer's, such as GPT-2's).
  std::vector<Token> encode(std::string_view text, const std::vector<std::pair<std::size_t, std::size_t>>& pieces) const;
  std::string decode(const std::vector<std::int32_t>& ids) const;  // throws ArgumentError for unknown ids

  std::size_t vocab_size() const { return bytes_.size(); }
  const std::string& token_bytes(std::int32_t id) const { return bytes_.at(std::size_t(id)); }
  const std::vector<Pair>& merges() const { return merges_; }

 private:
  void encode_piece(std::string_view text, std::size_t offset, std::vector<Token>& out) const;

  std::vector<Pair> merges_;
  std::vector<std::string> bytes_;                        // the bytes each token stands for
  std::unordered_map<std::uint64_t, Merge> rank_;  // pair key -> merge
};

}  // namespace attn
