// The little Unicode the checkpoint tokenizers need (no ICU): UTF-8 decoding with byte offsets, a code point's
// class (from its general category), White_Space, per-character full lowercase, and canonical decomposition
// (NFD of one character; canonical reordering of combining marks is not done). Tables: unicode_tables.inc,
// written by tools/fixtures/make_unicode_tables.py.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attn::unicode {

enum class Class : std::uint8_t {
  kOther, kLetter, kNonspacingMark, kMark, kNumber, kPunctuation, kSymbol, kSeparator, kControl, kFormat,
};

Class classify(char32_t c);
bool is_white_space(char32_t c);  // the White_Space property
void append_lowercase(char32_t c, std::u32string& out);
void append_decomposed(char32_t c, std::u32string& out);
void append_utf8(char32_t c, std::string& out);

// A UTF-8 text as code points, with each one's byte range [starts[i], starts[i + 1]). An invalid byte becomes
// U+FFFD on its own.
struct Decoded {
  std::u32string chars;
  std::vector<std::size_t> starts;
};
Decoded decode_utf8(std::string_view text);

}  // namespace attn::unicode
