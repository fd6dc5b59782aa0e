// Oniguruma's patterns on PCRE2 (regex.hpp): the rewriting of the constructs whose meaning differs, and the
// tokenizers library's way of finding every match.
#include "regex.hpp"

#include <pcre2.h>

#include "attn/attention.hpp"

namespace attn {
namespace {

// \s (White_Space, in both) and \w as the insides of a PCRE2 character class. Oniguruma's \w is Alphabetic, Mark,
// Nd and Pc, and outside a character class also ² ³ ¹ ¼ ½ ¾ (its Latin-1 table's; [\w] and [^\w] go by the Unicode
// ranges alone). Checked against Oniguruma 6.9.8 on every code point for \s \w \W [\w] [^\w\s] \d \h, and against
// the library. Rust's regex crate's \w is UTS #18's: Alphabetic, Mark, Nd, Pc and Join_Control (ZWNJ, ZWJ).
constexpr std::string_view kSpace = "\\t-\\r\\x20\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}";
constexpr std::string_view kOnigurumaWord = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}";
constexpr std::string_view kOnigurumaLatin1Word = "\\x{B2}\\x{B3}\\x{B9}\\x{BC}-\\x{BE}";
constexpr std::string_view kRustWord = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200C}\\x{200D}";
constexpr std::string_view kHex = "0-9A-Fa-f";

bool is_hex(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }

std::string in_brackets(std::string_view inside, bool negated) {
  return std::string(negated ? "[^" : "[") + std::string(inside) + "]";
}

}  // namespace

std::string to_pcre2(std::string_view p, const std::string& what, Dialect dialect) {
  const bool oniguruma = dialect == Dialect::kOniguruma;
  const std::string kWord(oniguruma ? kOnigurumaWord : kRustWord);
  const std::string kWordAlone = kWord + std::string(oniguruma ? kOnigurumaLatin1Word : "");  // \w outside a class
  const auto refuse = [&](const std::string& construct) {
    throw ArgumentError(what, "the regular expression \"" + std::string(p) + "\" uses " + construct + ", which this playground does not run");
  };
  std::string out;
  bool in_class = false;
  std::size_t class_start = 0;  // where the class's first member may stand (after [ or [^)
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      const char e = p[++i];
      const bool upper = e >= 'A' && e <= 'Z';
      switch (e) {
        case 's': case 'S': case 'w': case 'W': case 'h': case 'H': {
          const std::string_view set = (e | 0x20) == 's' ? kSpace : (e | 0x20) == 'w' ? std::string_view(in_class ? kWord : kWordAlone) : kHex;
          if (!in_class) out += in_brackets(set, upper);
          else if (upper) refuse(std::string("\\") + e + " inside a character class");
          else out += set;
          break;
        }
        case 'b': case 'B': {
          if (in_class) { out += "\\b"; break; }  // a backspace, in both
          const std::string w = in_brackets(kWordAlone, false);
          out += e == 'b' ? "(?:(?<=" + w + ")(?!" + w + ")|(?<!" + w + ")(?=" + w + "))"
                          : "(?:(?<=" + w + ")(?=" + w + ")|(?<!" + w + ")(?!" + w + "))";
          break;
        }
        case 'v': out += "\\x0B"; break;
        case 'u': {
          if (i + 4 >= p.size() || !is_hex(p[i + 1]) || !is_hex(p[i + 2]) || !is_hex(p[i + 3]) || !is_hex(p[i + 4])) refuse("\\u without four hexadecimal digits");
          out += "\\x{" + std::string(p.substr(i + 1, 4)) + "}";
          i += 4;
          break;
        }
        case 'y': case 'Y': case 'O': refuse(std::string("\\") + e); break;
        case 'p': case 'P': case 'x': case 'k': case 'g':
          out += '\\', out += e;
          if (i + 1 < p.size() && (p[i + 1] == '{' || p[i + 1] == '<')) {  // copied whole: its braces are no quantifier
            const std::size_t close = p.find(p[i + 1] == '{' ? '}' : '>', i + 1);
            if (close == std::string_view::npos) refuse(std::string("an unclosed \\") + e);
            out += p.substr(i + 1, close - i);
            i = close;
          }
          break;
        default: {
          // Any other escape means the same in both; copy it with the whole character it escapes.
          out += '\\';
          std::size_t length = 1;
          while (i + length < p.size() && (static_cast<unsigned char>(p[i + length]) & 0xC0) == 0x80) ++length;
          out += p.substr(i, length);
          i += length - 1;
        }
      }
      continue;
    }
    if (in_class) {
      if (c == '[') refuse(p.substr(i, 2) == "[:" ? "a POSIX bracket class" : "a character class inside a character class");
      if (c == '&' && i + 1 < p.size() && p[i + 1] == '&') refuse("a character class intersection (&&)");
      if (c == ']' && i > class_start) in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      class_start = i + 1;
      continue;
    }
    if (c == '(' && p.substr(i, 3) == "(?~") refuse("the absent operator (?~...)");
    if (c == '(' && i + 2 < p.size() && p[i + 1] == '?') {
      // Inline options (?imx-imx) or (?imx-imx:...): Ruby's m is PCRE2's s.
      std::size_t j = i + 2;
      while (j < p.size() && (p[j] == 'i' || p[j] == 'm' || p[j] == 'x' || p[j] == '-')) ++j;
      if (j > i + 2 && j < p.size() && (p[j] == ')' || p[j] == ':')) {
        out += "(?";
        for (std::size_t k = i + 2; k < j; ++k) out += p[k] == 'm' ? 's' : p[k];
        i = j - 1;
        continue;
      }
    }
    if (c == '{' && i + 1 < p.size() && p[i + 1] == ',') {
      std::size_t j = i + 2;
      while (j < p.size() && p[j] >= '0' && p[j] <= '9') ++j;
      if (j > i + 2 && j < p.size() && p[j] == '}') {
        out += "{0";
        continue;  // the comma, digits and brace follow as they are
      }
    }
    out += c;
  }
  return out;
}

Regex::Regex(std::string_view pattern, const std::string& what, Dialect dialect) : what_(what) {
  const std::string translated = to_pcre2(pattern, what, dialect);
  int error = 0;
  PCRE2_SIZE at = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE | PCRE2_NEVER_BACKSLASH_C, &error, &at, nullptr);
  if (!code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    throw ArgumentError(what, "the regular expression \"" + std::string(pattern) + "\" does not compile: " +
                                  reinterpret_cast<const char*>(message));
  }
  code_.reset(code, [](void* c) { pcre2_code_free(static_cast<pcre2_code*>(c)); });
}

std::vector<std::pair<std::size_t, std::size_t>> Regex::find_all(std::string_view text) const {
  auto* code = static_cast<pcre2_code*>(code_.get());
  std::unique_ptr<pcre2_match_data, void (*)(pcre2_match_data*)> data(pcre2_match_data_create_from_pattern(code, nullptr), pcre2_match_data_free);
  if (!data) throw std::bad_alloc();
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  std::vector<std::pair<std::size_t, std::size_t>> matches;
  std::size_t from = 0;
  bool checked = false;  // the subject's UTF-8 is checked once, not at every search
  bool matched_before = false;
  std::size_t last_end = 0;
  while (from <= text.size()) {
    const int found = pcre2_match(code, subject, text.size(), from, checked ? PCRE2_NO_UTF_CHECK : 0, data.get(), nullptr);
    checked = true;
    if (found == PCRE2_ERROR_NOMATCH) break;
    if (found < 0) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(found, message, sizeof message);
      throw ArgumentError(what_, std::string("matching the regular expression failed: ") + reinterpret_cast<const char*>(message));
    }
    const PCRE2_SIZE* span = pcre2_get_ovector_pointer(data.get());
    const std::size_t start = span[0], end = span[1];
    if (start == end && matched_before && end == last_end) {
      // An empty match where the last one ended: search again one character further (Oniguruma's find_iter).
      std::size_t next = from + 1;
      while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
      from = next;
      continue;
    }
    matches.emplace_back(start, end);
    matched_before = true;
    last_end = from = end;
  }
  return matches;
}

}  // namespace attn
