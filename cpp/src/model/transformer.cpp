// The transformer's forward and backward passes, layer by layer, each backward next to its forward.
// Shapes: n tokens, d = dModel, f = dFF, V = vocabSize, H heads of dk = d / H columns each.
#include "attn/model.hpp"

#include <cmath>
#include <numeric>

#include "attn/attention.hpp"
#include "build_arch.hpp"
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

// Offsets of every tensor in the flat parameter array, in the order they are stored.
struct LayerOffsets {
  std::size_t ln1_gain, ln1_bias, wq, bq, wk, bk, wv, bv, wo, bo, ln2_gain, ln2_bias, w1, b1, w2, b2;
};
struct Layout {
  std::size_t token_embedding, position_embedding, final_gain, final_bias, output_bias;
  std::vector<LayerOffsets> layers;
  std::vector<TensorInfo> tensors;
  std::size_t total = 0;
};

Layout layout_of(const ModelConfig& c) {
  Layout layout;
  auto add = [&](std::string name, std::vector<std::size_t> shape) {
    const std::size_t size = std::accumulate(shape.begin(), shape.end(), std::size_t(1), std::multiplies<>());
    layout.tensors.push_back({std::move(name), std::move(shape), layout.total, size});
    layout.total += size;
    return layout.tensors.back().offset;
  };
  const std::size_t d = c.dModel, f = c.dFF;
  layout.token_embedding = add("token_embedding", {c.vocabSize, d});
  layout.position_embedding = add("position_embedding", {c.maxLength, d});
  for (std::size_t l = 0; l < c.layers; ++l) {
    const std::string p = "layers." + std::to_string(l) + ".";
    LayerOffsets o;
    o.ln1_gain = add(p + "ln1.gain", {d});
    o.ln1_bias = add(p + "ln1.bias", {d});
    // attention.wq, .bq, .wk, .bk, .wv, .bv, .wo, .bo
    const std::pair<std::size_t*, std::size_t*> projections[] = {{&o.wq, &o.bq}, {&o.wk, &o.bk}, {&o.wv, &o.bv}, {&o.wo, &o.bo}};
    for (std::size_t i = 0; i < 4; ++i) {
      *projections[i].first = add(p + "attention.w" + "qkvo"[i], {d, d});
      *projections[i].second = add(p + "attention.b" + "qkvo"[i], {d});
    }
    o.ln2_gain = add(p + "ln2.gain", {d});
    o.ln2_bias = add(p + "ln2.bias", {d});
    o.w1 = add(p + "mlp.w1", {d, f});
    o.b1 = add(p + "mlp.b1", {f});
    o.w2 = add(p + "mlp.w2", {f, d});
    o.b2 = add(p + "mlp.b2", {d});
    layout.layers.push_back(o);
  }
  layout.final_gain = add("final_ln.gain", {d});
  layout.final_bias = add("final_ln.bias", {d});
  layout.output_bias = add("output_bias", {c.vocabSize});
  return layout;
}

// ---- LayerNorm (forward: layers::layer_norm).

void layer_norm(const float* x, std::size_t n, std::size_t d, const float* gain, const float* bias, float* y,
                float* mean, float* rstd) {
  layers::layer_norm(x, n, d, gain, bias, kLayerNormEps, y, mean, rstd);
}

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

// ---- Everything one forward pass keeps for the backward pass.

struct LayerTape {
  std::vector<float> input;                   // (n, d): the residual stream entering the layer
  std::vector<float> ln1, mean1, rstd1;       // (n, d), (n), (n)
  std::vector<float> q, k, v;                 // (n, d) each; head h owns columns [h·dk, (h+1)·dk)
  std::vector<float> weights;                 // (H, n, n): softmax(q kᵀ / sqrt(dk)) per head
  std::vector<float> heads;                   // (n, d): the heads' outputs, concatenated
  std::vector<float> middle;                  // (n, d): input + attention
  std::vector<float> ln2, mean2, rstd2;       // (n, d), (n), (n)
  std::vector<float> pre_gelu, post_gelu;     // (n, f) each
};

struct Tape {
  std::vector<LayerTape> layers;
  std::vector<float> output;                  // (n, d): the last layer's output
  std::vector<float> normed, mean, rstd;      // final LayerNorm: (n, d), (n), (n)
};

void check_ids(const ModelConfig& c, const std::vector<std::int32_t>& ids) {
  if (ids.empty() || ids.size() > c.maxLength) {
    throw ArgumentError("ids", "expected between 1 and maxLength = " + std::to_string(c.maxLength) +
                                   " tokens, got " + std::to_string(ids.size()));
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || std::size_t(ids[i]) >= c.vocabSize) {
      throw ArgumentError("ids", "element " + std::to_string(i) + " is " + std::to_string(ids[i]) +
                                     ", outside the vocabulary of " + std::to_string(c.vocabSize) + " tokens");
    }
  }
}

void forward(const ModelConfig& c, const Layout& layout, const float* p, const std::vector<std::int32_t>& ids,
             const AttentionOptions& options, Tape& tape) {
  const std::size_t n = ids.size(), d = c.dModel, f = c.dFF, dk = d / c.heads;
  std::vector<float> x(n * d);
  for (std::size_t i = 0; i < n; ++i) {
    const float* token = p + layout.token_embedding + std::size_t(ids[i]) * d;
    const float* position = p + layout.position_embedding + i * d;
    for (std::size_t col = 0; col < d; ++col) x[i * d + col] = token[col] + position[col];
  }
  kernels::Scratch scratch;
  tape.layers.resize(c.layers);
  for (std::size_t l = 0; l < c.layers; ++l) {
    const LayerOffsets& o = layout.layers[l];
    LayerTape& t = tape.layers[l];
    t.input = x;
    t.ln1.resize(n * d), t.mean1.resize(n), t.rstd1.resize(n);
    layer_norm(x.data(), n, d, p + o.ln1_gain, p + o.ln1_bias, t.ln1.data(), t.mean1.data(), t.rstd1.data());
    t.q.resize(n * d), t.k.resize(n * d), t.v.resize(n * d), t.heads.resize(n * d);
    matmul(t.ln1.data(), d, p + o.wq, d, p + o.bq, n, d, d, t.q.data(), d);
    matmul(t.ln1.data(), d, p + o.wk, d, p + o.bk, n, d, d, t.k.data(), d);
    matmul(t.ln1.data(), d, p + o.wv, d, p + o.bv, n, d, d, t.v.data(), d);
    t.weights.resize(c.heads * n * n);
    for (std::size_t h = 0; h < c.heads; ++h) {
      const std::size_t col = h * dk;
      kernels::attend<BuildArch>(t.q.data() + col, d, t.k.data() + col, d, t.v.data() + col, d, n, n, dk, dk,
                                 options, t.weights.data() + h * n * n, t.heads.data() + col, d, scratch);
    }
    matmul(t.heads.data(), d, p + o.wo, d, p + o.bo, n, d, d, x.data(), d, false);
    for (std::size_t i = 0; i < n * d; ++i) x[i] += t.input[i];
    t.middle = x;
    t.ln2.resize(n * d), t.mean2.resize(n), t.rstd2.resize(n);
    layer_norm(x.data(), n, d, p + o.ln2_gain, p + o.ln2_bias, t.ln2.data(), t.mean2.data(), t.rstd2.data());
    t.pre_gelu.resize(n * f), t.post_gelu.resize(n * f);
    matmul(t.ln2.data(), d, p + o.w1, f, p + o.b1, n, d, f, t.pre_gelu.data(), f);
    kernels::gelu<BuildArch>(t.pre_gelu.data(), t.post_gelu.data(), n * f);
    matmul(t.post_gelu.data(), f, p + o.w2, d, p + o.b2, n, f, d, x.data(), d);
    for (std::size_t i = 0; i < n * d; ++i) x[i] += t.middle[i];
  }
  tape.output = x;
  tape.normed.resize(n * d), tape.mean.resize(n), tape.rstd.resize(n);
  layer_norm(x.data(), n, d, p + layout.final_gain, p + layout.final_bias, tape.normed.data(), tape.mean.data(),
             tape.rstd.data());
}

// The tied output layer for `count` rows of the final LayerNorm's output (count, d):
// logits (count, V) = rows · token_embeddingᵀ + output_bias.
std::vector<float> tied_logits(const ModelConfig& c, const Layout& layout, const float* p, const float* rows,
                               std::size_t count) {
  const std::size_t d = c.dModel, V = c.vocabSize;
  const auto embeddingT = transposed(p + layout.token_embedding, d, V, d);
  std::vector<float> logits(count * V);
  matmul(rows, d, embeddingT.data(), V, p + layout.output_bias, count, d, V, logits.data(), V);
  return logits;
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
  Layout layout = layout_of(c);
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

ModelOutput Transformer::run(const std::vector<std::int32_t>& ids, const RunOptions& run) const {
  check_ids(config_, ids);
  if (!(std::isfinite(run.temperature) && run.temperature > 0)) {
    throw ArgumentError("temperature", "expected a finite number above 0, got " + std::to_string(run.temperature));
  }
  AttentionOptions options;
  options.causal = run.causal.value_or(config_.causal);
  options.scale = (run.scaled ? 1.0f / std::sqrt(float(config_.dModel / config_.heads)) : 1.0f) / run.temperature;
  const Layout layout = layout_of(config_);
  Tape tape;
  forward(config_, layout, parameters_.data(), ids, options, tape);
  const std::size_t n = ids.size();
  ModelOutput out;
  const auto append = [](std::vector<float>& to, const std::vector<float>& from) { to.insert(to.end(), from.begin(), from.end()); };
  for (const LayerTape& t : tape.layers) {
    append(out.attentions, t.weights);
    if (run.hidden) append(out.hidden, t.input);
    if (run.projections) append(out.queries, t.q), append(out.keys, t.k), append(out.values, t.v);
  }
  if (run.hidden) append(out.hidden, tape.output);
  if (run.logits) out.logits = tied_logits(config_, layout, parameters_.data(), tape.normed.data(), n);
  return out;
}

float Transformer::loss(const std::vector<std::int32_t>& ids, const std::vector<std::int32_t>& targets, float weight,
                        float* gradient) const {
  check_ids(config_, ids);
  if (targets.size() != ids.size()) {
    throw ArgumentError("targets", "expected " + std::to_string(ids.size()) + " entries, got " +
                                       std::to_string(targets.size()));
  }
  const ModelConfig& c = config_;
  const Layout layout = layout_of(c);
  const float* p = parameters_.data();
  const std::size_t n = ids.size(), d = c.dModel, f = c.dFF, V = c.vocabSize, dk = d / c.heads;
  AttentionOptions options;
  options.causal = c.causal;
  Tape tape;
  forward(c, layout, p, ids, options, tape);

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
  for (std::size_t r = 0; r < t; ++r) std::copy_n(&tape.normed[rows[r] * d], d, &selected[r * d]);
  std::vector<float> logits = tied_logits(c, layout, p, selected.data(), t);  // (t, V)
  const float* embedding = p + layout.token_embedding;

  // Cross-entropy; dlogits = (softmax - one-hot) · weight, computed in place.
  double total = 0;
  for (std::size_t r = 0; r < t; ++r) {
    float* row = logits.data() + r * V;
    const float largest = *std::max_element(row, row + V);
    double sum = 0;
    for (std::size_t v = 0; v < V; ++v) sum += std::exp(double(row[v] - largest));
    const std::size_t target = std::size_t(targets[rows[r]]);
    total += std::log(sum) - double(row[target] - largest);
    if (gradient) {
      for (std::size_t v = 0; v < V; ++v) row[v] = float(std::exp(double(row[v] - largest)) / sum) * weight;
      row[target] -= weight;
    }
  }
  if (!gradient) return float(total * weight);

  float* g = gradient;
  // Output layer: d output_bias, d selected = dlogits · E, d E += dlogitsᵀ · selected.
  for (std::size_t r = 0; r < t; ++r) {
    for (std::size_t v = 0; v < V; ++v) g[layout.output_bias + v] += logits[r * V + v];
  }
  std::vector<float> dselected(t * d), dnormed(n * d, 0.0f);
  matmul(logits.data(), V, embedding, d, nullptr, t, V, d, dselected.data(), d);
  const auto logitsT = transposed(logits.data(), V, t, V);
  matmul(logitsT.data(), t, selected.data(), d, nullptr, V, t, d, g + layout.token_embedding, d, true);
  for (std::size_t r = 0; r < t; ++r) std::copy_n(&dselected[r * d], d, &dnormed[rows[r] * d]);

  // Final LayerNorm.
  std::vector<float> dx(n * d, 0.0f);
  layer_norm_backward(tape.output.data(), dnormed.data(), n, d, p + layout.final_gain, tape.mean.data(),
                      tape.rstd.data(), dx.data(), g + layout.final_gain, g + layout.final_bias);

  for (std::size_t l = c.layers; l-- > 0;) {
    const LayerOffsets& o = layout.layers[l];
    const LayerTape& lt = tape.layers[l];
    // MLP branch: x = middle + gelu(ln2 · w1 + b1) · w2 + b2.
    std::vector<float> dpost(n * f, 0.0f), dln2(n * d, 0.0f);
    linear_backward(lt.post_gelu.data(), p + o.w2, dx.data(), n, f, d, dpost.data(), g + o.w2, g + o.b2);
    for (std::size_t i = 0; i < n * f; ++i) dpost[i] *= gelu_derivative(lt.pre_gelu[i]);
    linear_backward(lt.ln2.data(), p + o.w1, dpost.data(), n, d, f, dln2.data(), g + o.w1, g + o.b1);
    std::vector<float> dmiddle = dx;  // the residual passes the gradient straight through
    layer_norm_backward(lt.middle.data(), dln2.data(), n, d, p + o.ln2_gain, lt.mean2.data(), lt.rstd2.data(),
                        dmiddle.data(), g + o.ln2_gain, g + o.ln2_bias);
    // Attention branch: middle = input + heads · wo + bo.
    std::vector<float> dheads(n * d, 0.0f), dq(n * d), dkey(n * d), dv(n * d), dln1(n * d, 0.0f);
    linear_backward(lt.heads.data(), p + o.wo, dmiddle.data(), n, d, d, dheads.data(), g + o.wo, g + o.bo);
    for (std::size_t h = 0; h < c.heads; ++h) {
      const std::size_t col = h * dk;
      attention_backward(lt.q.data() + col, lt.k.data() + col, lt.v.data() + col, lt.weights.data() + h * n * n,
                         dheads.data() + col, n, d, dk, dq.data() + col, dkey.data() + col, dv.data() + col);
    }
    linear_backward(lt.ln1.data(), p + o.wq, dq.data(), n, d, d, dln1.data(), g + o.wq, g + o.bq);
    linear_backward(lt.ln1.data(), p + o.wk, dkey.data(), n, d, d, dln1.data(), g + o.wk, g + o.bk);
    linear_backward(lt.ln1.data(), p + o.wv, dv.data(), n, d, d, dln1.data(), g + o.wv, g + o.bv);
    dx = dmiddle;
    layer_norm_backward(lt.input.data(), dln1.data(), n, d, p + o.ln1_gain, lt.mean1.data(), lt.rstd1.data(),
                        dx.data(), g + o.ln1_gain, g + o.ln1_bias);
  }
  // Embeddings: each token's and position's row gets its position's gradient.
  for (std::size_t i = 0; i < n; ++i) {
    float* token = g + layout.token_embedding + std::size_t(ids[i]) * d;
    float* position = g + layout.position_embedding + i * d;
    for (std::size_t col = 0; col < d; ++col) token[col] += dx[i * d + col], position[col] += dx[i * d + col];
  }
  return float(total * weight);
}

}  // namespace attn
