// Byte-level BPE tokenizer: any byte string encodes (the 256 single bytes are always in the vocabulary), every
// token keeps its byte offsets in the input, and merges are learned from a corpus by BpeTokenizer::train.
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
  std::unordered_map<std::uint64_t, std::int32_t> rank_;  // pair key -> merge index
};

// ---- The tokenizers of Hugging Face checkpoints (hf_tokenizers.cpp), as its fast (Rust) tokenizers define them.

// GPT-2's pre-tokenizer, 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ with \s the
// White_Space property, as byte ranges of the UTF-8 text.
std::vector<std::pair<std::size_t, std::size_t>> gpt2_pretokenize(std::string_view text);

// GPT-2's byte-level BPE from its vocab.json entries (token text -> id, bytes written as GPT-2's printable
// characters, "Ġ" for a space) and its merges in rank order. Throws ArgumentError naming `source` for a merge
// whose parts or result are not in the vocabulary.
class ByteLevelBpe {
 public:
  ByteLevelBpe(const std::vector<std::pair<std::string, std::int32_t>>& vocab,
               const std::vector<std::pair<std::string, std::string>>& merges, const std::string& source);
  std::vector<Token> encode(std::string_view text) const;
  std::int32_t id_of(const std::string& token, const std::string& source) const;  // throws when absent
  // The bytes a token stands for (its printable characters mapped back); "" for an id not in the vocabulary.
  std::string piece(std::int32_t id) const;

 private:
  BpeTokenizer bpe_;
  std::vector<std::int32_t> ids_;  // the BpeTokenizer's ids -> the vocabulary's
  std::unordered_map<std::string, std::int32_t> vocab_;
  std::vector<std::string> pieces_;  // id -> the bytes it stands for
};

// BERT's tokenizer: BertNormalizer (clean text, spaces around CJK ideographs, optional accent stripping = NFD
// without nonspacing marks, optional lowercase), BertPreTokenizer (split at White_Space, punctuation on its own),
// then WordPiece (greedy longest match, "##" before a word's later pieces, a word of more than 100 characters
// or with no match is [UNK]). Offsets point into the original text.
struct WordPieceOptions {
  bool lowercase = true;
  bool strip_accents = true;  // BERT's default: the same as lowercase
  bool chinese_chars = true;
  bool clean_text = true;
};

class WordPieceTokenizer {
 public:
  WordPieceTokenizer(std::unordered_map<std::string, std::int32_t> vocab, WordPieceOptions options, const std::string& source);
  std::vector<Token> encode(std::string_view text) const;
  std::int32_t id_of(const std::string& token, const std::string& source) const;  // throws when absent
  const std::string& text_of(std::int32_t id) const { return texts_.at(std::size_t(id)); }

 private:
  std::unordered_map<std::string, std::int32_t> vocab_;
  std::vector<std::string> texts_;  // id -> token text
  WordPieceOptions options_;
  std::int32_t unk_;
};

}  // namespace attn
