// The little Unicode the checkpoint tokenizers need (no ICU): UTF-8 decoding with byte offsets, a code point's
// class (from its general category), White_Space, per-character full lowercase, canonical and compatibility
// decomposition of one character, canonical combining classes and primary composition (the pieces of NFD, NFKD,
// NFC and NFKC; normalizers.cpp orders and composes). Tables: unicode_tables.inc, written by
// tools/fixtures/make_unicode_tables.py from Python's unicodedata (Unicode 14.0).
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
void append_decomposed(char32_t c, std::u32string& out);      // NFD of the character alone
void append_compatibility(char32_t c, std::u32string& out);  // NFKD of the character alone
std::uint8_t combining_class(char32_t c);
char32_t compose(char32_t first, char32_t second);  // the primary composite of the pair, or 0
void append_utf8(char32_t c, std::string& out);

// A UTF-8 text as code points, with each one's byte range [starts[i], starts[i + 1]). An invalid byte becomes
// U+FFFD on its own.
struct Decoded {
  std::u32string chars;
  std::vector<std::size_t> starts;
};
Decoded decode_utf8(std::string_view text);

}  // namespace attn::unicode
