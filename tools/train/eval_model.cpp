// Evaluates the built-in models on the held-out sentences (WordNet's and the Bible's): how many of their 2,000
// most frequent words, with a space before them, are one token of the models' vocabulary; top-1 accuracy against a
// unigram baseline
// (masked-LM for the bidirectional model, next token for the causal one), and per layer and head the mean
// attention mass on the previous token, the next token, itself, the first token ([BOS]) and other occurrences
// of the same token, with the mean entropy. Prints Markdown.
//   eval_model [--wordnet DIR] [--bible FILE] [--models DIR]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <random>

#include "attn/model_file.hpp"
#include "corpus.hpp"
#include "model/trainer.hpp"
#include "vocabulary.hpp"

using namespace attn;

namespace {

LoadedModel read_model(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path + " (run npm run train-model)");
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return load_model(bytes.data(), bytes.size());
}

// The share of the held-out sentences' 2,000 most frequent words that are one token with a space before them
// (their mid-sentence form), and the most frequent of those that are not.
void report_vocabulary(const BpeTokenizer& tokenizer, const corpus::Corpus& c) {
  std::printf("\nVocabulary: %zu tokens.\n\n", tokenizer.vocab_size());
  std::printf("| held-out sentences | their 2,000 most frequent words (counts) | one token with a space before | the most frequent that are not |\n");
  std::printf("|---|---|---:|---|\n");
  const std::pair<const char*, const corpus::Split*> sets[] = {{"all (the target)", &c.all}, {"WordNet's alone", &c.wordnet}};
  for (const auto& [name, split] : sets) {
    const auto words = vocabulary::frequent_words(split->held_out, 2000);
    std::size_t whole = 0;
    std::string missed;
    int shown = 0;
    for (const auto& [word, count] : words) {
      if (tokenizer.encode(" " + word).size() == 1) ++whole;
      else if (shown++ < 8) missed += (missed.empty() ? "" : ", ") + word + " (" + std::to_string(tokenizer.encode(" " + word).size()) + ")";
    }
    std::printf("| %s, %zu | %zu to %zu | **%.1f %%** (%zu) | %s |\n", name, split->held_out.size(), words.front().second,
                words.back().second, 100.0 * double(whole) / double(words.size()), whole, missed.c_str());
  }
}

void evaluate(const std::string& path, const corpus::Split& split) {
  const LoadedModel m = read_model(path);
  const ModelConfig& c = m.model.config();
  const auto train = corpus::encode(m.tokenizer, split.train), held_out = corpus::encode(m.tokenizer, split.held_out);

  // Unigram baseline: always predict the training data's most frequent token (of the kind being predicted).
  std::map<std::int32_t, std::size_t> counts;
  for (const auto& ids : train) for (auto id : ids) ++counts[id];
  if (c.causal) counts[m.special.eos] += train.size();
  const std::int32_t most_frequent = std::max_element(counts.begin(), counts.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;

  std::mt19937_64 random(12345);
  std::size_t predictions = 0, correct = 0, baseline = 0;
  const std::size_t L = c.layers, H = c.heads;
  struct Stats { double previous = 0, next = 0, self = 0, first = 0, same = 0, entropy = 0; std::size_t queries = 0, same_queries = 0; };
  std::vector<Stats> stats(L * H);
  for (const auto& tokens : held_out) {
    const Example e = make_example(tokens, c.causal, m.special, m.tokenizer.vocab_size(), 0.15f, random);
    attn::RunOptions with_logits;
    with_logits.logits = true;
    const auto out = m.model.run(e.ids, with_logits);
    const std::size_t n = e.ids.size(), V = c.vocabSize;
    for (std::size_t i = 0; i < n; ++i) {
      if (e.targets[i] < 0) continue;
      const float* row = out.logits.data() + i * V;
      correct += std::max_element(row, row + V) - row == e.targets[i];
      baseline += e.targets[i] == most_frequent;
      ++predictions;
    }
    // Attention patterns on the unmasked sentence.
    std::vector<std::int32_t> ids{m.special.bos};
    ids.insert(ids.end(), tokens.begin(), tokens.end());
    const auto plain = m.model.run(ids);
    const std::size_t k = ids.size();
    for (std::size_t lh = 0; lh < L * H; ++lh) {
      Stats& s = stats[lh];
      for (std::size_t i = 1; i < k; ++i) {  // every real token as a query
        const float* w = plain.attentions.data() + (lh * k + i) * k;
        s.previous += w[i - 1];
        s.next += i + 1 < k ? w[i + 1] : 0.0;
        s.self += w[i];
        s.first += w[0];
        double entropy = 0, same = 0;
        bool repeated = false;
        for (std::size_t j = 0; j < k; ++j) {
          if (w[j] > 0) entropy -= w[j] * std::log(double(w[j]));
          if (j != i && ids[j] == ids[i]) same += w[j], repeated = true;
        }
        s.entropy += entropy;
        ++s.queries;
        if (repeated) s.same += same, ++s.same_queries;
      }
    }
  }
  std::printf("\n### %s (%s, %zu layers x %zu heads, dModel %zu, vocabulary %zu)\n\n", c.name.c_str(),
              c.causal ? "causal, next-token" : "bidirectional, masked-LM", L, H, c.dModel, c.vocabSize);
  std::printf("Held-out top-1 accuracy: **%.1f %%** over %zu predictions; unigram baseline (always the most frequent "
              "token): %.1f %%.\n\n", 100.0 * double(correct) / double(predictions), predictions,
              100.0 * double(baseline) / double(predictions));
  std::printf("| layer.head | previous | next | self | first ([BOS]) | same token | entropy (nats) |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  for (std::size_t lh = 0; lh < L * H; ++lh) {
    const Stats& s = stats[lh];
    const double q = double(s.queries);
    std::printf("| %zu.%zu | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", lh / H, lh % H, s.previous / q, s.next / q,
                s.self / q, s.first / q, s.same_queries ? s.same / double(s.same_queries) : 0.0, s.entropy / q);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string wordnet = "/usr/share/wordnet", bible = ".deps/corpus/kjv.txt", models = "web/models";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--wordnet") wordnet = argv[i + 1];
    if (std::string(argv[i]) == "--bible") bible = argv[i + 1];
    if (std::string(argv[i]) == "--models") models = argv[i + 1];
  }
  try {
    const auto corpus = corpus::load(wordnet, bible);
    std::printf("Held-out set: %zu sentences, never trained on: %zu of WordNet and %zu verses of the Bible (every 50th "
                "of each after a seeded shuffle).\n", corpus.all.held_out.size(), corpus.wordnet.held_out.size(),
                corpus.bible.held_out.size());
    report_vocabulary(read_model(models + "/builtin-bidirectional.attn").tokenizer, corpus);
    for (const char* name : {"builtin-bidirectional", "builtin-causal"}) evaluate(models + "/" + name + ".attn", corpus.all);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "eval_model: %s\n", e.what());
    return 1;
  }
}
