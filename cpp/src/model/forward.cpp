// The forward pass: embeddings, then per layer an attention block and an MLP block, each with its norm and
// residual in the order the architecture says, then the final norm.
#include "forward.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "build_arch.hpp"
#include "kernels.hpp"
#include "layers.hpp"

namespace attn {
namespace {

// y (n, d) = norm(x) per row, mean and rstd (n) kept. In place (y == x) works: each row is read before it is written.
void norm_forward(const Hyperparameters& h, const Norm& w, const float* x, std::size_t n, float* y, float* mean,
                  float* rstd) {
  layers::layer_norm(x, n, h.d, w.gain.data(), w.bias.data(), h.eps, y, mean, rstd);
}

// out (count) = a + b: a residual connection.
void residual_forward(const float* a, const float* b, std::size_t count, float* out) {
  for (std::size_t i = 0; i < count; ++i) out[i] = a[i] + b[i];
}

void activation_forward(Activation activation, const float* in, std::size_t count, float* out) {
  if (activation == Activation::kGeluTanh) return kernels::gelu<BuildArch>(in, out, count);
  for (std::size_t i = 0; i < count; ++i) out[i] = 0.5f * in[i] * (1.0f + std::erf(in[i] * 0.70710678f));
}

// embeddings (n, d) = token + position (+ token type 0), normed when the architecture norms them.
void embedding_forward(const Network& net, const std::vector<std::int32_t>& ids, std::vector<float>& x) {
  const Weights& w = net.weights;
  const std::size_t n = ids.size(), d = net.hyper.d;
  x.resize(n * d);
  for (std::size_t i = 0; i < n; ++i) {
    const float* token = w.token_embedding.data() + std::size_t(ids[i]) * d;
    const float* position = w.position_embedding.data() + i * d;
    float* row = x.data() + i * d;
    for (std::size_t c = 0; c < d; ++c) row[c] = token[c] + position[c];
    if (!w.token_type.empty()) for (std::size_t c = 0; c < d; ++c) row[c] += w.token_type[c];
  }
  if (net.arch->embedding_norm) {
    std::vector<float> mean(n), rstd(n);
    norm_forward(net.hyper, w.embedding_norm, x.data(), n, x.data(), mean.data(), rstd.data());
  }
}

// q, k, v (n, d) from `in`, every head's weights and output, and attention_out = heads · W_O + b_O.
void attention_forward(const Hyperparameters& h, const LayerWeights& w, const float* in, std::size_t n,
                       const AttentionOptions& options, LayerActivations& a, kernels::Scratch& scratch) {
  const std::size_t d = h.d, dk = d / h.heads;
  a.q.resize(n * d), a.k.resize(n * d), a.v.resize(n * d), a.heads.resize(n * d), a.attention_out.resize(n * d);
  a.weights.resize(h.heads * n * n);
  linear_forward(in, n, w.q, a.q.data());
  linear_forward(in, n, w.k, a.k.data());
  linear_forward(in, n, w.v, a.v.data());
  for (std::size_t head = 0; head < h.heads; ++head) {
    const std::size_t col = head * dk;
    kernels::attend<BuildArch>(a.q.data() + col, d, a.k.data() + col, d, a.v.data() + col, d, n, n, dk, dk, options,
                               a.weights.data() + head * n * n, a.heads.data() + col, d, scratch);
  }
  linear_forward(a.heads.data(), n, w.o, a.attention_out.data());
}

// mlp_out (n, d) = activation(in · W_up + b_up) · W_down + b_down.
void mlp_forward(const Hyperparameters& h, const LayerWeights& w, const float* in, std::size_t n, LayerActivations& a) {
  a.pre_activation.resize(n * h.dff), a.post_activation.resize(n * h.dff), a.mlp_out.resize(n * h.d);
  linear_forward(in, n, w.up, a.pre_activation.data());
  activation_forward(h.activation, a.pre_activation.data(), n * h.dff, a.post_activation.data());
  linear_forward(a.post_activation.data(), n, w.down, a.mlp_out.data());
}

// One layer: a.input (n, d) -> a.output (n, d).
void layer_forward(const Network& net, const LayerWeights& w, std::size_t n, const AttentionOptions& options,
                   LayerActivations& a, kernels::Scratch& scratch) {
  const Hyperparameters& h = net.hyper;
  const std::size_t nd = n * h.d;
  a.middle.resize(nd), a.output.resize(nd), a.mean1.resize(n), a.rstd1.resize(n), a.mean2.resize(n), a.rstd2.resize(n);
  if (net.arch->norms == NormPlacement::kPre) {
    a.attention_in.resize(nd), a.mlp_in.resize(nd);
    norm_forward(h, w.attention_norm, a.input.data(), n, a.attention_in.data(), a.mean1.data(), a.rstd1.data());
    attention_forward(h, w, a.attention_in.data(), n, options, a, scratch);
    residual_forward(a.input.data(), a.attention_out.data(), nd, a.middle.data());
    norm_forward(h, w.mlp_norm, a.middle.data(), n, a.mlp_in.data(), a.mean2.data(), a.rstd2.data());
    mlp_forward(h, w, a.mlp_in.data(), n, a);
    residual_forward(a.middle.data(), a.mlp_out.data(), nd, a.output.data());
  } else {
    attention_forward(h, w, a.input.data(), n, options, a, scratch);
    residual_forward(a.input.data(), a.attention_out.data(), nd, a.middle.data());
    norm_forward(h, w.attention_norm, a.middle.data(), n, a.middle.data(), a.mean1.data(), a.rstd1.data());
    mlp_forward(h, w, a.middle.data(), n, a);
    residual_forward(a.middle.data(), a.mlp_out.data(), nd, a.output.data());
    norm_forward(h, w.mlp_norm, a.output.data(), n, a.output.data(), a.mean2.data(), a.rstd2.data());
  }
}

// Head `head` of layer `l` followed through W_O, from that layer's buffers.
HeadTrace trace_of(const Network& net, std::size_t l, std::size_t head, std::size_t n, const LayerActivations& a) {
  const std::size_t d = net.hyper.d, dk = d / net.hyper.heads, col = head * dk;
  HeadTrace t;
  t.head_output.resize(n * dk);
  std::vector<float> only(n * d, 0.0f);  // the concatenation with every other head's columns zero
  for (std::size_t i = 0; i < n; ++i) {
    std::copy_n(a.heads.data() + i * d + col, dk, t.head_output.data() + i * dk);
    std::copy_n(a.heads.data() + i * d + col, dk, only.data() + i * d + col);
  }
  Linear without_bias;  // W_O's matrix alone: a head's share has no bias
  const Linear& o = net.weights.layers[l].o;
  without_bias.w = o.w, without_bias.in = o.in, without_bias.out = o.out;
  t.contribution.resize(n * d);
  linear_forward(only.data(), n, without_bias, t.contribution.data());
  t.attention_output = a.attention_out, t.residual_before = a.input, t.residual_after = a.middle;
  return t;
}

}  // namespace

void linear_forward(const float* x, std::size_t n, const Linear& l, float* y) {
  kernels::matmul<BuildArch>(x, l.in, l.w, l.b.empty() ? nullptr : l.b.data(), n, l.in, l.out, y, l.out);
}

void check_ids(const Hyperparameters& h, const std::vector<std::int32_t>& ids) {
  if (ids.empty() || ids.size() > h.max_length) {
    throw ArgumentError("ids", "expected between 1 and maxLength = " + std::to_string(h.max_length) + " tokens, got " +
                                   std::to_string(ids.size()));
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || std::size_t(ids[i]) >= h.vocab) {
      throw ArgumentError("ids", "element " + std::to_string(i) + " is " + std::to_string(ids[i]) +
                                     ", outside the vocabulary of " + std::to_string(h.vocab) + " tokens");
    }
  }
}

void forward(const Network& net, const std::vector<std::int32_t>& ids, const AttentionOptions& options, Activations& a,
             const std::function<void(std::size_t, const LayerActivations&)>& observe) {
  check_ids(net.hyper, ids);
  const std::size_t n = ids.size(), layers = net.weights.layers.size();
  if (a.layers.empty()) a.layers.resize(1);
  embedding_forward(net, ids, a.embeddings);
  kernels::Scratch scratch;
  const std::vector<float>* stream = &a.embeddings;  // the output of the layer before
  for (std::size_t l = 0; l < layers; ++l) {
    LayerActivations& layer = a.layers[a.layers.size() == 1 ? 0 : l];
    layer.input = *stream;
    layer_forward(net, net.weights.layers[l], n, options, layer, scratch);
    if (observe) observe(l, layer);
    stream = &layer.output;
  }
  if (net.arch->final_norm) {
    a.normed.resize(n * net.hyper.d), a.mean.resize(n), a.rstd.resize(n);
    norm_forward(net.hyper, net.weights.final_norm, stream->data(), n, a.normed.data(), a.mean.data(), a.rstd.data());
  }
}

ModelOutput run(const Network& net, const std::vector<std::int32_t>& ids, const RunOptions& run) {
  if (!(std::isfinite(run.temperature) && run.temperature > 0)) {
    throw ArgumentError("temperature", "expected a finite number above 0, got " + format_number(run.temperature));
  }
  if (run.logits && net.weights.output.out == 0) {
    throw ArgumentError("logits", net.hyper.name + " has no output layer that this playground reads");
  }
  const Hyperparameters& h = net.hyper;
  if (run.trace && (run.trace->layer >= h.layers || run.trace->head >= h.heads)) {
    throw ArgumentError("trace", "layer " + std::to_string(run.trace->layer) + ", head " + std::to_string(run.trace->head) +
                                     " is not in this model's " + std::to_string(h.layers) + " layers of " + std::to_string(h.heads) + " heads");
  }
  AttentionOptions options;
  options.causal = run.causal.value_or(h.causal);
  options.scale = (run.scaled ? 1.0f / std::sqrt(float(h.d / h.heads)) : 1.0f) / run.temperature;
  const std::size_t n = ids.size(), d = h.d;
  ModelOutput out;
  const auto append = [](std::vector<float>& to, const std::vector<float>& from) { to.insert(to.end(), from.begin(), from.end()); };
  Activations a;
  forward(net, ids, options, a, [&](std::size_t l, const LayerActivations& layer) {
    append(out.attentions, layer.weights);
    if (run.hidden) {
      if (l == 0) append(out.hidden, a.embeddings);
      append(out.hidden, layer.output);
    }
    if (run.projections) append(out.queries, layer.q), append(out.keys, layer.k), append(out.values, layer.v);
    if (run.trace && run.trace->layer == l) out.trace = trace_of(net, l, run.trace->head, n, layer);
  });
  if (run.hidden && net.arch->final_norm_in_hidden) std::copy(a.normed.begin(), a.normed.end(), out.hidden.end() - std::ptrdiff_t(n * d));
  if (run.logits) {
    out.logits.resize(n * net.weights.output.out);
    linear_forward(net.arch->final_norm ? a.normed.data() : a.layers.back().output.data(), n, net.weights.output, out.logits.data());
  }
  return out;
}

}  // namespace attn
