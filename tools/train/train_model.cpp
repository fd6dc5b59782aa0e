// Trains the built-in models from WordNet and the King James Bible: the tokenizer, then a bidirectional (masked-LM)
// and a causal (next-token) transformer, and writes them as model files, with the held-out sentences' most
// frequent words (the vocabulary's target, tests/js/vocabulary.test.mjs) beside the test fixtures. Deterministic
// for a given seed and thread count.
//   train_model [--wordnet DIR] [--bible FILE] [--out DIR] [--fixtures DIR] [--steps N] [--batch N] [--words N]
//               [--dmodel N] [--heads N] [--layers N] [--dff N] [--threads N]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>

#include "attn/model_file.hpp"
#include "corpus.hpp"
#include "model/trainer.hpp"
#include "vocabulary.hpp"

using namespace attn;

namespace {

struct Arguments {
  std::string wordnet = "/usr/share/wordnet", bible = ".deps/corpus/kjv.txt", out = "web/models", fixtures = "tests/fixtures";
  // The shipped models' settings.
  std::size_t steps = 7000, batch = 32, words = 6500;
  std::size_t dModel = 64, heads = 4, layers = 3, dFF = 256;
  unsigned threads = 2;
};

Arguments parse(int argc, char** argv) {
  Arguments a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--wordnet") a.wordnet = value;
    else if (flag == "--bible") a.bible = value;
    else if (flag == "--out") a.out = value;
    else if (flag == "--fixtures") a.fixtures = value;
    else if (flag == "--steps") a.steps = std::stoul(value);
    else if (flag == "--batch") a.batch = std::stoul(value);
    else if (flag == "--words") a.words = std::stoul(value);
    else if (flag == "--dmodel") a.dModel = std::stoul(value);
    else if (flag == "--heads") a.heads = std::stoul(value);
    else if (flag == "--layers") a.layers = std::stoul(value);
    else if (flag == "--dff") a.dFF = std::stoul(value);
    else if (flag == "--threads") a.threads = unsigned(std::stoul(value));
    else throw std::runtime_error("unknown flag " + flag);
  }
  return a;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void train_variant(const std::string& name, bool causal, const std::vector<std::vector<std::int32_t>>& data,
                   const BpeTokenizer& tokenizer, const Arguments& args) {
  ModelConfig config;
  config.name = name;
  config.vocabSize = tokenizer.vocab_size() + 3;
  config.dModel = args.dModel, config.heads = args.heads, config.layers = args.layers, config.dFF = args.dFF;
  config.maxLength = 128;
  config.causal = causal;
  const auto first_special = std::int32_t(tokenizer.vocab_size());
  const SpecialTokens special{first_special, first_special + 1, first_special + 2};

  Transformer model(config);
  initialize(model, 20261125);
  TrainingOptions options;
  options.steps = args.steps;
  options.warmup = std::max<std::size_t>(1, args.steps / 20);
  options.peakLearningRate = 2e-3f;
  options.finalLearningRate = 1e-4f;
  options.threads = args.threads;
  Trainer trainer(model, options);
  std::mt19937_64 random(causal ? 2 : 1);
  std::uniform_int_distribution<std::size_t> pick(0, data.size() - 1);
  const auto start = std::chrono::steady_clock::now();
  std::size_t tokens = 0;
  double recent = 0;
  for (std::size_t step = 1; step <= args.steps; ++step) {
    std::vector<Example> batch;
    for (std::size_t b = 0; b < args.batch; ++b) {
      batch.push_back(make_example(data[pick(random)], causal, special, tokenizer.vocab_size(), options.maskFraction, random));
      tokens += batch.back().ids.size();
    }
    const float lr = trainer.learning_rate();
    recent += trainer.step(batch);
    if (step % 50 == 0 || step == args.steps) {
      const double elapsed = seconds_since(start), eta = elapsed / double(step) * double(args.steps - step);
      std::printf("[%s] step %zu/%zu  loss %.3f  lr %.1e  %.0f tokens/s  ETA %d:%02d\n", name.c_str(), step, args.steps,
                  recent / double(step % 50 ? step % 50 : 50), lr, double(tokens) / elapsed, int(eta) / 60, int(eta) % 60);
      std::fflush(stdout);
      recent = 0;
    }
  }
  const auto bytes = save_model({std::move(model), tokenizer, special}, true);
  const std::string path = args.out + "/" + name + ".attn";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  std::printf("[%s] wrote %s (%zu bytes)\n", name.c_str(), path.c_str(), bytes.size());
}

// The held-out sentences' most frequent words, one "word count" a line under a comment saying what they are.
void write_frequent_words(const corpus::Corpus& c, const std::string& path) {
  std::ofstream file(path);
  file << "# The 2,000 most frequent words of the built-in models' held-out sentences (" << c.all.held_out.size()
       << ": " << c.wordnet.held_out.size() << " of WordNet, " << c.bible.held_out.size()
       << " of the King James Bible; never trained on),\n# as tools/train/vocabulary.cpp counts them, with their "
          "counts. Written by npm run train-model; tests/js/vocabulary.test.mjs reads it.\n";
  for (const auto& [word, count] : vocabulary::frequent_words(c.all.held_out, 2000)) file << word << ' ' << count << '\n';
  if (!file) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Arguments args = parse(argc, argv);
    const auto start = std::chrono::steady_clock::now();
    const auto corpus = corpus::load(args.wordnet, args.bible);
    const auto& split = corpus.all;
    std::printf("corpus: %zu WordNet sentences and %zu verses (%zu for training, %zu held out)\n",
                corpus.wordnet.train.size() + corpus.wordnet.held_out.size(),
                corpus.bible.train.size() + corpus.bible.held_out.size(), split.train.size(), split.held_out.size());
    write_frequent_words(corpus, args.fixtures + "/held-out-words.txt");
    const auto tokenizer = vocabulary::learn(split.train, args.words);
    std::printf("tokenizer: %zu tokens (the %zu most frequent pieces whole) learned in %.1f s\n", tokenizer.vocab_size(),
                args.words, seconds_since(start));
    const auto data = corpus::encode(tokenizer, split.train);
    std::size_t total = 0;
    for (const auto& ids : data) total += ids.size();
    std::printf("training data: %zu tokens, %.1f per sentence\n", total, double(total) / double(data.size()));
    train_variant("builtin-bidirectional", false, data, tokenizer, args);
    train_variant("builtin-causal", true, data, tokenizer, args);
    std::printf("done in %.1f min\n", seconds_since(start) / 60);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "train_model: %s\n", e.what());
    return 1;
  }
}
