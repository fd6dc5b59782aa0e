// The trainable transformer (the built-in models): its parameters in one flat array, laid out as the built-in
// architecture's tensor table says, its forward pass (forward.hpp's, on its weights packed for it) and the
// backward pass through it, each layer's backward in the order of its forward.
// Shapes: n tokens, d = dModel, f = dFF, V = vocabSize, H heads of dk = d / H columns each.
#include "attn/model.hpp"

#include <cmath>
#include <map>
#include <numeric>

#include "attn/attention.hpp"
#include "forward.hpp"
#include "kernels.hpp"
#include "layers.hpp"

namespace attn {
namespace {

constexpr float kLayerNormEps = 1e-5f;

using layers::matmul;

std::vector<float> transposed(const float* in, std::size_t ld, std::size_t rows, std::size_t cols) {
  std::vector<float> out(rows * cols);
  kernels::transpose(in, ld, rows, cols, out.data());
  return out;
}

// The built-in architecture's sizes from a model config.
Hyperparameters hyperparameters_of(const ModelConfig& c) {
  Hyperparameters h;
  h.name = c.name;
  h.vocab = c.vocabSize, h.d = c.dModel, h.layers = c.layers, h.heads = c.heads, h.dff = c.dFF;
  h.positions = h.max_length = c.maxLength;
  h.kv_heads = c.heads, h.head_dim = c.dModel / c.heads;
  h.eps = kLayerNormEps, h.activation = Activation::kGeluTanh, h.causal = c.causal;
  return h;
}

// Where each tensor lives in the flat parameter array: the built-in architecture's slots, in their order.
struct ParameterLayout {
  std::vector<TensorSlot> slots;
  std::vector<TensorInfo> tensors;
  std::map<std::pair<Role, std::size_t>, std::size_t> offsets;  // (role, layer) -> offset
  std::size_t total = 0;
  std::size_t at(Role role, std::size_t layer = 0) const { return offsets.at({role, layer}); }
};

ParameterLayout layout_of(const ModelConfig& c) {
  ParameterLayout layout;
  layout.slots = tensor_slots(builtin_architecture(), hyperparameters_of(c));
  for (const TensorSlot& slot : layout.slots) {
    const std::size_t size = std::accumulate(slot.shape.begin(), slot.shape.end(), std::size_t(1), std::multiplies<>());
    layout.tensors.push_back({slot.name, slot.shape, layout.total, size});
    layout.offsets[{slot.role, slot.layer}] = layout.total;
    layout.total += size;
  }
  return layout;
}

// ---- LayerNorm (forward: layers::layer_norm).

// dx (n, d) += the gradient through layer_norm, given dy; gradients of gain and bias are added to dgain, dbias.
void layer_norm_backward(const float* x, const float* dy, std::size_t n, std::size_t d, const float* gain,
                         const float* mean, const float* rstd, float* dx, float* dgain, float* dbias) {
  for (std::size_t i = 0; i < n; ++i) {
    double mean_dxhat = 0, mean_dxhat_xhat = 0;
    for (std::size_t c = 0; c < d; ++c) {
      const float xhat = (x[i * d + c] - mean[i]) * rstd[i];
      const float dxhat = dy[i * d + c] * gain[c];
      dgain[c] += dy[i * d + c] * xhat;
      dbias[c] += dy[i * d + c];
      mean_dxhat += dxhat;
      mean_dxhat_xhat += dxhat * xhat;
    }
    mean_dxhat /= double(d);
    mean_dxhat_xhat /= double(d);
    for (std::size_t c = 0; c < d; ++c) {
      const float xhat = (x[i * d + c] - mean[i]) * rstd[i];
      dx[i * d + c] += rstd[i] * float(dy[i * d + c] * gain[c] - mean_dxhat - xhat * mean_dxhat_xhat);
    }
  }
}

// ---- GELU, tanh approximation (forward: kernels::gelu).

float gelu_derivative(float h) {
  using kernels::kGeluC;
  const float t = std::tanh(kGeluC * (h + 0.044715f * h * h * h));
  return 0.5f * (1.0f + t) + 0.5f * h * (1.0f - t * t) * kGeluC * (1.0f + 3.0f * 0.044715f * h * h);
}

// ---- Linear: y (n, out) = x (n, in) · w (in, out) + b. Backward: dx (n, in) += dy · wᵀ, dw += xᵀ · dy,
// db += column sums of dy.

void linear_backward(const float* x, const float* w, const float* dy, std::size_t n, std::size_t in,
                     std::size_t out, float* dx, float* dw, float* db) {
  const auto wT = transposed(w, out, in, out);  // (out, in)
  matmul(dy, out, wT.data(), in, nullptr, n, out, in, dx, in, true);
  const auto xT = transposed(x, in, n, in);  // (in, n)
  matmul(xT.data(), n, dy, out, nullptr, in, n, out, dw, out, true);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < out; ++c) db[c] += dy[i * out + c];
  }
}

// The gradient of one head's attention. dout (n, dk) with row stride d; q, k, v likewise; weights (n, n).
// Writes dq, dk, dv (row stride d) for this head's columns.
void attention_backward(const float* q, const float* k, const float* v, const float* weights, const float* dout,
                        std::size_t n, std::size_t d, std::size_t dk, float* dq, float* dkey, float* dv) {
  const float scale = 1.0f / std::sqrt(float(dk));
  // dv = weightsᵀ · dout
  const auto weightsT = transposed(weights, n, n, n);
  matmul(weightsT.data(), n, dout, d, nullptr, n, n, dk, dv, d);
  // dweights = dout · vᵀ; then through the softmax: ds = w ⊙ (dw - Σ_j w dw), times the scale.
  const auto vT = transposed(v, d, n, dk);
  std::vector<float> ds(n * n);
  matmul(dout, d, vT.data(), n, nullptr, n, dk, n, ds.data(), n);
  for (std::size_t i = 0; i < n; ++i) {
    float* row = ds.data() + i * n;
    const float* w = weights + i * n;
    double dot = 0;
    for (std::size_t j = 0; j < n; ++j) dot += double(w[j]) * row[j];
    for (std::size_t j = 0; j < n; ++j) row[j] = w[j] * (row[j] - float(dot)) * scale;
  }
  // dq = ds · k, dk = dsᵀ · q
  matmul(ds.data(), n, k, d, nullptr, n, n, dk, dq, d);
  const auto dsT = transposed(ds.data(), n, n, n);
  matmul(dsT.data(), n, q, d, nullptr, n, n, dk, dkey, d);
}

}  // namespace

Transformer::Transformer(ModelConfig config) : config_(std::move(config)) {
  const ModelConfig& c = config_;
  for (auto [name, value] : {std::pair<const char*, std::size_t>{"vocabSize", c.vocabSize}, {"dModel", c.dModel},
                             {"heads", c.heads}, {"layers", c.layers}, {"dFF", c.dFF}, {"maxLength", c.maxLength}}) {
    if (value == 0 || value > kMaxDimension) {
      throw ArgumentError(name, "expected an integer in [1, " + std::to_string(kMaxDimension) + "], got " +
                                    std::to_string(value));
    }
  }
  if (c.dModel % c.heads != 0) {
    throw ArgumentError("heads", "must divide dModel = " + std::to_string(c.dModel) + ", got " + std::to_string(c.heads));
  }
  ParameterLayout layout = layout_of(c);
  if (layout.total > kMaxElements) {
    throw ArgumentError("config", std::to_string(layout.total) + " parameters exceed the limit of " +
                                      std::to_string(kMaxElements));
  }
  tensors_ = std::move(layout.tensors);
  parameters_.assign(layout.total, 0.0f);
  for (const TensorInfo& t : tensors_) {
    if (t.name.size() > 5 && t.name.compare(t.name.size() - 5, 5, ".gain") == 0) {
      std::fill_n(parameters_.begin() + std::ptrdiff_t(t.offset), t.size, 1.0f);
    }
  }
}

Network Transformer::network() const {
  const ParameterLayout layout = layout_of(config_);
  Network net{&builtin_architecture(), hyperparameters_of(config_), {}, {}};
  for (const TensorSlot& slot : layout.slots) place(slot, parameters_.data() + layout.at(slot.role, slot.layer), net.hyper, net.weights);
  finish_weights(*net.arch, net.hyper, net.weights);
  return net;
}

ModelOutput Transformer::run(const std::vector<std::int32_t>& ids, const RunOptions& options) const {
  return attn::run(network(), ids, options);
}

float Transformer::loss(const std::vector<std::int32_t>& ids, const std::vector<std::int32_t>& targets, float weight,
                        float* gradient, const Network* packed) const {
  const Hyperparameters h = hyperparameters_of(config_);
  check_ids(h, ids);
  if (targets.size() != ids.size()) {
    throw ArgumentError("targets", "expected " + std::to_string(ids.size()) + " entries, got " +
                                       std::to_string(targets.size()));
  }
  const ModelConfig& c = config_;
  const ParameterLayout layout = layout_of(c);
  const float* p = parameters_.data();
  const std::size_t n = ids.size(), d = c.dModel, f = c.dFF, V = c.vocabSize, dk = d / c.heads;
  const Network own = packed ? Network{} : network();
  const Network& net = packed ? *packed : own;
  AttentionOptions options;
  options.causal = c.causal;
  Activations a;
  a.layers.resize(c.layers);  // every layer's buffers, for the backward pass
  forward(net, ids, options, a);

  // Only the positions with a target go through the (large) output layer.
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < n; ++i) {
    if (targets[i] >= 0) {
      if (std::size_t(targets[i]) >= V) throw ArgumentError("targets", "element " + std::to_string(i) + " is outside the vocabulary");
      rows.push_back(i);
    }
  }
  const std::size_t t = rows.size();
  if (t == 0) return 0.0f;
  std::vector<float> selected(t * d);  // (t, d)
  for (std::size_t r = 0; r < t; ++r) std::copy_n(&a.normed[rows[r] * d], d, &selected[r * d]);
  std::vector<float> logits(t * V);  // (t, V): the tied output layer
  linear_forward(selected.data(), t, net.weights.output, logits.data());
  const float* embedding = p + layout.at(Role::kTokenEmbedding);

  // Cross-entropy; dlogits = (softmax - one-hot) · weight, computed in place. Each exponential is taken once, in
  // float (the output layer is most of a step's work with a vocabulary of ten thousand tokens); sums in double.
  double total = 0;
  for (std::size_t r = 0; r < t; ++r) {
    float* row = logits.data() + r * V;
    const float largest = *std::max_element(row, row + V);
    const std::size_t target = std::size_t(targets[rows[r]]);
    const float target_logit = row[target] - largest;
    double sum = 0;
    for (std::size_t v = 0; v < V; ++v) {
      row[v] = std::exp(row[v] - largest);
      sum += row[v];
    }
    total += std::log(sum) - double(target_logit);
    if (gradient) {
      const float scale = float(double(weight) / sum);
      for (std::size_t v = 0; v < V; ++v) row[v] *= scale;
      row[target] -= weight;
    }
  }
  if (!gradient) return float(total * weight);

  float* g = gradient;
  // Output layer: d output_bias, d selected = dlogits · E, d E += dlogitsᵀ · selected.
  for (std::size_t r = 0; r < t; ++r) {
    for (std::size_t v = 0; v < V; ++v) g[layout.at(Role::kOutputBias) + v] += logits[r * V + v];
  }
  std::vector<float> dselected(t * d), dnormed(n * d, 0.0f);
  matmul(logits.data(), V, embedding, d, nullptr, t, V, d, dselected.data(), d);
  const auto logitsT = transposed(logits.data(), V, t, V);
  matmul(logitsT.data(), t, selected.data(), d, nullptr, V, t, d, g + layout.at(Role::kTokenEmbedding), d, true);
  for (std::size_t r = 0; r < t; ++r) std::copy_n(&dselected[r * d], d, &dnormed[rows[r] * d]);

  // Final LayerNorm.
  std::vector<float> dx(n * d, 0.0f);
  const std::size_t final_gain = layout.at(Role::kFinalNormGain), final_bias = layout.at(Role::kFinalNormBias);
  layer_norm_backward(a.layers.back().output.data(), dnormed.data(), n, d, p + final_gain, a.mean.data(), a.rstd.data(),
                      dx.data(), g + final_gain, g + final_bias);

  for (std::size_t l = c.layers; l-- > 0;) {
    const LayerActivations& la = a.layers[l];
    const auto at = [&](Role role) { return layout.at(role, l); };
    const std::size_t ln1_gain = at(Role::kAttentionNormGain), ln1_bias = at(Role::kAttentionNormBias);
    const std::size_t ln2_gain = at(Role::kMlpNormGain), ln2_bias = at(Role::kMlpNormBias);
    const std::size_t w1 = at(Role::kUpWeight), b1 = at(Role::kUpBias), w2 = at(Role::kDownWeight), b2 = at(Role::kDownBias);
    // MLP branch: output = middle + gelu(mlp_in · w1 + b1) · w2 + b2.
    std::vector<float> dpost(n * f, 0.0f), dln2(n * d, 0.0f);
    linear_backward(la.post_activation.data(), p + w2, dx.data(), n, f, d, dpost.data(), g + w2, g + b2);
    for (std::size_t i = 0; i < n * f; ++i) dpost[i] *= gelu_derivative(la.pre_activation[i]);
    linear_backward(la.mlp_in.data(), p + w1, dpost.data(), n, d, f, dln2.data(), g + w1, g + b1);
    std::vector<float> dmiddle = dx;  // the residual passes the gradient straight through
    layer_norm_backward(la.middle.data(), dln2.data(), n, d, p + ln2_gain, la.mean2.data(), la.rstd2.data(),
                        dmiddle.data(), g + ln2_gain, g + ln2_bias);
    // Attention branch: middle = input + heads · wo + bo.
    const std::size_t wq = at(Role::kQueryWeight), bq = at(Role::kQueryBias), wk = at(Role::kKeyWeight), bk = at(Role::kKeyBias);
    const std::size_t wv = at(Role::kValueWeight), bv = at(Role::kValueBias), wo = at(Role::kAttentionOutWeight), bo = at(Role::kAttentionOutBias);
    std::vector<float> dheads(n * d, 0.0f), dq(n * d), dkey(n * d), dv(n * d), dln1(n * d, 0.0f);
    linear_backward(la.heads.data(), p + wo, dmiddle.data(), n, d, d, dheads.data(), g + wo, g + bo);
    for (std::size_t h = 0; h < c.heads; ++h) {
      const std::size_t col = h * dk;
      attention_backward(la.q.data() + col, la.k.data() + col, la.v.data() + col, la.weights.data() + h * n * n,
                         dheads.data() + col, n, d, dk, dq.data() + col, dkey.data() + col, dv.data() + col);
    }
    linear_backward(la.attention_in.data(), p + wq, dq.data(), n, d, d, dln1.data(), g + wq, g + bq);
    linear_backward(la.attention_in.data(), p + wk, dkey.data(), n, d, d, dln1.data(), g + wk, g + bk);
    linear_backward(la.attention_in.data(), p + wv, dv.data(), n, d, d, dln1.data(), g + wv, g + bv);
    dx = dmiddle;
    layer_norm_backward(la.input.data(), dln1.data(), n, d, p + ln1_gain, la.mean1.data(), la.rstd1.data(),
                        dx.data(), g + ln1_gain, g + ln1_bias);
  }
  // Embeddings: each token's and position's row gets its position's gradient.
  for (std::size_t i = 0; i < n; ++i) {
    float* token = g + layout.at(Role::kTokenEmbedding) + std::size_t(ids[i]) * d;
    float* position = g + layout.at(Role::kPositionEmbedding) + i * d;
    for (std::size_t col = 0; col < d; ++col) token[col] += dx[i * d + col], position[col] += dx[i * d + col];
  }
  return float(total * weight);
}

}  // namespace attn
