// The forward pass: embeddings, then per layer an attention block and an MLP block, each with its norm and
// residual in the order the architecture says, then the final norm.
#include "forward.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "build_arch.hpp"
#include "kernels.hpp"
#include "layers.hpp"
#include "parallel.hpp"

namespace attn {
namespace {

// Below this many multiply-adds per extra thread a loop stays on one thread: waking one costs tens of µs.
constexpr double kMinWorkPerThread = double(1 << 20);
// Widening a 16-bit weight to float32 costs about what this many rows' multiply-adds with it do (the work a
// loop over 16-bit weights reports, so that a row or two still goes to every thread: typing at the end).
constexpr std::size_t kWidenRows = 4;

// y (n, width) = norm(x) per row of `width` columns with row stride ld (the same for y); mean and rstd (n) kept
// (a LayerNorm's, for a backward pass). In place (y == x) works: each row is read before it is written. Rows
// between threads: with long texts the norms were a few per cent of a run that no other thread shared.
void norm_forward(const Architecture& arch, const Hyperparameters& h, const Norm& w, const float* x, std::size_t n,
                  std::size_t width, std::size_t ld, float* y, float* mean, float* rstd) {
  parallel::for_parts(n, 1, double(n * width), kMinWorkPerThread / 16, [&](std::size_t begin, std::size_t end) {
    const float* from = x + begin * ld;
    float* to = y + begin * ld;
    if (arch.norm != NormKind::kLayerNorm) {
      return layers::rms_norm(from, end - begin, width, ld, w.gain.data(), arch.norm == NormKind::kRmsNormPlusOne, h.eps, to, rstd + begin);
    }
    for (std::size_t i = 0; i < end - begin; ++i) {
      layers::layer_norm(from + i * ld, 1, width, w.gain.data(), w.bias.data(), h.eps, to + i * ld, mean + begin + i, rstd + begin + i);
    }
  });
}

// out (count) = a + b: a residual connection.
void residual_forward(const float* a, const float* b, std::size_t count, float* out) {
  for (std::size_t i = 0; i < count; ++i) out[i] = a[i] + b[i];
}

// Split between threads in whole multiples of 64 values, so that only the last part has a scalar tail.
void activation_forward(Activation activation, const float* in, std::size_t count, float* out) {
  parallel::for_parts(count, 64, double(count), kMinWorkPerThread / 16, [&](std::size_t begin, std::size_t end) {
    if (activation == Activation::kGeluTanh) return kernels::gelu<BuildArch>(in + begin, out + begin, end - begin);
    if (activation == Activation::kSilu) return kernels::silu<BuildArch>(in + begin, out + begin, end - begin);
    for (std::size_t i = begin; i < end; ++i) out[i] = 0.5f * in[i] * (1.0f + std::erf(in[i] * 0.70710678f));
  });
}

// embeddings (n - first, d) of tokens [first, n) = token (+ position) (+ token type 0), times √d (Gemma), normed
// when the architecture norms them.
void embedding_forward(const Network& net, const std::vector<std::int32_t>& ids, std::size_t first, std::vector<float>& x) {
  const Weights& w = net.weights;
  const std::size_t n = ids.size() - first, d = net.hyper.d;
  const float scale = net.arch->embedding_scale ? std::sqrt(float(d)) : 1.0f;
  x.resize(n * d);
  for (std::size_t i = 0; i < n; ++i) {
    float* row = x.data() + i * d;
    w.token_embedding.row(std::size_t(ids[first + i]), row);
    if (net.arch->positions == Positions::kLearned) {
      const float* position = w.position_embedding.data() + (first + i + net.arch->position_offset) * d;
      for (std::size_t c = 0; c < d; ++c) row[c] += position[c];
    }
    if (!w.token_type.empty()) for (std::size_t c = 0; c < d; ++c) row[c] += w.token_type[c];
    if (scale != 1.0f) for (std::size_t c = 0; c < d; ++c) row[c] *= scale;
  }
  if (net.arch->embedding_norm) {
    std::vector<float> mean(n), rstd(n);
    norm_forward(*net.arch, net.hyper, w.embedding_norm, x.data(), n, d, d, x.data(), mean.data(), rstd.data());
  }
}

// RoPE in place on x (n, heads·hd), the rows of positions [first, first + n): each head's first `dims`
// dimensions rotated by the angles of its token's position, pairing dimension j with j + dims/2 (rotate_half).
void rotary_forward(const Weights& w, std::size_t dims, float* x, std::size_t n, std::size_t first, std::size_t heads,
                    std::size_t head_dim) {
  const std::size_t half = dims / 2;
  for (std::size_t i = 0; i < n; ++i) {
    const float* cos = w.rope_cos.data() + (first + i) * half;
    const float* sin = w.rope_sin.data() + (first + i) * half;
    for (std::size_t h = 0; h < heads; ++h) {
      float* head = x + (i * heads + h) * head_dim;
      for (std::size_t j = 0; j < half; ++j) {
        const float a = head[j], b = head[j + half];
        head[j] = a * cos[j] - b * sin[j];
        head[j + half] = b * cos[j] + a * sin[j];
      }
    }
  }
}

// For the rows of tokens [first, n) (t = n - first of them, `in` (t, d)): q (t, Q), and rows [first, n) of k and
// v (n, K), normed per head and rotated where the model does so; every head's weights (t, n) and output (query
// head h reading key/value head h / (H / KV)) over all n keys; attention_out (t, d) = heads · W_O + b_O.
void attention_forward(const Network& net, const LayerWeights& w, const float* in, std::size_t n, std::size_t first,
                       const AttentionOptions& options, const std::uint8_t* ablated, LayerActivations& a) {
  const Hyperparameters& h = net.hyper;
  const std::size_t t = n - first, hd = h.head_dim, q_width = h.heads * hd, kv_width = h.kv_heads * hd,
                    group = h.heads / h.kv_heads;
  a.q.resize(t * q_width), a.k.resize(n * kv_width), a.v.resize(n * kv_width), a.heads.resize(t * q_width);
  a.attention_out.resize(t * h.d), a.weights.resize(h.heads * t * n);
  float* k = a.k.data() + first * kv_width;  // the new rows
  float* v = a.v.data() + first * kv_width;
  linear_forward(in, t, w.q, a.q.data());
  linear_forward(in, t, w.k, k);
  linear_forward(in, t, w.v, v);
  if (!w.q_norm.gain.empty()) {  // each head's q and k normed on their own (hd columns, rows of Q or K)
    std::vector<float> unused(t * std::max(h.heads, h.kv_heads));
    norm_forward(*net.arch, h, w.q_norm, a.q.data(), t * h.heads, hd, hd, a.q.data(), unused.data(), unused.data());
    norm_forward(*net.arch, h, w.k_norm, k, t * h.kv_heads, hd, hd, k, unused.data(), unused.data());
  }
  if (net.arch->positions == Positions::kRotary) {
    rotary_forward(net.weights, h.rope.dims, a.q.data(), t, first, h.heads, hd);
    rotary_forward(net.weights, h.rope.dims, k, t, first, h.kv_heads, hd);
  }
  // The heads between threads, each thread with its own scratch buffers (kept between calls unless large).
  parallel::for_parts(h.heads, 1, 2.0 * double(h.heads * t * n * hd), kMinWorkPerThread, [&](std::size_t begin, std::size_t end) {
    thread_local kernels::Scratch own;
    for (std::size_t head = begin; head < end; ++head) {
      const std::size_t q_col = head * hd, kv_col = head / group * hd;
      kernels::attend<BuildArch>(a.q.data() + q_col, q_width, a.k.data() + kv_col, kv_width, a.v.data() + kv_col, kv_width,
                                 t, n, hd, hd, options, a.weights.data() + head * t * n, a.heads.data() + q_col, q_width,
                                 own, first);
      if (ablated && ablated[head]) {  // its pattern stays as computed; what it passes on is zero
        for (std::size_t i = 0; i < t; ++i) std::fill_n(a.heads.data() + i * q_width + q_col, hd, 0.0f);
      }
    }
    own.trim();
  });
  linear_forward(a.heads.data(), t, w.o, a.attention_out.data());
  if (!w.post_attention_norm.gain.empty()) {
    norm_forward(*net.arch, h, w.post_attention_norm, a.attention_out.data(), t, h.d, h.d, a.attention_out.data(), a.mean1.data(), a.rstd1.data());
  }
}

// mlp_out (n, d) = activation(in · W_up + b_up) · W_down + b_down, or with a gate
// (activation(in · W_gate + b_gate) ⊙ (in · W_up + b_up)) · W_down + b_down.
void mlp_forward(const Network& net, const LayerWeights& w, const float* in, std::size_t n, LayerActivations& a) {
  const Hyperparameters& h = net.hyper;
  const std::size_t nf = n * h.dff;
  a.pre_activation.resize(nf), a.post_activation.resize(nf), a.mlp_out.resize(n * h.d);
  const bool gated = net.arch->mlp == Mlp::kGated;
  linear_forward(in, n, gated ? w.gate : w.up, a.pre_activation.data());
  activation_forward(h.activation, a.pre_activation.data(), nf, a.post_activation.data());
  if (gated) {
    a.up.resize(nf);
    linear_forward(in, n, w.up, a.up.data());
    for (std::size_t i = 0; i < nf; ++i) a.post_activation[i] *= a.up[i];
  }
  linear_forward(a.post_activation.data(), n, w.down, a.mlp_out.data());
  if (!w.post_mlp_norm.gain.empty()) {
    norm_forward(*net.arch, h, w.post_mlp_norm, a.mlp_out.data(), n, h.d, h.d, a.mlp_out.data(), a.mean2.data(), a.rstd2.data());
  }
}

// One layer: a.input (t, d) -> a.output (t, d) for the t = n - first rows after `first`, its norms where the
// model puts them (architecture.hpp).
void layer_forward(const Network& net, const LayerWeights& w, std::size_t all, std::size_t first, const AttentionOptions& options,
                   const std::uint8_t* ablated, LayerActivations& a) {
  const Architecture& arch = *net.arch;
  const Hyperparameters& h = net.hyper;
  const std::size_t n = all - first, d = h.d, nd = n * d;
  a.middle.resize(nd), a.output.resize(nd), a.mean1.resize(n), a.rstd1.resize(n), a.mean2.resize(n), a.rstd2.resize(n);
  const auto norm = [&](const Norm& with, const float* x, float* y, float* mean, float* rstd) {
    norm_forward(arch, h, with, x, n, d, d, y, mean, rstd);
  };
  switch (h.norms) {
    case NormPlacement::kPre:
    case NormPlacement::kSandwich:  // (the second norm of each block is inside attention_forward and mlp_forward)
      a.attention_in.resize(nd), a.mlp_in.resize(nd);
      norm(w.attention_norm, a.input.data(), a.attention_in.data(), a.mean1.data(), a.rstd1.data());
      attention_forward(net, w, a.attention_in.data(), all, first, options, ablated, a);
      residual_forward(a.input.data(), a.attention_out.data(), nd, a.middle.data());
      norm(w.mlp_norm, a.middle.data(), a.mlp_in.data(), a.mean2.data(), a.rstd2.data());
      mlp_forward(net, w, a.mlp_in.data(), n, a);
      residual_forward(a.middle.data(), a.mlp_out.data(), nd, a.output.data());
      break;
    case NormPlacement::kPost:
      attention_forward(net, w, a.input.data(), all, first, options, ablated, a);
      residual_forward(a.input.data(), a.attention_out.data(), nd, a.middle.data());
      norm(w.attention_norm, a.middle.data(), a.middle.data(), a.mean1.data(), a.rstd1.data());
      mlp_forward(net, w, a.middle.data(), n, a);
      residual_forward(a.middle.data(), a.mlp_out.data(), nd, a.output.data());
      norm(w.mlp_norm, a.output.data(), a.output.data(), a.mean2.data(), a.rstd2.data());
      break;
    case NormPlacement::kParallel:  // both blocks read the input; middle is input + attention alone
      a.attention_in.resize(nd), a.mlp_in.resize(nd);
      norm(w.attention_norm, a.input.data(), a.attention_in.data(), a.mean1.data(), a.rstd1.data());
      attention_forward(net, w, a.attention_in.data(), all, first, options, ablated, a);
      norm(w.mlp_norm, a.input.data(), a.mlp_in.data(), a.mean2.data(), a.rstd2.data());
      mlp_forward(net, w, a.mlp_in.data(), n, a);
      residual_forward(a.input.data(), a.attention_out.data(), nd, a.middle.data());
      residual_forward(a.middle.data(), a.mlp_out.data(), nd, a.output.data());
      break;
  }
}

// Layer l's attention options: the run's, with the window where the layer has one.
AttentionOptions layer_options(const Hyperparameters& h, AttentionOptions options, std::size_t l) {
  options.window = !h.sliding_layers.empty() && h.sliding_layers[l] ? h.sliding_window : 0;
  return options;
}

// Head `head` of layer `l` followed through W_O, from that layer's buffers.
HeadTrace trace_of(const Network& net, std::size_t l, std::size_t head, std::size_t n, const LayerActivations& a) {
  const std::size_t hd = net.hyper.head_dim, width = net.hyper.heads * hd, col = head * hd;
  HeadTrace t;
  t.head_output.resize(n * hd);
  std::vector<float> only(n * width, 0.0f);  // the concatenation with every other head's columns zero
  for (std::size_t i = 0; i < n; ++i) {
    std::copy_n(a.heads.data() + i * width + col, hd, t.head_output.data() + i * hd);
    std::copy_n(a.heads.data() + i * width + col, hd, only.data() + i * width + col);
  }
  const Linear& o = net.weights.layers[l].o;  // W_O's matrix alone: a head's share has no bias
  t.contribution.resize(n * net.hyper.d);
  kernels::matmul<BuildArch>(only.data(), o.in, o.w, nullptr, n, o.in, o.out, t.contribution.data(), o.out);
  t.attention_output = a.attention_out, t.residual_before = a.input, t.residual_after = a.middle;
  return t;
}

// Keeps the k largest (logit, id) of a row, largest first; ties go to the smaller id.
void keep_top(std::vector<std::pair<float, std::int32_t>>& top, std::size_t k, float logit, std::int32_t id) {
  if (top.size() == k && !(logit > top.back().first)) return;
  const auto at = std::upper_bound(top.begin(), top.end(), logit, [](float value, const auto& entry) { return value > entry.first; });
  top.insert(at, {logit, id});
  if (top.size() > k) top.pop_back();
}

template <class T>
void append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

// What a prefix cache may hold (floats): above it, about 256 MiB, a run keeps nothing.
constexpr std::size_t kMaxCachedFloats = std::size_t(1) << 26;

// The mean of the rows' losses that are not NaN (NaN when all are).
double mean_loss(const std::vector<double>& losses) {
  double sum = 0;
  std::size_t judged = 0;
  for (const double loss : losses) if (!std::isnan(loss)) sum += loss, ++judged;
  return judged ? sum / double(judged) : NAN;
}

}  // namespace

void head_logits(const Network& net, const float* x, std::size_t n,
                 const std::function<void(std::size_t, std::size_t, const float*)>& each) {
  if (!net.cannot_predict.empty()) throw ArgumentError("predict", net.cannot_predict);
  const Hyperparameters& h = net.hyper;
  const OutputHead& head = net.weights.head;
  const std::size_t d = h.d, V = h.vocab;
  // x' (n, d): x through the head's transform, activation and norm, where it has them.
  std::vector<float> transformed;
  const float* rows = x;
  if (head.transform.out) {
    std::vector<float> pre(n * d), mean(n), rstd(n);
    transformed.resize(n * d);
    linear_forward(x, n, head.transform, pre.data());
    activation_forward(h.activation, pre.data(), n * d, transformed.data());
    layers::layer_norm(transformed.data(), n, d, head.norm.gain.data(), head.norm.bias.data(), h.eps, transformed.data(), mean.data(), rstd.data());
    rows = transformed.data();
  }
  const Table& table = h.tied ? net.weights.token_embedding : head.untied;
  // logits (V, n) = E · x'ᵀ block by block of kBlock tokens, a group of kGroup blocks between threads, then
  // each() on the group's blocks in order. Many rows: E's rows are the matmul's A and x'ᵀ (d, n) packed once is
  // its B. Fewer rows than a panel's width (typing at the end recomputes one or two): a block of E transposed into
  // panels is B and x' is A, so the matmul does not multiply columns of padding. Each logit sums the same
  // products in the same order either way, so a row's logits do not depend on the rows that came with it.
  constexpr std::size_t kBlock = 256, kGroup = 8;
  const bool few = n < kernels::kPanelWidth<BuildArch>;
  kernels::Panels xt;
  if (!few) kernels::pack_panels<BuildArch>(rows, 1, d, d, n, xt);
  std::vector<float> logits(std::min(kGroup * kBlock, V) * n);
  // A block's logits (count, n) into `out`; e, transposed and a: a thread's buffers.
  const auto block_logits = [&](std::size_t v0, std::size_t count, float* out, kernels::Panels& e, std::vector<float>& transposed,
                                std::vector<float>& a) {
    if (few) {
      if (table.storage == kernels::Storage::kF32) kernels::pack_panels<BuildArch>(table.f32.data() + v0 * d, 1, d, d, count, e);
      else kernels::pack_panels<BuildArch>(table.half.data() + v0 * d, 1, d, d, count, e, table.storage);
      transposed.resize(n * count);
      kernels::matmul<BuildArch>(rows, d, e, nullptr, n, d, count, transposed.data(), count);
      kernels::transpose(transposed.data(), count, n, count, out);
    } else {
      a.resize(count * d);
      for (std::size_t r = 0; r < count; ++r) table.row(v0 + r, a.data() + r * d);
      kernels::matmul<BuildArch>(a.data(), d, xt, nullptr, count, d, n, out, n);
    }
    for (std::size_t r = 0; r < count; ++r) {
      float* row = out + r * n;
      for (std::size_t i = 0; i < n; ++i) {
        if (!head.bias.empty()) row[i] += head.bias[v0 + r];
        if (h.output_softcap > 0) row[i] = h.output_softcap * std::tanh(row[i] / h.output_softcap);
      }
    }
  };
  for (std::size_t g0 = 0; g0 < V; g0 += kGroup * kBlock) {
    const std::size_t blocks = std::min(kGroup, (V - g0 + kBlock - 1) / kBlock);
    // The work of a 16-bit table counts its widening too (as some rows' worth): one row's products alone would
    // keep the group on one thread.
    const double work = double(blocks * kBlock) * double(d) * double(n + (table.storage == kernels::Storage::kF32 ? 0 : kWidenRows));
    parallel::for_parts(blocks, 1, work, kMinWorkPerThread, [&](std::size_t begin, std::size_t end) {
      kernels::Panels e;
      std::vector<float> transposed, a;  // (n, count), (count, d)
      for (std::size_t b = begin; b < end; ++b) {
        const std::size_t v0 = g0 + b * kBlock;
        block_logits(v0, std::min(kBlock, V - v0), logits.data() + b * kBlock * n, e, transposed, a);
      }
    });
    for (std::size_t b = 0; b < blocks; ++b) {
      const std::size_t v0 = g0 + b * kBlock;
      each(v0, std::min(kBlock, V - v0), logits.data() + b * kBlock * n);
    }
  }
}

Predictions predict(const Network& net, const float* x, std::size_t n, std::size_t k, const std::vector<std::int32_t>& targets,
                    std::vector<double>* losses) {
  // Each block of logits folded into a running softmax per position (largest logit, sum of exps), its top k, and
  // its target's logit.
  std::vector<float> largest(n, -INFINITY), target(n, NAN), scratch(n);
  std::vector<double> sums(n, 0.0);  // of up to 2^22 terms: float would lose digits
  std::vector<std::vector<std::pair<float, std::int32_t>>> top(n);
  // What a logit must beat to enter top[i]: -inf until it holds k, then the smallest it holds. (A NaN logit
  // enters no list.)
  std::vector<float> kth(n, -INFINITY);
  head_logits(net, x, n, [&](std::size_t v0, std::size_t count, const float* logits) {
    kernels::fold_softmax_block<BuildArch>(logits, count, n, largest.data(), sums.data(), scratch.data());
    for (std::size_t r = 0; r < count; ++r) {
      const float* row = logits + r * n;
      kernels::each_above<BuildArch>(row, kth.data(), n, [&](std::size_t i) {
        keep_top(top[i], k, row[i], std::int32_t(v0 + r));
        if (top[i].size() == k) kth[i] = top[i].back().first;
      });
    }
    for (std::size_t i = 0; i < std::min(n, targets.size()); ++i) {
      if (targets[i] >= std::int32_t(v0) && targets[i] < std::int32_t(v0 + count)) target[i] = logits[std::size_t(targets[i] - std::int32_t(v0)) * n + i];
    }
  });
  Predictions p;
  p.k = k;
  p.ids.reserve(n * k), p.probs.reserve(n * k), p.target_probs.resize(n);
  std::vector<double> own;
  if (!losses) losses = &own;
  losses->resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double log_sum = double(largest[i]) + std::log(sums[i]);
    for (const auto& [logit, id] : top[i]) p.ids.push_back(id), p.probs.push_back(float(std::exp(double(logit) - log_sum)));
    p.target_probs[i] = std::isnan(target[i]) ? NAN : float(std::exp(double(target[i]) - log_sum));
    (*losses)[i] = std::isnan(target[i]) ? NAN : log_sum - double(target[i]);
  }
  p.loss = mean_loss(*losses);
  return p;
}

void rotary_table(const Rope& rope, std::size_t positions, std::vector<float>& cos, std::vector<float>& sin) {
  const std::size_t half = rope.dims / 2;
  std::vector<double> inverse(half);
  constexpr double kPi = 3.14159265358979323846;
  for (std::size_t i = 0; i < half; ++i) {
    double f = std::pow(rope.theta, -double(2 * i) / double(rope.dims));
    if (rope.scaling == Rope::Scaling::kLinear) f /= rope.factor;
    if (rope.scaling == Rope::Scaling::kLlama3) {  // long wavelengths slowed by factor, short ones kept, a ramp between
      const double wavelength = 2 * kPi / f, low = rope.original_positions / rope.low_freq_factor,
                   high = rope.original_positions / rope.high_freq_factor;
      if (wavelength > low) {
        f /= rope.factor;
      } else if (wavelength >= high) {
        const double smooth = (rope.original_positions / wavelength - rope.low_freq_factor) / (rope.high_freq_factor - rope.low_freq_factor);
        f = (1 - smooth) * f / rope.factor + smooth * f;
      }
    }
    inverse[i] = f;
  }
  cos.resize(positions * half), sin.resize(positions * half);
  for (std::size_t p = 0; p < positions; ++p) {
    for (std::size_t i = 0; i < half; ++i) cos[p * half + i] = float(std::cos(double(p) * inverse[i])), sin[p * half + i] = float(std::sin(double(p) * inverse[i]));
  }
}

// The output's columns between threads, whole panels each: a thread reads (and widens) only its share of W.
void linear_forward(const float* x, std::size_t n, const Linear& l, float* y) {
  const double work = double(n + (l.w.storage == kernels::Storage::kF32 ? 0 : kWidenRows)) * double(l.in) * double(l.out);
  parallel::for_parts(l.out, kernels::kPanelWidth<BuildArch>, work, kMinWorkPerThread, [&](std::size_t begin, std::size_t end) {
    kernels::matmul_columns<BuildArch>(x, l.in, l.w, l.b.empty() ? nullptr : l.b.data(), n, l.in, begin, end, y, l.out);
  });
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
             const std::function<void(std::size_t, const LayerActivations&)>& observe, const std::vector<std::uint8_t>& ablated,
             std::size_t first, PrefixCache* cache) {
  check_ids(net.hyper, ids);
  const Hyperparameters& h = net.hyper;
  const std::size_t n = ids.size(), t = n - first, layers = net.weights.layers.size();
  if (a.layers.empty()) a.layers.resize(1);
  if (cache) cache->layers.resize(layers);
  embedding_forward(net, ids, first, a.embeddings);
  const std::vector<float>* stream = &a.embeddings;  // the output of the layer before
  for (std::size_t l = 0; l < layers; ++l) {
    LayerActivations& layer = a.layers[a.layers.size() == 1 ? 0 : l];
    layer.input = *stream;
    if (cache) std::swap(layer.k, cache->layers[l].k), std::swap(layer.v, cache->layers[l].v);  // the prefix's rows
    layer_forward(net, net.weights.layers[l], n, first, layer_options(h, options, l), ablated.empty() ? nullptr : ablated.data() + l * h.heads, layer);
    if (observe) observe(l, layer);
    if (cache) std::swap(layer.k, cache->layers[l].k), std::swap(layer.v, cache->layers[l].v);
    stream = &layer.output;
  }
  if (net.arch->final_norm) {
    a.normed.resize(t * h.d), a.mean.resize(t), a.rstd.resize(t);
    norm_forward(*net.arch, h, net.weights.final_norm, stream->data(), t, h.d, h.d, a.normed.data(), a.mean.data(), a.rstd.data());
  }
}

ModelOutput run(const Network& net, const std::vector<std::int32_t>& ids, const RunOptions& run, PrefixCache* cache) {
  if (!(std::isfinite(run.temperature) && run.temperature > 0)) {
    throw ArgumentError("temperature", "expected a finite number above 0, got " + format_number(run.temperature));
  }
  if (run.logits && !net.cannot_predict.empty()) throw ArgumentError("logits", net.cannot_predict);
  const Hyperparameters& h = net.hyper;
  if (run.trace && (run.trace->layer >= h.layers || run.trace->head >= h.heads)) {
    throw ArgumentError("trace", "layer " + std::to_string(run.trace->layer) + ", head " + std::to_string(run.trace->head) +
                                     " is not in this model's " + std::to_string(h.layers) + " layers of " + std::to_string(h.heads) + " heads");
  }
  if (run.predict && (run.predict > kMaxPredict || run.predict > h.vocab)) {
    throw ArgumentError("predict", "expected a number of tokens in [1, " + std::to_string(std::min(kMaxPredict, h.vocab)) + "], got " + std::to_string(run.predict));
  }
  if (run.predict && !net.cannot_predict.empty()) throw ArgumentError("predict", net.cannot_predict);
  if (!run.targets.empty() && run.targets.size() != ids.size()) {
    throw ArgumentError("targets", "expected " + std::to_string(ids.size()) + " entries (one per token, specials included), got " + std::to_string(run.targets.size()));
  }
  for (std::size_t i = 0; i < run.targets.size(); ++i) {
    if (run.targets[i] < -1 || run.targets[i] >= std::int32_t(h.vocab)) {
      throw ArgumentError("targets", "element " + std::to_string(i) + " is " + std::to_string(run.targets[i]) + "; expected -1 or a token below " + std::to_string(h.vocab));
    }
  }
  std::vector<std::uint8_t> ablated;
  for (std::size_t i = 0; i < run.ablate.size(); ++i) {
    const auto [layer, head] = run.ablate[i];
    const std::string name = "ablate[" + std::to_string(i) + "]", pair = "[" + std::to_string(layer) + ", " + std::to_string(head) + "]";
    if (layer >= h.layers || head >= h.heads) {
      throw ArgumentError(name, pair + " is not in this model's " + std::to_string(h.layers) + " layers of " + std::to_string(h.heads) + " heads");
    }
    ablated.resize(h.layers * h.heads);
    if (ablated[layer * h.heads + head]) throw ArgumentError(name, pair + " is given twice");
    ablated[layer * h.heads + head] = 1;
  }
  AttentionOptions options;
  options.causal = run.causal.value_or(h.causal);
  const float scale = run.scaled ? float(h.attention_scale > 0 ? h.attention_scale : 1.0 / std::sqrt(double(h.head_dim))) : 1.0f;
  if (h.attention_softcap > 0) {  // the cap acts on the model's own scores; the temperature divides what comes out
    options.scale = scale, options.softcap = h.attention_softcap, options.post_scale = 1.0f / run.temperature;
  } else {
    options.scale = (run.scaled ? 1.0f / std::sqrt(float(h.head_dim)) : 1.0f) / run.temperature;
    if (h.attention_scale > 0 && run.scaled) options.scale = float(h.attention_scale) / run.temperature;
  }
  const std::size_t n = ids.size(), d = h.d, layers = h.layers, heads = h.heads;
  check_ids(h, ids);
  // The rows [0, first) the cache has: the prefix shared with its last run, for the same options; at least the
  // last row is computed, unless the text is the same (then none). What a trace or the whole logits need is not
  // kept: those runs compute every row (a trace of the cached text: its layer alone, below), and leave the cache
  // as it was for the next run (the playground asks for a head's trace after each keystroke's run).
  const std::size_t q_width = heads * h.head_dim, kept = layers * heads * n * n + (layers + 1) * n * d + layers * n * 3 * q_width;
  if (cache && (!options.causal || kept > kMaxCachedFloats)) *cache = {}, cache = nullptr;
  const bool applies = cache && cache->options.causal && cache->options.scale == options.scale &&
                       cache->options.softcap == options.softcap && cache->options.post_scale == options.post_scale &&
                       cache->ablated == ablated;
  // A trace of the very text the cache holds, with nothing else asked (the playground's step 5, after a
  // keystroke's run): the traced layer alone again, every row, from the input the cache kept for it — the numbers
  // of a whole run for a twelfth of one in a 12-layer model.
  if (run.trace && applies && cache->ids == ids && !run.hidden && !run.projections && !run.predict && !run.logits) {
    const std::size_t l = run.trace->layer;
    LayerActivations layer;
    layer.input.assign(cache->hidden.begin() + std::ptrdiff_t(l * n * d), cache->hidden.begin() + std::ptrdiff_t((l + 1) * n * d));
    layer_forward(net, net.weights.layers[l], n, 0, layer_options(h, options, l), ablated.empty() ? nullptr : ablated.data() + l * heads, layer);
    ModelOutput out;
    out.attentions = cache->attentions;
    out.trace = trace_of(net, l, run.trace->head, n, layer);
    out.reused = n;
    return out;
  }
  if (run.trace || run.logits) cache = nullptr;
  std::size_t first = 0;
  if (cache && applies) {
    const std::size_t common = std::min(cache->ids.size(), n);
    while (first < common && cache->ids[first] == ids[first]) ++first;
    if (cache->ids.size() != n) first = std::min(first, n - 1);  // (the same text again: nothing to compute)
  }
  PrefixCache scratch;  // without a cache: one for this run alone, every row computed
  PrefixCache& c = cache ? *cache : scratch;
  const std::size_t t = n - first, old = c.ids.size();
  // rows [0, first) of `from` (old rows of `width` floats) and rows [first, n) of `fresh` (t rows), as n rows.
  const auto rows = [&](const float* from, const float* fresh, std::size_t width, float* to) {
    std::copy_n(from, first * width, to);
    std::copy_n(fresh, t * width, to + first * width);
  };
  ModelOutput out;
  out.reused = first;
  std::vector<float> attentions, hidden, last;
  if (t == 0) {  // the last run's text and options (the predictions asked after it): every row is there, taken
    attentions.swap(c.attentions), hidden.swap(c.hidden), last.swap(c.last);  // out and put back below (no copy)
    for (std::size_t l = 0; l < layers && run.projections; ++l) {
      append(out.queries, c.layers[l].q), append(out.keys, c.layers[l].k), append(out.values, c.layers[l].v);
    }
  } else {
    attentions.resize(layers * heads * n * n), hidden.resize((layers + 1) * n * d), last.resize(n * d);
    Activations a;
    forward(net, ids, options, a, [&](std::size_t l, const LayerActivations& layer) {
      // Each head's weights: the prefix's rows, cut or widened to n columns (zeros past the diagonal: it is causal),
      // then the new rows. Heads between threads (a copy, but tens of MB for a long text).
      parallel::for_parts(heads, 1, double(heads * n * n), kMinWorkPerThread / 4, [&](std::size_t begin, std::size_t end) {
        for (std::size_t head = begin; head < end; ++head) {
          float* to = attentions.data() + (l * heads + head) * n * n;
          const float* from = c.attentions.data() + (l * heads + head) * old * old;
          for (std::size_t i = 0; i < first; ++i) std::copy_n(from + i * old, std::min(old, n), to + i * n);
          std::copy_n(layer.weights.data() + head * t * n, t * n, to + first * n);
        }
      });
      if (l == 0) rows(c.hidden.data(), a.embeddings.data(), d, hidden.data());
      rows(c.hidden.data() + (l + 1) * old * d, layer.output.data(), d, hidden.data() + (l + 1) * n * d);
      std::vector<float> q(n * q_width);
      rows(c.layers[l].q.data(), layer.q.data(), q_width, q.data());
      c.layers[l].q = std::move(q);
      if (run.projections) append(out.queries, c.layers[l].q), append(out.keys, layer.k), append(out.values, layer.v);
      if (run.trace && run.trace->layer == l) out.trace = trace_of(net, l, run.trace->head, n, layer);
    }, ablated, first, &c);
    rows(c.last.data(), net.arch->final_norm ? a.normed.data() : a.layers.back().output.data(), d, last.data());
  }
  if (run.predict) {
    // Rows before `reused` keep their predictions: the same k, the same target, inside the shared prefix.
    std::vector<std::int32_t> targets = run.targets;
    targets.resize(n, -1);
    std::size_t reused = run.predict == c.k ? std::min(first, c.predicted) : 0;
    for (std::size_t i = 0; i < reused; ++i) if (c.targets[i] != targets[i]) reused = i;
    std::vector<double> losses;
    Predictions fresh;
    if (reused < n) {
      fresh = predict(net, last.data() + reused * d, n - reused, run.predict,
                      std::vector<std::int32_t>(targets.begin() + std::ptrdiff_t(reused), targets.end()), &losses);
    }
    const std::size_t k = run.predict;
    Predictions& p = out.predictions;
    p.k = k;
    p.ids.assign(c.top_ids.begin(), c.top_ids.begin() + std::ptrdiff_t(reused * k)), append(p.ids, fresh.ids);
    p.probs.assign(c.top_probs.begin(), c.top_probs.begin() + std::ptrdiff_t(reused * k)), append(p.probs, fresh.probs);
    p.target_probs.assign(c.target_probs.begin(), c.target_probs.begin() + std::ptrdiff_t(reused)), append(p.target_probs, fresh.target_probs);
    c.losses.resize(reused), append(c.losses, losses);
    p.loss = mean_loss(c.losses);
    c.k = k, c.predicted = n, c.targets = std::move(targets), c.top_ids = p.ids, c.top_probs = p.probs, c.target_probs = p.target_probs;
  } else {
    c.predicted = std::min(c.predicted, first);
  }
  if (net.arch->final_norm_in_hidden) std::copy(last.begin(), last.end(), hidden.end() - std::ptrdiff_t(n * d));
  if (run.logits) {
    out.logits.resize(n * h.vocab);
    head_logits(net, last.data(), n, [&](std::size_t v0, std::size_t count, const float* block) {
      for (std::size_t r = 0; r < count; ++r) for (std::size_t i = 0; i < n; ++i) out.logits[i * h.vocab + v0 + r] = block[r * n + i];
    });
  }
  if (!cache) {
    out.attentions = std::move(attentions);
    if (run.hidden) out.hidden = std::move(hidden);
    return out;
  }
  out.attentions = attentions;
  if (run.hidden) out.hidden = hidden;
  c.ids = ids, c.options = options, c.ablated = ablated, c.attentions = std::move(attentions), c.hidden = std::move(hidden), c.last = std::move(last);
  return out;
}

}  // namespace attn
