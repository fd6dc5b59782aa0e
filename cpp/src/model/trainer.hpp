// Training of the built-in models (native only: it uses threads): masked-LM or next-token batches, AdamW with
// linear warm-up and cosine decay, reproducible from a seed.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "attn/model.hpp"

namespace attn {

struct TrainingOptions {
  std::size_t steps = 1000, warmup = 100;
  float peakLearningRate = 1e-3f, finalLearningRate = 1e-4f, weightDecay = 0.01f;
  float beta1 = 0.9f, beta2 = 0.98f, epsilon = 1e-6f;
  float maskFraction = 0.15f;  // masked-LM only
  unsigned threads = 2;
  std::uint64_t seed = 1;
};

// Inputs and targets (-1: no prediction at that position) for one sequence of tokens (without specials).
// Bidirectional: [BOS] tokens with ~15% of positions masked (80% [MASK], 10% random, 10% unchanged).
// Causal: [BOS] tokens predicting tokens [EOS].
struct Example {
  std::vector<std::int32_t> ids, targets;
};
Example make_example(const std::vector<std::int32_t>& tokens, bool causal, const SpecialTokens& special,
                     std::size_t vocab_size, float mask_fraction, std::mt19937_64& random);

// Small normal weights (std 0.02; residual outputs scaled by 1/sqrt(2·layers)), zero biases, unit gains.
void initialize(Transformer& model, std::uint64_t seed);

class Trainer {
 public:
  Trainer(Transformer& model, TrainingOptions options);
  // One optimizer step on a batch; returns the mean loss per predicted token.
  float step(const std::vector<Example>& batch);
  float learning_rate() const;  // for the step about to be taken
  std::size_t steps_taken() const { return step_; }

 private:
  Transformer& model_;
  TrainingOptions options_;
  std::vector<float> first_moment_, second_moment_, decay_;  // decay_: 1 where weight decay applies
  std::vector<std::vector<float>> gradients_;                // one per thread
  std::size_t step_ = 0;
};

}  // namespace attn
