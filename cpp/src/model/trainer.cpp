#include "trainer.hpp"

#include "forward.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace attn {

Example make_example(const std::vector<std::int32_t>& tokens, bool causal, const SpecialTokens& special,
                     std::size_t vocab_size, float mask_fraction, std::mt19937_64& random) {
  Example e;
  e.ids.push_back(special.bos);
  e.ids.insert(e.ids.end(), tokens.begin(), tokens.end());
  if (causal) {
    e.targets.assign(e.ids.begin() + 1, e.ids.end());
    e.targets.push_back(special.eos);
    return e;
  }
  e.targets.assign(e.ids.size(), -1);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::uniform_int_distribution<std::int32_t> any_token(0, std::int32_t(vocab_size) - 1);
  bool masked_any = false;
  for (std::size_t i = 1; i < e.ids.size(); ++i) {
    if (uniform(random) >= mask_fraction) continue;
    e.targets[i] = e.ids[i];
    const float how = uniform(random);
    if (how < 0.8f) e.ids[i] = special.mask;
    else if (how < 0.9f) e.ids[i] = any_token(random);
    masked_any = true;
  }
  if (!masked_any && e.ids.size() > 1) {  // every example teaches something
    const std::size_t i = 1 + random() % (e.ids.size() - 1);
    e.targets[i] = e.ids[i];
    e.ids[i] = special.mask;
  }
  return e;
}

void initialize(Transformer& model, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  auto& p = model.parameters();
  const float residual_scale = 1.0f / std::sqrt(2.0f * float(model.config().layers));
  for (const TensorInfo& t : model.tensors()) {
    const bool gain = t.name.find(".gain") != std::string::npos;
    const bool matrix = t.shape.size() == 2;
    const bool residual_output = t.name.find("attention.wo") != std::string::npos || t.name.find("mlp.w2") != std::string::npos;
    for (std::size_t i = 0; i < t.size; ++i) {
      p[t.offset + i] = gain ? 1.0f : matrix ? normal(random) * (residual_output ? residual_scale : 1.0f) : 0.0f;
    }
  }
}

Trainer::Trainer(Transformer& model, TrainingOptions options)
    : model_(model), options_(options), first_moment_(model.parameters().size()),
      second_moment_(model.parameters().size()), decay_(model.parameters().size(), 0.0f),
      gradients_(std::max(1u, options.threads), std::vector<float>(model.parameters().size())) {
  // Weight decay on the layers' matrices only: not on embeddings, gains or biases.
  for (const TensorInfo& t : model.tensors()) {
    if (t.shape.size() == 2 && t.name.rfind("layers.", 0) == 0) std::fill_n(decay_.begin() + std::ptrdiff_t(t.offset), t.size, 1.0f);
  }
}

float Trainer::learning_rate() const {
  const TrainingOptions& o = options_;
  if (step_ < o.warmup) return o.peakLearningRate * float(step_ + 1) / float(o.warmup);
  const double progress = std::min(1.0, double(step_ - o.warmup) / double(std::max<std::size_t>(1, o.steps - o.warmup)));
  return o.finalLearningRate + (o.peakLearningRate - o.finalLearningRate) * float(0.5 * (1 + std::cos(M_PI * progress)));
}

float Trainer::step(const std::vector<Example>& batch) {
  std::size_t predictions = 0;
  for (const Example& e : batch) predictions += std::size_t(std::count_if(e.targets.begin(), e.targets.end(), [](auto t) { return t >= 0; }));
  if (predictions == 0) return 0.0f;
  const float weight = 1.0f / float(predictions);

  // Each thread takes every k-th example into its own gradient buffer.
  const unsigned threads = unsigned(gradients_.size());
  std::vector<double> losses(threads, 0.0);
  const Network packed = model_.network();  // the step's weights, packed once for every example
  auto work = [&](unsigned thread) {
    std::fill(gradients_[thread].begin(), gradients_[thread].end(), 0.0f);
    for (std::size_t i = thread; i < batch.size(); i += threads) {
      losses[thread] += model_.loss(batch[i].ids, batch[i].targets, weight, gradients_[thread].data(), &packed);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& thread : pool) thread.join();

  // AdamW.
  const float lr = learning_rate();
  ++step_;
  const TrainingOptions& o = options_;
  const float correction1 = 1.0f - std::pow(o.beta1, float(step_)), correction2 = 1.0f - std::pow(o.beta2, float(step_));
  auto& p = model_.parameters();
  for (std::size_t i = 0; i < p.size(); ++i) {
    float g = gradients_[0][i];
    for (unsigned t = 1; t < threads; ++t) g += gradients_[t][i];
    first_moment_[i] = o.beta1 * first_moment_[i] + (1 - o.beta1) * g;
    second_moment_[i] = o.beta2 * second_moment_[i] + (1 - o.beta2) * g * g;
    const float update = (first_moment_[i] / correction1) / (std::sqrt(second_moment_[i] / correction2) + o.epsilon);
    p[i] -= lr * (update + o.weightDecay * decay_[i] * p[i]);
  }
  double total = 0;
  for (double l : losses) total += l;
  return float(total);
}

}  // namespace attn
