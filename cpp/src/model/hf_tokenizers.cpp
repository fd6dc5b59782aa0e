// The tokenizers of Hugging Face checkpoints: GPT-2's pre-tokenizer and byte-level BPE over its vocabulary, and
// BERT's normalizer, pre-tokenizer and WordPiece, following the definitions of the `tokenizers` library (the
// fast tokenizers transformers uses by default). Offsets always point into the original UTF-8 text.
#include <algorithm>
#include <array>
#include <cctype>

#include "attn/attention.hpp"
#include "attn/tokenizer.hpp"
#include "unicode.hpp"

namespace attn {
namespace {

using unicode::Class;
using unicode::classify;
using unicode::is_white_space;

bool is_letter(char32_t c) { return classify(c) == Class::kLetter; }
bool is_number(char32_t c) { return classify(c) == Class::kNumber; }

// GPT-2's table of printable characters standing for bytes: printable Latin-1 stands for itself, the other
// bytes for U+0100 onwards, in byte order.
std::array<char32_t, 256> byte_characters() {
  std::array<char32_t, 256> table{};
  char32_t next = 0x100;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    table[std::size_t(b)] = printable ? char32_t(b) : next++;
  }
  return table;
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> gpt2_pretokenize(std::string_view text) {
  const auto d = unicode::decode_utf8(text);
  const auto& c = d.chars;
  const std::size_t n = c.size();
  std::vector<std::pair<std::size_t, std::size_t>> pieces;
  auto run = [&](std::size_t from, auto&& in) {
    while (from < n && in(c[from])) ++from;
    return from;
  };
  std::size_t i = 0;
  while (i < n) {
    std::size_t end = i;
    // 's|'t|'re|'ve|'m|'ll|'d
    if (c[i] == U'\'' && i + 1 < n) {
      for (const std::u32string_view suffix : {U"s", U"t", U"re", U"ve", U"m", U"ll", U"d"}) {
        if (std::u32string_view(c).substr(i + 1, suffix.size()) == suffix) {
          end = i + 1 + suffix.size();
          break;
        }
      }
    }
    //  ?\p{L}+ |  ?\p{N}+ |  ?[^\s\p{L}\p{N}]+
    const std::size_t after_space = c[i] == U' ' && i + 1 < n ? i + 1 : i;
    for (const auto in : {+[](char32_t x) { return is_letter(x); }, +[](char32_t x) { return is_number(x); },
                          +[](char32_t x) { return !is_white_space(x) && !is_letter(x) && !is_number(x); }}) {
      if (end > i) break;
      if (in(c[after_space])) end = run(after_space, in);
      else if (in(c[i])) end = run(i, in);
    }
    // \s+(?!\S) | \s+ : a whitespace run, leaving its last character to the next piece when a non-space follows.
    if (end == i) {
      end = run(i, is_white_space);
      if (end < n && end - i > 1) --end;
    }
    pieces.emplace_back(d.starts[i], d.starts[end]);
    i = end;
  }
  return pieces;
}

ByteLevelBpe::ByteLevelBpe(const std::vector<std::pair<std::string, std::int32_t>>& vocab,
                           const std::vector<std::pair<std::string, std::string>>& merges, const std::string& source)
    : bpe_({}) {
  for (const auto& [text, id] : vocab) vocab_[text] = id;
  static const auto table = byte_characters();
  // Our BpeTokenizer numbers the bytes 0-255 and merge i as 256 + i; `made` finds a token's number by its text.
  std::unordered_map<std::string, std::int32_t> made;
  std::string text;
  for (int b = 0; b < 256; ++b) {
    text.clear();
    unicode::append_utf8(table[std::size_t(b)], text);
    made.emplace(text, b);
    ids_.push_back(id_of(text, source));
  }
  std::vector<BpeTokenizer::Pair> pairs;
  for (std::size_t i = 0; i < merges.size(); ++i) {
    const auto& [a, b] = merges[i];
    const auto first = made.find(a), second = made.find(b);
    if (first == made.end() || second == made.end()) {
      throw ArgumentError(source, "merge " + std::to_string(i + 1) + " (\"" + a + " " + b + "\"): \"" +
                                      (first == made.end() ? a : b) + "\" is not a byte or the result of an earlier merge");
    }
    pairs.emplace_back(first->second, second->second);
    made.emplace(a + b, std::int32_t(256 + i));
    ids_.push_back(id_of(a + b, source));
  }
  bpe_ = BpeTokenizer(std::move(pairs));
  // id -> bytes: each printable character back to its byte (an added token's own characters stay as they are).
  std::unordered_map<char32_t, char> byte_of;
  for (int b = 0; b < 256; ++b) byte_of[table[std::size_t(b)]] = char(b);
  for (const auto& [token, id] : vocab_) {
    if (std::size_t(id) >= pieces_.size()) pieces_.resize(std::size_t(id) + 1);
    std::string& out = pieces_[std::size_t(id)];
    for (const char32_t c : unicode::decode_utf8(token).chars) {
      if (const auto found = byte_of.find(c); found != byte_of.end()) out += found->second;
      else unicode::append_utf8(c, out);
    }
  }
}

std::string ByteLevelBpe::piece(std::int32_t id) const {
  return id >= 0 && std::size_t(id) < pieces_.size() ? pieces_[std::size_t(id)] : std::string();
}

std::int32_t ByteLevelBpe::id_of(const std::string& token, const std::string& source) const {
  const auto found = vocab_.find(token);
  if (found == vocab_.end()) throw ArgumentError(source, "the vocabulary has no token \"" + token + "\"");
  return found->second;
}

std::vector<Token> ByteLevelBpe::encode(std::string_view text) const {
  auto tokens = bpe_.encode(text, gpt2_pretokenize(text));
  for (auto& t : tokens) t.id = ids_[std::size_t(t.id)];
  return tokens;
}

WordPieceTokenizer::WordPieceTokenizer(std::unordered_map<std::string, std::int32_t> vocab, WordPieceOptions options,
                                       const std::string& source)
    : vocab_(std::move(vocab)), options_(options) {
  for (const auto& [text, id] : vocab_) {
    if (id < 0 || std::size_t(id) >= kMaxElements) throw ArgumentError(source, "token \"" + text + "\" has the id " + std::to_string(id));
    if (std::size_t(id) >= texts_.size()) texts_.resize(std::size_t(id) + 1);
    texts_[std::size_t(id)] = text;
  }
  unk_ = id_of("[UNK]", source);
}

std::int32_t WordPieceTokenizer::id_of(const std::string& token, const std::string& source) const {
  const auto found = vocab_.find(token);
  if (found == vocab_.end()) throw ArgumentError(source, "the vocabulary has no token \"" + token + "\"");
  return found->second;
}

std::vector<Token> WordPieceTokenizer::encode(std::string_view text) const {
  const auto d = unicode::decode_utf8(text);
  // The normalized text, each character with the index of the original character it came from.
  std::u32string chars;
  std::vector<std::size_t> origin;
  std::u32string scratch, lowered;
  for (std::size_t i = 0; i < d.chars.size(); ++i) {
    char32_t c = d.chars[i];
    if (options_.clean_text) {
      const bool space = c == U'\t' || c == U'\n' || c == U'\r' || is_white_space(c);
      const Class cls = classify(c);
      if (!space && (c == 0 || c == 0xFFFD || cls == Class::kControl || cls == Class::kFormat || cls == Class::kOther)) continue;
      if (space) c = U' ';
    }
    const bool ideograph = options_.chinese_chars &&
        ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F));
    scratch.clear();
    if (options_.strip_accents) unicode::append_decomposed(c, scratch);
    else scratch.push_back(c);
    lowered.clear();
    for (const char32_t x : scratch) {
      if (options_.strip_accents && classify(x) == Class::kNonspacingMark) continue;
      if (options_.lowercase) unicode::append_lowercase(x, lowered);
      else lowered.push_back(x);
    }
    if (ideograph) lowered = U" " + lowered + U" ";
    chars += lowered;
    origin.insert(origin.end(), lowered.size(), i);
  }

  std::vector<Token> tokens;
  std::string piece;
  // One word: characters [begin, end) of `chars`, into WordPiece tokens.
  auto word = [&](std::size_t begin, std::size_t end) {
    const auto byte_start = [&](std::size_t k) { return d.starts[origin[k]]; };
    const auto byte_end = [&](std::size_t k) { return d.starts[origin[k - 1] + 1]; };
    if (end - begin > 100) return tokens.push_back({unk_, byte_start(begin), byte_end(end)});
    const std::size_t first = tokens.size();
    for (std::size_t start = begin; start < end;) {
      std::size_t stop = end;
      std::int32_t id = -1;
      for (; stop > start; --stop) {
        piece = start > begin ? "##" : "";
        for (std::size_t k = start; k < stop; ++k) unicode::append_utf8(chars[k], piece);
        if (const auto found = vocab_.find(piece); found != vocab_.end()) {
          id = found->second;
          break;
        }
      }
      if (id < 0) {  // no piece matches here: the whole word is unknown
        tokens.resize(first);
        return tokens.push_back({unk_, byte_start(begin), byte_end(end)});
      }
      tokens.push_back({id, byte_start(start), byte_end(stop)});
      start = stop;
    }
  };
  // BertPreTokenizer: split at White_Space (dropped) and around each punctuation character.
  std::size_t start = 0;
  for (std::size_t k = 0; k <= chars.size(); ++k) {
    const bool at_end = k == chars.size();
    const char32_t c = at_end ? U' ' : chars[k];
    const bool punctuation = !at_end && ((c < 0x80 && std::ispunct(int(c))) || classify(c) == Class::kPunctuation);
    if (!at_end && !punctuation && !is_white_space(c)) continue;
    if (k > start) word(start, k);
    if (punctuation) word(k, k + 1);
    start = k + 1;
  }
  return tokens;
}

}  // namespace attn
