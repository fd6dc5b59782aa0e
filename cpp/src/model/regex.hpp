// The regular expressions of tokenizer.json (Split pre-tokenizers, Replace normalizers, ByteLevel's own), which
// the tokenizers library runs on Oniguruma with its Ruby syntax, run here on PCRE2 (smaller in wasm; see the
// README's "Tokenizers"). to_pcre2() rewrites the few constructs whose meaning differs between the two, so that
// a pattern matches what it matches in Oniguruma 6.9 (Unicode 14 in both), and refuses the ones it cannot. The
// library's own two fixed patterns that use Rust's regex crate instead (the Whitespace pre-tokenizer's, and the
// word test of single_word added tokens) are read in that dialect: only \w differs.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attn {

enum class Dialect { kOniguruma, kRust };

// Oniguruma (Ruby syntax, UTF-8, no options) to PCRE2 (compiled with UTF, UCP and MULTILINE):
//   \s \S    White_Space, as Oniguruma has it (PCRE2's \s also takes U+180E)
//   \w \W    Alphabetic, marks, Nd, Pc, and outside a class ² ³ ¹ ¼ ½ ¾ (PCRE2 10.42's \w is letters, numbers
//            and _); in the Rust dialect, Alphabetic, marks, Nd, Pc, ZWNJ and ZWJ; \b \B from it
//   \h \H    a hexadecimal digit (PCRE2's \h is horizontal space)
//   \v       the vertical tab alone (PCRE2's \v is vertical space)
//   \uHHHH   \x{HHHH}
//   {,n}     {0,n}
//   (?m)     (?s): Ruby's m lets . match a newline; ^ and $ are always line anchors in Ruby (MULTILINE)
// Refused with an ArgumentError naming `what`: \S \W \H inside a character class, nested classes and their
// && intersections, POSIX brackets, the absent operator (?~…), \y \Y \O.
std::string to_pcre2(std::string_view pattern, const std::string& what, Dialect dialect = Dialect::kOniguruma);

class Regex {
 public:
  // `pattern` in Oniguruma's syntax; errors name `what` ("tokenizer.json: pre_tokenizer.pattern.Regex").
  Regex(std::string_view pattern, const std::string& what, Dialect dialect = Dialect::kOniguruma);

  // The matches [start, end) in byte offsets, left to right, as the tokenizers library's find_iter gives them:
  // each search starts where the last match ended, and an empty match right at that end is skipped.
  // `text` must be valid UTF-8.
  std::vector<std::pair<std::size_t, std::size_t>> find_all(std::string_view text) const;

 private:
  std::shared_ptr<void> code_;  // the compiled pcre2_code
  std::string what_;
};

}  // namespace attn
