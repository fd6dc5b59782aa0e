// Trains the built-in models from WordNet: the tokenizer, then a bidirectional (masked-LM) and a causal
// (next-token) transformer, and writes them as model files. Deterministic for a given seed and thread count.
//   train_model [--wordnet DIR] [--out DIR] [--steps N] [--batch N] [--vocab N] [--threads N]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>

#include "attn/model_file.hpp"
#include "corpus.hpp"
#include "model/trainer.hpp"

using namespace attn;

namespace {

struct Arguments {
  std::string wordnet = "/usr/share/wordnet", out = "web/models";
  std::size_t steps = 10000, batch = 32, vocab = 4096;  // the shipped models' settings
  unsigned threads = 2;
};

Arguments parse(int argc, char** argv) {
  Arguments a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--wordnet") a.wordnet = value;
    else if (flag == "--out") a.out = value;
    else if (flag == "--steps") a.steps = std::stoul(value);
    else if (flag == "--batch") a.batch = std::stoul(value);
    else if (flag == "--vocab") a.vocab = std::stoul(value);
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
  config.dModel = 128, config.heads = 4, config.layers = 3, config.dFF = 512, config.maxLength = 128;
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

}  // namespace

int main(int argc, char** argv) {
  try {
    const Arguments args = parse(argc, argv);
    const auto start = std::chrono::steady_clock::now();
    const auto sentences = corpus::read_wordnet(args.wordnet);
    const auto split = corpus::split(sentences, 50, 7);
    std::printf("corpus: %zu sentences (%zu for training, %zu held out)\n", sentences.size(), split.train.size(), split.held_out.size());
    const auto tokenizer = BpeTokenizer::train(split.train, args.vocab - 3);
    std::printf("tokenizer: %zu tokens learned in %.1f s\n", tokenizer.vocab_size(), seconds_since(start));
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
