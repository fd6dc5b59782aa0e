// Evaluates the built-in models on the held-out WordNet sentences: top-1 accuracy against a unigram baseline
// (masked-LM for the bidirectional model, next token for the causal one), and per layer and head the mean
// attention mass on the previous token, the next token, itself, the first token ([BOS]) and other occurrences
// of the same token, with the mean entropy. Prints Markdown.
//   eval_model [--wordnet DIR] [--models DIR]
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

using namespace attn;

namespace {

void evaluate(const std::string& path, const corpus::Split& split) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path + " (run npm run train-model)");
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const LoadedModel m = load_model(bytes.data(), bytes.size());
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
  std::string wordnet = "/usr/share/wordnet", models = "web/models";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--wordnet") wordnet = argv[i + 1];
    if (std::string(argv[i]) == "--models") models = argv[i + 1];
  }
  try {
    const auto split = corpus::split(corpus::read_wordnet(wordnet), 50, 7);
    std::printf("Held-out set: %zu WordNet sentences (every 50th after a seeded shuffle), never trained on.\n",
                split.held_out.size());
    for (const char* name : {"builtin-bidirectional", "builtin-causal"}) evaluate(models + "/" + name + ".attn", split);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "eval_model: %s\n", e.what());
    return 1;
  }
}
