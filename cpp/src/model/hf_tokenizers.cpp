// tokenizer.json's components (hf_tokenizers.hpp), each doing what its namesake in the tokenizers library does
// to the text and to its alignments, so that ids and offsets come out the same.
#include "hf_tokenizers.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "attn/attention.hpp"
#include "unicode.hpp"

namespace attn::hf {
namespace {

using unicode::Class;
using unicode::classify;
using unicode::is_white_space;

// Rust's char::is_ascii_punctuation || unicode_categories' is_punctuation, as BERT's pre-tokenizer and
// Punctuation use it.
bool is_punctuation(char32_t c) {
  const bool ascii = (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
  return ascii || classify(c) == Class::kPunctuation;
}
bool is_numeric(char32_t c) { return classify(c) == Class::kNumber; }  // Rust's char::is_numeric: Nd, Nl, No
bool is_other(char32_t c) {  // general category C*
  const Class k = classify(c);
  return k == Class::kControl || k == Class::kFormat || k == Class::kOther;
}
bool is_chinese_char(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}
// A word character for single_word added tokens: the library tells them by \\w of Rust's regex crate (tried
// character by character on it: ① and _ differ from Rust's is_alphanumeric, ZWJ and ¹ from Oniguruma's \\w).
bool is_word_char(char32_t c) {
  static const Regex word("\\w", "added_tokens", Dialect::kRust);
  std::string text;
  unicode::append_utf8(c, text);
  return !word.find_all(text).empty();
}

// The library's filter(): kept characters stay aligned to themselves.
template <class Keep>
void filter(NormalizedText& text, Keep keep) {
  std::vector<Change> changes;
  std::size_t removed_first = 0;
  int removed = 0;
  bool any = false;
  char32_t last = 0;
  for (const char32_t c : text.chars()) {
    if (!keep(c)) {
      ++removed;
      continue;
    }
    if (any) changes.push_back({last, -removed});
    else removed_first = std::size_t(removed);
    last = c, any = true, removed = 0;
  }
  if (any) changes.push_back({last, -removed});
  text.transform(changes, any ? removed_first : std::size_t(removed));
}

template <class Map>
void map(NormalizedText& text, Map f) {
  std::vector<Change> changes;
  for (const char32_t c : text.chars()) changes.push_back({f(c), 0});
  text.transform(changes);
}

// Each character whose `where` holds, as a match of its own (the library's char patterns).
template <class Where>
std::vector<std::pair<std::size_t, std::size_t>> chars_where(std::string_view text, Where where) {
  const auto d = unicode::decode_utf8(text);
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t i = 0; i < d.chars.size(); ++i) if (where(d.chars[i])) out.emplace_back(d.starts[i], d.starts[i + 1]);
  return out;
}

// Every piece without tokens replaced by what `f` makes of it; empty pieces are dropped, as the library does.
template <class F>
void split_each(std::vector<Split>& splits, F f) {
  std::vector<Split> out;
  out.reserve(splits.size());
  for (Split& s : splits) {
    if (s.tokens) {
      out.push_back(std::move(s));
      continue;
    }
    for (NormalizedText& piece : f(s.text)) if (!piece.empty()) out.push_back({std::move(piece), std::nullopt});
  }
  splits = std::move(out);
}

std::vector<NormalizedText> split_where(const NormalizedText& text, const std::vector<std::pair<std::size_t, std::size_t>>& matches,
                                        SplitBehavior behavior, bool invert = false) {
  auto pieces = pieces_of(text.text().size(), matches);
  if (invert) for (Piece& p : pieces) p.match = !p.match;
  return split(text, std::move(pieces), behavior);
}

// Decomposition (and canonical ordering) of the whole text, each character with its change.
struct Decomposed {
  char32_t c;
  int change;
  std::uint8_t ccc;
};
std::vector<Decomposed> decompose(const std::u32string& chars, bool compatibility) {
  std::vector<Decomposed> out;
  std::u32string scratch;
  for (const char32_t c : chars) {
    scratch.clear();
    if (compatibility) unicode::append_compatibility(c, scratch);
    else unicode::append_decomposed(c, scratch);
    for (std::size_t k = 0; k < scratch.size(); ++k) out.push_back({scratch[k], k > 0 ? 1 : 0, unicode::combining_class(scratch[k])});
  }
  // Canonical ordering: each run of non-starters sorted by combining class, stably (changes go with characters).
  for (std::size_t i = 0; i < out.size();) {
    if (out[i].ccc == 0) { ++i; continue; }
    std::size_t end = i;
    while (end < out.size() && out[end].ccc != 0) ++end;
    std::stable_sort(out.begin() + std::ptrdiff_t(i), out.begin() + std::ptrdiff_t(end), [](const Decomposed& a, const Decomposed& b) { return a.ccc < b.ccc; });
    i = end;
  }
  return out;
}

// Canonical composition. A character absorbed into its starter passes on the original characters it replaced,
// so the composite replaces as many as the two did.
void compose(std::vector<Decomposed>& chars) {
  const auto replaced = [](int change) { return change <= 0 ? 1 - change : 0; };
  std::vector<Decomposed> out;
  std::ptrdiff_t starter = -1;
  int last_class = -1;  // of the last character kept after the starter; -1: none yet
  for (const Decomposed& x : chars) {
    if (starter >= 0 && (last_class < 0 || (last_class != 0 && last_class < x.ccc))) {
      if (const char32_t composite = unicode::compose(out[std::size_t(starter)].c, x.c)) {
        Decomposed& s = out[std::size_t(starter)];
        const int both = replaced(s.change) + replaced(x.change);
        s.c = composite, s.change = both == 0 ? 1 : 1 - both;
        continue;
      }
    }
    if (x.ccc == 0) starter = std::ptrdiff_t(out.size()), last_class = -1;
    else last_class = x.ccc;
    out.push_back(x);
  }
  chars = std::move(out);
}

const Regex& gpt2_regex() {
  static const Regex regex("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+", "ByteLevel");
  return regex;
}

}  // namespace

const char32_t (&byte_alphabet())[256] {
  // Printable Latin-1 stands for itself, the other bytes for U+0100 onwards, in byte order.
  static const auto table = [] {
    struct Table { char32_t c[256]; } t{};
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      t.c[b] = printable ? char32_t(b) : next++;
    }
    return t;
  }();
  return table.c;
}

std::vector<std::pair<std::size_t, std::size_t>> Pattern::find_all(std::string_view text) const {
  if (regex) return regex->find_all(text);
  std::vector<std::pair<std::size_t, std::size_t>> out;
  if (literal.empty()) return out;
  for (std::size_t at = text.find(literal); at != std::string_view::npos; at = text.find(literal, at + literal.size())) {
    out.emplace_back(at, at + literal.size());
  }
  return out;
}

// ---- Normalizers

void UnicodeForm::normalize(NormalizedText& text) const {
  auto chars = decompose(text.chars(), form == Form::kNfkd || form == Form::kNfkc);
  if (form == Form::kNfc || form == Form::kNfkc) compose(chars);
  std::vector<Change> changes;
  changes.reserve(chars.size());
  for (const Decomposed& d : chars) changes.push_back({d.c, d.change});
  text.transform(changes);
}

void Lowercase::normalize(NormalizedText& text) const {
  std::vector<Change> changes;
  std::u32string lower;
  for (const char32_t c : text.chars()) {
    lower.clear();
    unicode::append_lowercase(c, lower);
    for (std::size_t k = 0; k < lower.size(); ++k) changes.push_back({lower[k], k > 0 ? 1 : 0});
  }
  text.transform(changes);
}

void Strip::normalize(NormalizedText& text) const {
  const auto chars = text.chars();
  std::size_t first = 0, last = chars.size();
  if (left) while (first < last && is_white_space(chars[first])) ++first;
  if (right) while (last > first && is_white_space(chars[last - 1])) --last;
  if (first == 0 && last == chars.size()) return;
  std::vector<Change> changes;
  for (std::size_t i = first; i < last; ++i) changes.push_back({chars[i], 0});
  text.transform(changes, first);
}

void StripAccents::normalize(NormalizedText& text) const {
  filter(text, [](char32_t c) { return classify(c) != Class::kNonspacingMark && classify(c) != Class::kMark; });
}

void Replace::normalize(NormalizedText& text) const { text.replace(pattern.find_all(text.text()), content); }

void Prepend::normalize(NormalizedText& text) const { text.prepend(prefix); }

void BertNormalizer::normalize(NormalizedText& text) const {
  if (clean_text) {
    filter(text, [](char32_t c) {
      const bool space = c == U'\t' || c == U'\n' || c == U'\r';
      return !(c == 0 || c == 0xFFFD || (!space && is_other(c)));
    });
    map(text, [](char32_t c) { return c == U'\t' || c == U'\n' || c == U'\r' || is_white_space(c) ? U' ' : c; });
  }
  if (handle_chinese_chars) {
    std::vector<Change> changes;
    for (const char32_t c : text.chars()) {
      if (is_chinese_char(c)) changes.insert(changes.end(), {{U' ', 0}, {c, 1}, {U' ', 1}});
      else changes.push_back({c, 0});
    }
    text.transform(changes);
  }
  if (strip_accents) {  // nonspacing marks only, unlike StripAccents
    UnicodeForm(Form::kNfd).normalize(text);
    filter(text, [](char32_t c) { return classify(c) != Class::kNonspacingMark; });
  }
  if (lowercase) Lowercase().normalize(text);
}

void NormalizerSequence::normalize(NormalizedText& text) const {
  for (const auto& step : steps) step->normalize(text);
}

// ---- Pre-tokenizers

void ByteLevel::pre_tokenize(std::vector<Split>& splits) const {
  split_each(splits, [&](NormalizedText& text) {
    if (add_prefix_space && text.text()[0] != ' ') text.prepend(" ");
    return use_regex ? split_where(text, gpt2_regex().find_all(text.text()), SplitBehavior::kIsolated)
                     : std::vector<NormalizedText>{std::move(text)};
  });
  for (Split& s : splits) if (!s.tokens) s.text.to_byte_characters(byte_alphabet());
}

void SplitPattern::pre_tokenize(std::vector<Split>& splits) const {
  split_each(splits, [&](NormalizedText& text) { return split_where(text, pattern.find_all(text.text()), behavior, invert); });
}

void Metaspace::pre_tokenize(std::vector<Split>& splits) const {
  std::string replacement_text;
  unicode::append_utf8(replacement, replacement_text);
  split_each(splits, [&](NormalizedText& text) {
    text.replace(chars_where(text.text(), [](char32_t c) { return c == U' '; }), replacement_text);
    const bool starts = text.text().compare(0, replacement_text.size(), replacement_text) == 0;
    if (!starts && (prepend_scheme == PrependScheme::kAlways || (prepend_scheme == PrependScheme::kFirst && text.original_start() == 0))) {
      text.prepend(replacement_text);
    }
    if (!split) return std::vector<NormalizedText>{std::move(text)};
    return split_where(text, chars_where(text.text(), [&](char32_t c) { return c == replacement; }), SplitBehavior::kMergedWithNext);
  });
}

Whitespace::Whitespace() { words.regex.emplace("\\w+|[^\\w\\s]+", "Whitespace", Dialect::kRust); }  // Rust's regex crate

void Whitespace::pre_tokenize(std::vector<Split>& splits) const {
  split_each(splits, [&](NormalizedText& text) { return split_where(text, words.find_all(text.text()), SplitBehavior::kRemoved, true); });
}

void WhitespaceSplit::pre_tokenize(std::vector<Split>& splits) const {
  split_each(splits, [](NormalizedText& text) { return split_where(text, chars_where(text.text(), is_white_space), SplitBehavior::kRemoved); });
}

void Digits::pre_tokenize(std::vector<Split>& splits) const {
  const SplitBehavior behavior = individual_digits ? SplitBehavior::kIsolated : SplitBehavior::kContiguous;
  split_each(splits, [&](NormalizedText& text) { return split_where(text, chars_where(text.text(), is_numeric), behavior); });
}

void Punctuation::pre_tokenize(std::vector<Split>& splits) const {
  split_each(splits, [&](NormalizedText& text) { return split_where(text, chars_where(text.text(), is_punctuation), behavior); });
}

void BertPreTokenizer::pre_tokenize(std::vector<Split>& splits) const {
  split_each(splits, [](NormalizedText& text) { return split_where(text, chars_where(text.text(), is_white_space), SplitBehavior::kRemoved); });
  split_each(splits, [](NormalizedText& text) { return split_where(text, chars_where(text.text(), is_punctuation), SplitBehavior::kIsolated); });
}

void PreTokenizerSequence::pre_tokenize(std::vector<Split>& splits) const {
  for (const auto& step : steps) step->pre_tokenize(splits);
}

// ---- Models

std::optional<std::int32_t> Vocabulary::id_of(const std::string& token) const {
  const auto found = ids.find(token);
  return found == ids.end() ? std::nullopt : std::optional<std::int32_t>(found->second);
}

void Vocabulary::add(const std::string& token, std::int32_t id) {
  ids[token] = id;
  if (std::size_t(id) >= tokens.size()) tokens.resize(std::size_t(id) + 1);
  tokens[std::size_t(id)] = token;
}

void Bpe::set_merges(const std::vector<std::pair<std::string, std::string>>& pairs, const std::string& source) {
  merges.clear();
  merges.reserve(pairs.size());
  const auto id = [&](const std::string& token, std::size_t i) {
    const auto found = vocab.id_of(token);
    if (!found) throw ArgumentError(source, "merge " + std::to_string(i + 1) + " (\"" + pairs[i].first + " " + pairs[i].second + "\"): \"" + token + "\" is not in the vocabulary");
    return *found;
  };
  const std::size_t prefix = continuing_subword_prefix.size();
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto& [a, b] = pairs[i];
    const std::int32_t left = id(a, i), right = id(b, i);
    const std::int32_t result = id(a + (b.size() >= prefix ? b.substr(prefix) : std::string()), i);
    merges[merge_key(left, right)] = Merge{std::int32_t(i), result};  // a repeated pair: the later one counts, as in the library
  }
}

void Bpe::tokenize(std::string_view word, std::vector<PieceToken>& out) const {
  if (word.empty()) return;
  if (ignore_merges) {
    if (const auto id = vocab.id_of(std::string(word))) return out.push_back({*id, 0, word.size()});
  }
  std::vector<Symbol> symbols;
  std::optional<Symbol> pending_unk;
  const auto d = unicode::decode_utf8(word);
  std::string piece;
  char byte_token[8];
  for (std::size_t i = 0; i < d.chars.size(); ++i) {
    const std::size_t length = d.starts[i + 1] - d.starts[i];
    piece.assign(i > 0 ? continuing_subword_prefix : std::string());
    piece.append(word.substr(d.starts[i], length));
    if (i + 1 == d.chars.size()) piece += end_of_word_suffix;
    if (const auto id = vocab.id_of(piece)) {
      if (pending_unk) symbols.push_back(*pending_unk), pending_unk.reset();
      symbols.push_back({*id, length});
      continue;
    }
    if (byte_fallback) {
      std::vector<Symbol> bytes;
      for (const char b : piece) {
        std::snprintf(byte_token, sizeof byte_token, "<0x%02X>", unsigned(static_cast<unsigned char>(b)));
        if (const auto id = vocab.id_of(byte_token)) bytes.push_back({*id, 1});
        else break;
      }
      if (bytes.size() == piece.size()) {
        symbols.insert(symbols.end(), bytes.begin(), bytes.end());
        continue;
      }
    }
    if (unk) {  // (without an unknown token the character is dropped, as the library drops it)
      if (pending_unk && fuse_unk) pending_unk->length += length;
      else {
        if (pending_unk) symbols.push_back(*pending_unk);
        pending_unk = Symbol{*unk, length};
      }
    }
  }
  if (pending_unk) symbols.push_back(*pending_unk);
  merge_symbols(symbols, merges);
  std::size_t at = 0;
  for (const Symbol& s : symbols) {
    out.push_back({s.id, at, at + s.length});
    at += s.length;
  }
}

void WordPiece::tokenize(std::string_view word, std::vector<PieceToken>& out) const {
  const auto d = unicode::decode_utf8(word);
  if (d.chars.size() > max_input_chars_per_word) return out.push_back({unk, 0, word.size()});
  const std::size_t first = out.size();
  std::string piece;
  for (std::size_t start = 0; start < d.chars.size();) {
    std::size_t stop = d.chars.size();
    std::optional<std::int32_t> id;
    for (; stop > start; --stop) {
      piece.assign(start > 0 ? continuing_subword_prefix : std::string());
      piece.append(word.substr(d.starts[start], d.starts[stop] - d.starts[start]));
      if ((id = vocab.id_of(piece))) break;
    }
    if (!id) {  // no piece matches here: the whole word is unknown
      out.resize(first);
      return out.push_back({unk, 0, word.size()});
    }
    out.push_back({*id, d.starts[start], d.starts[stop]});
    start = stop;
  }
}

void WordLevel::tokenize(std::string_view word, std::vector<PieceToken>& out) const {
  out.push_back({vocab.id_of(std::string(word)).value_or(unk), 0, word.size()});
}

// ---- Post-processors

void TrimOffsets::trim(std::vector<TextToken>& tokens, const CharStarts& chars) const {
  if (!trim_offsets) return;
  // A byte offset moved by `n` characters (n < 0: back); one inside a character moves by bytes.
  const auto move = [&](std::size_t at, std::ptrdiff_t n) {
    const auto found = std::lower_bound(chars.begin(), chars.end(), at);
    if (found == chars.end() || *found != at) return std::size_t(std::ptrdiff_t(at) + n);
    const std::ptrdiff_t index = std::clamp<std::ptrdiff_t>((found - chars.begin()) + n, 0, std::ptrdiff_t(chars.size()) - 1);
    return chars[std::size_t(index)];
  };
  const auto space = [](char32_t c) { return c == U'\u0120' || is_white_space(c); };  // Ġ is a byte-level space
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto chars = unicode::decode_utf8(*tokens[i].text).chars;
    std::size_t leading = 0, trailing = 0;
    while (leading < chars.size() && space(chars[leading])) ++leading;
    while (trailing < chars.size() && space(chars[chars.size() - 1 - trailing])) ++trailing;
    Token& t = tokens[i].token;
    if (leading > 0) {
      const bool first = i == 0 || t.start == 0;
      if (first && add_prefix_space && leading == 1) leading = 0;  // the space the pre-tokenizer added
      t.start = std::min(move(t.start, std::ptrdiff_t(leading)), t.end);
    }
    const auto end_char = std::size_t(std::upper_bound(chars.begin(), chars.end(), t.end) - chars.begin()) - 1;  // (counted in characters)
    if (trailing > 0 && end_char >= trailing) t.end = std::max(move(t.end, -std::ptrdiff_t(trailing)), t.start);
  }
}

void Template::specials(std::vector<TextModel::Special>& b, std::vector<TextModel::Special>& a) const {
  b.insert(b.begin(), before.begin(), before.end());
  a.insert(a.end(), after.begin(), after.end());
}

void PostProcessorSequence::process(std::vector<TextToken>& tokens, const CharStarts& chars) const {
  for (const auto& step : steps) step->process(tokens, chars);
}

void PostProcessorSequence::specials(std::vector<TextModel::Special>& before, std::vector<TextModel::Special>& after) const {
  for (const auto& step : steps) step->specials(before, after);
}

// ---- Added tokens

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer) : tokens_(std::move(tokens)) {
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    AddedToken& token = tokens_[i];
    token.text = token.content;
    if (token.content.empty()) continue;
    if (token.normalized && normalizer) {
      NormalizedText text(token.content);
      normalizer->normalize(text);
      token.text = text.text();
    }
    (token.normalized ? normalized_ : raw_).token_of.emplace(token.text, i);
  }
  for (Patterns* p : {&raw_, &normalized_}) {
    for (const auto& [content, _] : p->token_of) p->lengths.push_back(content.size());
    std::sort(p->lengths.begin(), p->lengths.end(), std::greater<>());
    p->lengths.erase(std::unique(p->lengths.begin(), p->lengths.end()), p->lengths.end());
  }
}

void AddedVocabulary::split(std::vector<Split>& splits, const Patterns& patterns) const {
  if (patterns.token_of.empty()) return;
  std::vector<Split> result;
  for (Split& whole : splits) {
    if (whole.tokens) {
      result.push_back(std::move(whole));
      continue;
    }
    const NormalizedText& text = whole.text;
    const std::string& t = text.text();
    const std::string_view view(t);
    const auto ends_with_word = [&](std::size_t at) {
      const auto d = unicode::decode_utf8(view.substr(0, at));
      return !d.chars.empty() && is_word_char(d.chars.back());
    };
    const auto starts_with_word = [&](std::size_t at) {
      const auto d = unicode::decode_utf8(view.substr(at, 4));
      return !d.chars.empty() && is_word_char(d.chars.front());
    };
    std::size_t kept = 0;  // the library's start_offset: where the text not yet split off starts
    const auto piece = [&](std::size_t start, std::size_t stop, std::optional<std::int32_t> id) {
      if (start == stop) return;  // empty pieces are dropped, as the library does
      Split s{text.slice(start, stop), std::nullopt};
      if (id) s.tokens = std::vector<PieceToken>{{*id, 0, stop - start}};
      result.push_back(std::move(s));
    };
    for (std::size_t from = 0; from < t.size();) {
      // The leftmost match from `from`, the longest of those starting there.
      std::size_t start = from, stop = 0, index = 0;
      bool found = false;
      for (; start < t.size() && !found; ++start) {
        for (const std::size_t length : patterns.lengths) {
          if (start + length > t.size()) continue;
          if (const auto m = patterns.token_of.find(t.substr(start, length)); m != patterns.token_of.end()) {
            stop = start + length, index = m->second, found = true;
            break;
          }
        }
        if (found) break;
      }
      if (!found) break;
      from = stop;
      const AddedToken& token = tokens_[index];
      if (token.single_word && ((start > 0 && ends_with_word(start)) || (stop < t.size() && starts_with_word(stop)))) continue;
      if (token.lstrip) {
        std::size_t spaces = start;
        const auto d = unicode::decode_utf8(view.substr(0, start));
        for (std::size_t k = d.chars.size(); k > 0 && is_white_space(d.chars[k - 1]); --k) spaces = d.starts[k - 1];
        start = std::max(spaces, kept);
      }
      if (token.rstrip) {
        const auto d = unicode::decode_utf8(view.substr(stop));
        std::size_t k = 0;
        while (k < d.chars.size() && is_white_space(d.chars[k])) ++k;
        stop += d.starts[k];
      }
      if (kept < start) piece(kept, start, std::nullopt);
      piece(start, stop, token.id);
      kept = stop;
    }
    if (kept != t.size()) piece(kept, t.size(), std::nullopt);
  }
  splits = std::move(result);
}

std::vector<Split> AddedVocabulary::extract_and_normalize(std::string_view text, const Normalizer* normalizer) const {
  std::vector<Split> splits;
  splits.push_back({NormalizedText(text), std::nullopt});
  split(splits, raw_);
  for (Split& s : splits) if (!s.tokens && normalizer) normalizer->normalize(s.text);
  split(splits, normalized_);
  return splits;
}

// ---- The pipeline

std::optional<std::int32_t> Pipeline::id_of(const std::string& token) const {
  for (const AddedToken& t : added.tokens()) if (t.content == token) return t.id;
  return model ? model->vocab.id_of(token) : std::nullopt;
}

const std::string& Pipeline::token_text(std::int32_t id) const {
  static const std::string none;
  if (model && id >= 0 && std::size_t(id) < model->vocab.tokens.size() && !model->vocab.tokens[std::size_t(id)].empty()) {
    return model->vocab.tokens[std::size_t(id)];
  }
  for (const AddedToken& t : added.tokens()) if (t.id == id) return t.text;
  return none;
}

std::string Pipeline::label(std::int32_t id) const {
  if (word_piece_labels) return token_text(id);
  for (const AddedToken& t : added.tokens()) if (t.id == id && t.special) return t.content;
  return {};
}

std::string Pipeline::piece(std::int32_t id) const {
  const std::string& text = token_text(id);
  const bool added_token = std::any_of(added.tokens().begin(), added.tokens().end(), [&](const AddedToken& t) { return t.id == id; });
  if (word_piece_labels || added_token) return text;
  if (text.size() == 6 && text.compare(0, 3, "<0x") == 0 && text[5] == '>' && std::isxdigit(static_cast<unsigned char>(text[3])) &&
      std::isxdigit(static_cast<unsigned char>(text[4]))) {
    return std::string(1, char(std::stoi(text.substr(3, 2), nullptr, 16)));
  }
  std::string out;
  if (pre_tokenizer && pre_tokenizer->byte_level()) {
    const char32_t(&alphabet)[256] = byte_alphabet();
    for (const char32_t c : unicode::decode_utf8(text).chars) {
      const auto b = std::find(std::begin(alphabet), std::end(alphabet), c);
      if (b != std::end(alphabet)) out += char(b - std::begin(alphabet));
      else unicode::append_utf8(c, out);
    }
    return out;
  }
  static const std::string kSpaceMark = "\xE2\x96\x81";  // ▁
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, kSpaceMark.size(), kSpaceMark) == 0) out += ' ', i += kSpaceMark.size();
    else out += text[i++];
  }
  return out;
}

std::vector<Token> Pipeline::encode(std::string_view text) const {
  std::vector<Split> splits = added.extract_and_normalize(text, normalizer.get());
  if (pre_tokenizer) pre_tokenizer->pre_tokenize(splits);
  std::vector<TextToken> tokens;
  std::vector<PieceToken> pieces;
  for (Split& s : splits) {
    if (!s.tokens) {
      pieces.clear();
      model->tokenize(s.text.text(), pieces);
      s.tokens = pieces;
    }
    for (const PieceToken& p : *s.tokens) {
      const auto [start, end] = s.text.original_range(p.start, p.end);
      tokens.push_back({{p.id, start, end}, &token_text(p.id)});
    }
  }
  if (post_processor) post_processor->process(tokens, unicode::decode_utf8(text).starts);
  std::vector<Token> out;
  out.reserve(tokens.size());
  for (const TextToken& t : tokens) out.push_back(t.token);
  return out;
}

}  // namespace attn::hf
