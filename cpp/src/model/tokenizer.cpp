// Byte-level BPE: training by repeated heaviest-pair merges over the corpus's distinct pieces, and encoding by
// applying the learned merges in order of rank within each piece.
#include "attn/tokenizer.hpp"

#include <algorithm>
#include <map>
#include <queue>
#include <set>
#include <string>

#include "attn/attention.hpp"
#include "bpe.hpp"

namespace attn {
namespace {

enum class ByteClass { kSpace, kWord, kPunctuation };

ByteClass classify(unsigned char b) {
  if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v') return ByteClass::kSpace;
  if (b >= 0x80 || (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z')) return ByteClass::kWord;
  return ByteClass::kPunctuation;
}

std::uint64_t key(std::int32_t a, std::int32_t b) { return merge_key(a, b); }

// Replaces every occurrence of (a, b) in `ids` by `merged`, left to right.
template <class Ids>
void merge_pair(Ids& ids, std::int32_t a, std::int32_t b, std::int32_t merged) {
  std::size_t write = 0;
  for (std::size_t read = 0; read < ids.size(); ++read) {
    if (read + 1 < ids.size() && ids[read] == a && ids[read + 1] == b) {
      ids[write++] = merged;
      ++read;
    } else {
      ids[write++] = ids[read];
    }
  }
  ids.resize(write);
}

}  // namespace

void merge_symbols(std::vector<Symbol>& symbols, const MergeMap& merges) {
  // A linked list over `symbols` (a merged symbol's right part gets length 0), and a queue of candidate merges
  // ordered by (rank, position); an entry whose pair has changed since it was queued is skipped.
  struct Candidate {
    std::int32_t rank;
    std::size_t at;
    std::int32_t result;
    bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : at > o.at; }
  };
  const std::size_t n = symbols.size();
  std::vector<std::ptrdiff_t> prev(n), next(n);
  for (std::size_t i = 0; i < n; ++i) prev[i] = std::ptrdiff_t(i) - 1, next[i] = i + 1 < n ? std::ptrdiff_t(i + 1) : -1;
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
  const auto offer = [&](std::size_t left, std::size_t right) {
    if (const auto m = merges.find(merge_key(symbols[left].id, symbols[right].id)); m != merges.end()) {
      queue.push({m->second.rank, left, m->second.result});
    }
  };
  for (std::size_t i = 0; i + 1 < n; ++i) offer(i, i + 1);
  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    if (symbols[top.at].length == 0 || next[top.at] < 0) continue;
    const auto right = std::size_t(next[top.at]);
    const auto m = merges.find(merge_key(symbols[top.at].id, symbols[right].id));
    if (m == merges.end() || m->second.result != top.result) continue;  // stale
    symbols[top.at].id = top.result;
    symbols[top.at].length += symbols[right].length;
    symbols[right].length = 0;
    next[top.at] = next[right];
    if (next[right] >= 0) prev[std::size_t(next[right])] = std::ptrdiff_t(top.at);
    if (prev[top.at] >= 0) offer(std::size_t(prev[top.at]), top.at);
    if (next[top.at] >= 0) offer(top.at, std::size_t(next[top.at]));
  }
  symbols.erase(std::remove_if(symbols.begin(), symbols.end(), [](const Symbol& s) { return s.length == 0; }), symbols.end());
}

std::vector<std::pair<std::size_t, std::size_t>> pretokenize(std::string_view text) {
  // An apostrophe between a word byte and a letter is part of the word: "didn't", "one's", "o'clock".
  const auto kind_at = [&](std::size_t i) {
    if (text[i] == '\'' && i > 0 && i + 1 < text.size() && classify(text[i - 1]) == ByteClass::kWord &&
        ((text[i + 1] | 0x20) >= 'a' && (text[i + 1] | 0x20) <= 'z')) {
      return ByteClass::kWord;
    }
    return classify(text[i]);
  };
  std::vector<std::pair<std::size_t, std::size_t>> pieces;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    ByteClass kind = kind_at(i);
    // A single space followed by a word or punctuation run joins that run.
    if (text[i] == ' ' && i + 1 < text.size() && kind_at(i + 1) != ByteClass::kSpace) kind = kind_at(++i);
    while (i < text.size() && kind_at(i) == kind) {
      // Keep one space back for the next run when whitespace ends in " x".
      if (kind == ByteClass::kSpace && text[i] == ' ' && i + 1 < text.size() && i > start &&
          kind_at(i + 1) != ByteClass::kSpace) {
        break;
      }
      ++i;
    }
    pieces.emplace_back(start, i);
  }
  return pieces;
}

BpeTokenizer::BpeTokenizer(std::vector<Pair> merges) : merges_(std::move(merges)) {
  for (int b = 0; b < kByteTokens; ++b) bytes_.emplace_back(1, char(b));
  for (std::size_t i = 0; i < merges_.size(); ++i) {
    const auto [a, b] = merges_[i];
    const auto known = std::int32_t(bytes_.size());
    if (a < 0 || b < 0 || a >= known || b >= known) {
      throw ArgumentError("merges", "merge " + std::to_string(i) + " refers to a token that does not exist yet");
    }
    rank_.emplace(key(a, b), Merge{std::int32_t(i), std::int32_t(kByteTokens + i)});
    bytes_.push_back(bytes_[std::size_t(a)] + bytes_[std::size_t(b)]);
  }
}

BpeTokenizer BpeTokenizer::train(const std::vector<std::string>& texts, std::size_t vocab_size) {
  std::map<std::string, std::int64_t> counts;
  for (const std::string& text : texts) {
    for (const auto& [start, end] : pretokenize(text)) ++counts[text.substr(start, end - start)];
  }
  // A pair must occur at least twice to be worth a token.
  return train(std::vector<std::pair<std::string, std::int64_t>>(counts.begin(), counts.end()), vocab_size, 2);
}

BpeTokenizer BpeTokenizer::train(const std::vector<std::pair<std::string, std::int64_t>>& pieces,
                                 std::size_t vocab_size, std::int64_t min_weight) {
  // Each distinct piece as token ids, with its weight; pieces of weight 0 take no part.
  std::vector<std::vector<std::int32_t>> words;
  std::vector<std::int64_t> weights;
  for (const auto& [piece, weight] : pieces) {
    if (weight <= 0) continue;
    words.emplace_back(piece.begin(), piece.end());
    for (auto& id : words.back()) id = std::int32_t(static_cast<unsigned char>(id));
    weights.push_back(weight);
  }
  // Every pair's total weight, kept up to date as merges rewrite the words that hold it (instead of a recount
  // per merge), and the pairs ordered by (weight descending, pair ascending): the first is the next merge.
  std::unordered_map<std::uint64_t, std::int64_t> pair_weight;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> holders;  // pair -> words that held it (may repeat)
  std::set<std::pair<std::int64_t, std::uint64_t>> order;                 // (-weight, pair)
  const auto add = [&](std::uint32_t w, std::int64_t sign) {
    const auto& ids = words[w];
    for (std::size_t i = 0; i + 1 < ids.size(); ++i) {
      const std::uint64_t pair = key(ids[i], ids[i + 1]);
      std::int64_t& total = pair_weight[pair];
      if (total > 0) order.erase({-total, pair});
      total += sign * weights[w];
      if (total > 0) order.insert({-total, pair});
      if (sign > 0) holders[pair].push_back(w);
    }
  };
  for (std::uint32_t w = 0; w < words.size(); ++w) add(w, +1);

  std::vector<Pair> merges;
  while (kByteTokens + merges.size() < vocab_size && !order.empty() && -order.begin()->first >= min_weight) {
    const std::uint64_t best = order.begin()->second;
    const Pair pair{std::int32_t(best >> 32), std::int32_t(best & 0xffffffffu)};
    const auto merged = std::int32_t(kByteTokens + merges.size());
    std::vector<std::uint32_t> affected = std::move(holders[best]);
    holders.erase(best);
    std::sort(affected.begin(), affected.end());
    affected.erase(std::unique(affected.begin(), affected.end()), affected.end());
    for (const std::uint32_t w : affected) {
      add(w, -1);
      merge_pair(words[w], pair.first, pair.second, merged);
      add(w, +1);
    }
    merges.push_back(pair);
  }
  return BpeTokenizer(std::move(merges));
}

void BpeTokenizer::encode_piece(std::string_view text, std::size_t offset, std::vector<Token>& out) const {
  std::vector<Symbol> symbols;
  for (const char byte : text) symbols.push_back({std::int32_t(static_cast<unsigned char>(byte)), 1});
  merge_symbols(symbols, rank_);
  std::size_t position = offset;
  for (const Symbol& s : symbols) {
    out.push_back({s.id, position, position + s.length});
    position += s.length;
  }
}

std::vector<Token> BpeTokenizer::encode(std::string_view text) const { return encode(text, pretokenize(text)); }

std::vector<Token> BpeTokenizer::encode(std::string_view text,
                                        const std::vector<std::pair<std::size_t, std::size_t>>& pieces) const {
  std::vector<Token> tokens;
  for (const auto& [start, end] : pieces) encode_piece(text.substr(start, end - start), start, tokens);
  return tokens;
}

std::string BpeTokenizer::decode(const std::vector<std::int32_t>& ids) const {
  std::string text;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || std::size_t(ids[i]) >= bytes_.size()) {
      throw ArgumentError("ids", "element " + std::to_string(i) + " is " + std::to_string(ids[i]) +
                                     ", outside the vocabulary of " + std::to_string(bytes_.size()) + " tokens");
    }
    text += bytes_[std::size_t(ids[i])];
  }
  return text;
}

}  // namespace attn
