#include "corpus.hpp"

#include <algorithm>
#include <fstream>
#include <random>
#include <stdexcept>

namespace attn::corpus {
namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\"");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\"");
  return text.substr(first, last - first + 1);
}

}  // namespace

std::vector<std::string> read_wordnet(const std::string& folder) {
  std::vector<std::string> sentences;
  for (const char* part : {"noun", "verb", "adj", "adv"}) {
    const std::string path = folder + "/data." + part;
    std::ifstream file(path);
    if (!file) throw std::runtime_error("cannot read " + path + " (install Debian's wordnet-base)");
    std::string line;
    while (std::getline(file, line)) {
      if (line.rfind("  ", 0) == 0) continue;  // the licence header
      const auto bar = line.find(" | ");
      if (bar == std::string::npos) continue;
      // "definition; more definition; \"example one\"; \"example two\""
      std::string gloss = line.substr(bar + 3), definition;
      std::size_t start = 0;
      while (start <= gloss.size()) {
        std::size_t end = gloss.find("; ", start);
        if (end == std::string::npos) end = gloss.size();
        const std::string piece = gloss.substr(start, end - start);
        const std::string text = trimmed(piece);
        const auto first = piece.find_first_not_of(' ');
        const bool example = first != std::string::npos && piece[first] == '"';
        if (!text.empty()) {
          if (example) sentences.push_back(text);
          else definition += (definition.empty() ? "" : "; ") + text;
        }
        start = end + 2;
      }
      if (!definition.empty()) sentences.push_back(definition);
    }
  }
  return sentences;
}

std::vector<std::string> read_bible(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path + " (run tools/build/setup.sh --corpus)");
  std::vector<std::string> verses;
  std::string line;
  while (std::getline(file, line)) {
    const auto space = line.find(' ');
    if (space == std::string::npos) continue;
    const std::string text = trimmed(line.substr(space + 1));
    if (!text.empty()) verses.push_back(text);
  }
  if (verses.empty()) throw std::runtime_error(path + " holds no verse (run tools/build/setup.sh --corpus)");
  return verses;
}

Split split(std::vector<std::string> sentences, std::size_t every, unsigned long long seed) {
  std::mt19937_64 random(seed);
  std::shuffle(sentences.begin(), sentences.end(), random);
  Split result;
  for (std::size_t i = 0; i < sentences.size(); ++i) (i % every == 0 ? result.held_out : result.train).push_back(sentences[i]);
  return result;
}

Corpus load(const std::string& wordnet_folder, const std::string& bible_file) {
  Corpus c{split(read_wordnet(wordnet_folder), 50, 7), split(read_bible(bible_file), 50, 7), {}};
  for (const Split* part : {&c.wordnet, &c.bible}) {
    c.all.train.insert(c.all.train.end(), part->train.begin(), part->train.end());
    c.all.held_out.insert(c.all.held_out.end(), part->held_out.begin(), part->held_out.end());
  }
  return c;
}

std::vector<std::vector<std::int32_t>> encode(const BpeTokenizer& tokenizer, const std::vector<std::string>& sentences) {
  std::vector<std::vector<std::int32_t>> out;
  for (const std::string& sentence : sentences) {
    std::vector<std::int32_t> ids;
    for (const Token& t : tokenizer.encode(sentence)) ids.push_back(t.id);
    if (ids.size() > 126) ids.resize(126);
    out.push_back(std::move(ids));
  }
  return out;
}

}  // namespace attn::corpus
