// A piece of text as the tokenizers library's NormalizedString keeps it while normalizers and pre-tokenizers
// change it: the current UTF-8 and, for each of its bytes, the byte range [start, end) of the original text it
// stands for. Tokens are found in the current text, and their offsets read back through the alignments.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attn {

struct Alignment {
  std::size_t start, end;  // in the original text (the whole input, not this piece)
};

// How one character of the new text comes about, as the library's transform() reads it: change 0 replaces the
// next character of the old text, -n replaces it and removes the n after it, +1 is inserted.
struct Change {
  char32_t c;
  int change;
};

class NormalizedText {
 public:
  // The original text, each character aligned to its own bytes; an invalid byte reads as U+FFFD aligned to itself.
  explicit NormalizedText(std::string_view original);

  const std::string& text() const { return text_; }
  bool empty() const { return text_.empty(); }
  // Where in the original text this piece starts (the library's offsets_original().0).
  std::size_t original_start() const { return original_start_; }
  std::u32string chars() const;  // the current text, decoded

  // The library's transform(): the whole text replaced by `changes`, after removing its first `removed` characters.
  void transform(const std::vector<Change>& changes, std::size_t removed = 0);
  // Each match [start, end) (in order, not overlapping) replaced by `content`, whose characters all stand for
  // what the match's last byte stands for (for an empty match, the byte before it), as the library's replace().
  void replace(const std::vector<std::pair<std::size_t, std::size_t>>& matches, std::string_view content);
  // `prefix` before the text (nothing when it is empty). Unlike the library, which aligns a prepended character
  // to the first character it precedes, these cover none of the original text: a token made only of them (a lone
  // "▁" before a digit) has an empty range where the text begins, instead of claiming that first character.
  void prepend(std::string_view prefix);
  // Each character replaced by its UTF-8 bytes written as characters (byte-level BPE's alphabet). Where a character
  // stands for exactly as many original bytes as it has, its k-th byte is aligned to the k-th of those, so a token
  // holding part of a character covers just its bytes of the text (as GPT-2's own tokenizer says).
  void to_byte_characters(const char32_t (&alphabet)[256]);

  // Bytes [begin, end) of the current text as a piece of its own (their alignments kept).
  NormalizedText slice(std::size_t begin, std::size_t end) const;
  // The original byte range that bytes [begin, end) of the current text stand for: from the first byte's start
  // to the last byte's end, as the library reads it, except inside a character that stands for as many original
  // bytes as it has, where a byte stands for its own (byte_fallback's <0x..> tokens of one character).
  std::pair<std::size_t, std::size_t> original_range(std::size_t begin, std::size_t end) const;

 private:
  NormalizedText() = default;
  std::string text_;
  std::vector<Alignment> alignments_;  // one per byte of text_
  std::size_t original_start_ = 0;
};

// A pattern's matches [start, end) turned into the pieces of a text, the library's split() with its behaviours.
enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };
struct Piece {
  std::pair<std::size_t, std::size_t> range;
  bool match;
};
// The text's pieces, matches and the text between them, in order (the library's find_matches).
std::vector<Piece> pieces_of(std::size_t length, const std::vector<std::pair<std::size_t, std::size_t>>& matches);
std::vector<NormalizedText> split(const NormalizedText& text, std::vector<Piece> pieces, SplitBehavior behavior);

}  // namespace attn
