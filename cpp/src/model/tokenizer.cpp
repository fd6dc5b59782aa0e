// Byte-level BPE: training by repeated heaviest-pair merges over the corpus's distinct pieces, and encoding by
// applying the learned merges in order of rank within each piece.
#include "attn/tokenizer.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "attn/attention.hpp"

namespace attn {
namespace {

enum class ByteClass { kSpace, kWord, kPunctuation };

ByteClass classify(unsigned char b) {
  if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v') return ByteClass::kSpace;
  if (b >= 0x80 || (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z')) return ByteClass::kWord;
  return ByteClass::kPunctuation;
}

std::uint64_t key(std::int32_t a, std::int32_t b) { return (std::uint64_t(std::uint32_t(a)) << 32) | std::uint32_t(b); }

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
    rank_.emplace(key(a, b), std::int32_t(i));
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
  // tokens[i] covers bytes [starts[i], starts[i + 1]) of the piece.
  std::vector<std::int32_t> ids(text.begin(), text.end());
  for (auto& id : ids) id = std::int32_t(static_cast<unsigned char>(id));
  while (ids.size() > 1) {
    std::int32_t best_rank = -1;
    for (std::size_t i = 0; i + 1 < ids.size(); ++i) {
      const auto found = rank_.find(key(ids[i], ids[i + 1]));
      if (found != rank_.end() && (best_rank < 0 || found->second < best_rank)) best_rank = found->second;
    }
    if (best_rank < 0) break;
    const Pair pair = merges_[std::size_t(best_rank)];
    merge_pair(ids, pair.first, pair.second, kByteTokens + best_rank);
  }
  std::size_t position = offset;
  for (const std::int32_t id : ids) {
    const std::size_t length = bytes_[std::size_t(id)].size();
    out.push_back({id, position, position + length});
    position += length;
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
