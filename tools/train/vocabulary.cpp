#include "vocabulary.hpp"

#include <algorithm>
#include <cstdint>
#include <map>

namespace attn::vocabulary {
namespace {

bool letter(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!letter(text[i]) && !digit(text[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    bool digits = false;
    while (i < text.size()) {
      if (letter(text[i]) || digit(text[i])) {
        digits |= digit(text[i]);
        ++i;
      } else if (text[i] == '\'' && i + 1 < text.size() && letter(text[i + 1])) {
        ++i;  // inside a word: the run started before it
      } else {
        break;
      }
    }
    if (!digits) out.emplace_back(text.substr(start, i - start));
  }
  return out;
}

std::vector<std::pair<std::string, std::size_t>> frequent_words(const std::vector<std::string>& sentences,
                                                                std::size_t count) {
  std::map<std::string, std::size_t> counts;
  for (const std::string& sentence : sentences) {
    for (std::string& word : words(sentence)) ++counts[std::move(word)];
  }
  std::vector<std::pair<std::string, std::size_t>> ranked(counts.begin(), counts.end());
  // The map is in byte order already; a stable sort by count keeps it for ties.
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (ranked.size() > count) ranked.resize(count);
  return ranked;
}

BpeTokenizer learn(const std::vector<std::string>& sentences, std::size_t whole) {
  std::map<std::string, std::int64_t> counts;
  for (const std::string& sentence : sentences) {
    for (const auto& [start, end] : pretokenize(sentence)) ++counts[sentence.substr(start, end - start)];
    const std::string mid_sentence = " " + sentence;
    const auto first = pretokenize(mid_sentence).front();
    if (first.first == 0 && first.second > 1) ++counts[mid_sentence.substr(0, first.second)];
  }
  std::vector<std::pair<std::string, std::int64_t>> ranked(counts.begin(), counts.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  // The `whole` most frequent weigh 1 each; the rest take no part (BPE then runs until every chosen one is whole).
  for (std::size_t i = 0; i < ranked.size(); ++i) ranked[i].second = i < whole ? 1 : 0;
  return BpeTokenizer::train(ranked, SIZE_MAX, 1);
}

}  // namespace attn::vocabulary
