#include "unicode.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace attn::unicode {
namespace {

struct PoolEntry {
  char32_t from;
  std::uint16_t at, length;  // its characters: the pool's [at, at + length)
};
struct CompositionEntry {
  char32_t first, second, composite;
};
template <std::size_t N>
struct Mapping {
  char32_t from;
  std::array<char32_t, N> to;  // zero-padded
};

#include "unicode_tables.inc"

template <class Table, class Key>
const auto* find(const Table& table, char32_t c, Key key) {
  const auto* end = std::end(table);
  const auto* found = std::lower_bound(std::begin(table), end, c, [&](const auto& entry, char32_t k) { return key(entry) < k; });
  return found != end && key(*found) == c ? found : nullptr;
}

// A run table of first << shift | value: the value of the run c is in.
template <std::size_t N>
std::uint32_t run_value(const std::uint32_t (&runs)[N], int shift, char32_t c) {
  const auto* run = std::upper_bound(std::begin(runs), std::end(runs), c, [&](char32_t key, std::uint32_t entry) { return key < (entry >> shift); });
  return run == std::begin(runs) ? 0 : *(run - 1) & ((1u << shift) - 1);
}

// c's decomposition from a pool table, or c itself.
template <std::size_t N, std::size_t M>
void append_pooled(const PoolEntry (&table)[N], const char32_t (&pool)[M], char32_t c, std::u32string& out) {
  if (const auto* e = find(table, c, [](const PoolEntry& x) { return x.from; })) out.append(pool + e->at, e->length);
  else out.push_back(c);
}

}  // namespace

Class classify(char32_t c) { return Class(run_value(kClassRuns, 5, c)); }

bool is_white_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

void append_lowercase(char32_t c, std::u32string& out) {
  if (const auto* single = find(kLowercase, c, [](const auto& x) { return x[0]; })) return out.push_back((*single)[1]);
  if (const auto* longer = find(kLowercaseLong, c, [](const auto& x) { return x.from; })) {
    for (const char32_t to : longer->to) if (to) out.push_back(to);
    return;
  }
  out.push_back(c);
}

void append_decomposed(char32_t c, std::u32string& out) {
  // Hangul syllables: leading consonant, vowel and optional trailing consonant, by the Unicode formula.
  constexpr char32_t kBase = 0xAC00, kL = 0x1100, kV = 0x1161, kT = 0x11A7, kVCount = 21, kTCount = 28;
  if (c >= kBase && c < kBase + 11172) {
    const char32_t index = c - kBase;
    out.push_back(kL + index / (kVCount * kTCount));
    out.push_back(kV + (index % (kVCount * kTCount)) / kTCount);
    if (index % kTCount) out.push_back(kT + index % kTCount);
    return;
  }
  append_pooled(kDecomposition, kDecompositionChars, c, out);
}

void append_compatibility(char32_t c, std::u32string& out) {
  if (const auto* e = find(kCompatibility, c, [](const PoolEntry& x) { return x.from; })) {
    out.append(kCompatibilityChars + e->at, e->length);
  } else {
    append_decomposed(c, out);
  }
}

std::uint8_t combining_class(char32_t c) { return std::uint8_t(run_value(kCombiningClass, 8, c)); }

char32_t compose(char32_t first, char32_t second) {
  // Hangul: a leading consonant and a vowel make an LV syllable, an LV syllable and a trailing consonant an LVT one.
  constexpr char32_t kBase = 0xAC00, kL = 0x1100, kV = 0x1161, kT = 0x11A7, kVCount = 21, kTCount = 28;
  if (first >= kL && first < kL + 19 && second >= kV && second < kV + kVCount) {
    return kBase + ((first - kL) * kVCount + (second - kV)) * kTCount;
  }
  if (first >= kBase && first < kBase + 11172 && (first - kBase) % kTCount == 0 && second > kT && second < kT + kTCount) {
    return first + (second - kT);
  }
  const auto* end = std::end(kComposition);
  const auto* found = std::lower_bound(std::begin(kComposition), end, std::pair{first, second}, [](const CompositionEntry& e, const auto& key) {
    return std::pair{e.first, e.second} < key;
  });
  return found != end && found->first == first && found->second == second ? found->composite : 0;
}

void append_utf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | (c >> 6)), out += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += char(0xE0 | (c >> 12)), out += char(0x80 | ((c >> 6) & 0x3F)), out += char(0x80 | (c & 0x3F));
  } else {
    out += char(0xF0 | (c >> 18)), out += char(0x80 | ((c >> 12) & 0x3F)), out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  }
}

Decoded decode_utf8(std::string_view text) {
  Decoded d;
  std::size_t i = 0;
  while (i < text.size()) {
    d.starts.push_back(i);
    const auto b = static_cast<unsigned char>(text[i]);
    const std::size_t length = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    char32_t c = length == 1 ? b : length == 2 ? (b & 0x1F) : length == 3 ? (b & 0x0F) : (b & 0x07);
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xC0) == 0x80;
      c = (c << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid too.
    const char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    valid = valid && c >= least[length] && c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
    d.chars.push_back(valid ? c : 0xFFFD);
    i += valid ? length : 1;
  }
  d.starts.push_back(text.size());
  return d;
}

}  // namespace attn::unicode
