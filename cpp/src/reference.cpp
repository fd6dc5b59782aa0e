// The reference implementation: plain loops, double accumulation, written to be read.
// Every fast kernel is tested against these functions.
#include <cmath>
#include <limits>
#include <vector>

#include "attn/attention.hpp"

namespace attn::reference {

void matmul(const float* a, const float* w, const float* bias, std::size_t n, std::size_t k, std::size_t p,
            float* out) {
  // a: (n, k), w: (k, p), bias: (p) or null, out: (n, p)
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < p; ++j) {
      double sum = bias ? bias[j] : 0.0;
      for (std::size_t t = 0; t < k; ++t) sum += double(a[i * k + t]) * double(w[t * p + j]);
      out[i * p + j] = float(sum);
    }
  }
}

void softmax(const double* logits, const std::uint8_t* visible, std::size_t len, float* out) {
  // Subtracting the largest visible logit keeps exp() <= 1, so huge logits cannot overflow.
  double largest = -std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < len; ++j) {
    if (visible[j]) largest = std::fmax(largest, logits[j]);
  }
  double sum = 0.0;
  std::vector<double> e(len, 0.0);
  for (std::size_t j = 0; j < len; ++j) {
    if (visible[j]) sum += e[j] = std::exp(logits[j] - largest);
  }
  // Nothing visible: sum == 0 and every weight stays 0 (not 0/0 = NaN).
  for (std::size_t j = 0; j < len; ++j) out[j] = sum > 0.0 ? float(e[j] / sum) : 0.0f;
}

namespace {

// One head: q (n, dk) and k (m, dk) with row strides ldq and ldk, v (m, dv) with row stride ldv.
// Writes weights (n, m) and output (n, dv) with row stride ldo.
void attend(const float* q, std::size_t ldq, const float* k, std::size_t ldk, const float* v, std::size_t ldv,
            std::size_t n, std::size_t m, std::size_t dk, std::size_t dv, const AttentionOptions& options,
            float* weights, float* output, std::size_t ldo) {
  const double scale = options.scale ? double(*options.scale) : 1.0 / std::sqrt(double(dk));
  std::vector<double> logits(m);
  std::vector<std::uint8_t> visible(m);
  for (std::size_t i = 0; i < n; ++i) {
    float* row = weights + i * m;
    // Steps 1 and 2: scores q_i · k_j, scaled.
    for (std::size_t j = 0; j < m; ++j) {
      double dot = 0.0;
      for (std::size_t t = 0; t < dk; ++t) dot += double(q[i * ldq + t]) * double(k[j * ldk + t]);
      logits[j] = dot * scale;
      if (options.softcap > 0) logits[j] = options.softcap * std::tanh(logits[j] / options.softcap) * options.post_scale;
      // Masks: a padding key is never visible; with causal, query i sees keys 0..i only; a window hides keys
      // `window` or more positions back.
      visible[j] = (options.keyMask.empty() || options.keyMask[j]) && (!options.causal || j <= i) &&
                   (options.window == 0 || j + options.window > i);
    }
    // Step 3: softmax over the visible keys.
    softmax(logits.data(), visible.data(), m, row);
    // Step 4: output_i = sum_j weight_ij * v_j.
    for (std::size_t c = 0; c < dv; ++c) {
      double sum = 0.0;
      for (std::size_t j = 0; j < m; ++j) sum += double(row[j]) * double(v[j * ldv + c]);
      output[i * ldo + c] = float(sum);
    }
  }
}

}  // namespace

AttentionResult scaled_dot_product_attention(const AttentionInput& in) {
  validate(in);
  const std::size_t h = in.heads, n = in.n, m = in.m, dk = in.dk, dv = in.dv;
  AttentionResult result{std::vector<float>(n * h * dv), std::vector<float>(h * n * m)};
  for (std::size_t head = 0; head < h; ++head) {
    attend(in.q.data + head * dk, h * dk, in.k.data + head * dk, h * dk, in.v.data + head * dv, h * dv, n, m, dk,
           dv, in.options, result.weights.data() + head * n * m, result.output.data() + head * dv, h * dv);
  }
  if (!in.options.weights) result.weights.clear();
  return result;
}

MultiHeadResult multi_head_attention(const MultiHeadInput& given) {
  const MultiHeadInput in = validated(given);
  const std::size_t n = in.n, m = in.m, d = in.dModel, dk = d / in.heads;
  auto bias = [](View<float> b) { return b.empty() ? nullptr : b.data; };

  // Project: Q (n, d), K (m, d), V (m, d).
  std::vector<float> q(n * d), k(m * d), v(m * d), heads(n * d);
  matmul(in.x.data, in.wq.data, bias(in.bq), n, d, d, q.data());
  matmul(in.context.data, in.wk.data, bias(in.bk), m, d, d, k.data());
  matmul(in.context.data, in.wv.data, bias(in.bv), m, d, d, v.data());

  // Head h reads and writes columns [h*dk, (h+1)*dk); heads (n, d) is the concatenation.
  MultiHeadResult result{std::vector<float>(n * d), std::vector<float>(in.heads * n * m)};
  for (std::size_t h = 0; h < in.heads; ++h) {
    const std::size_t col = h * dk;
    attend(q.data() + col, d, k.data() + col, d, v.data() + col, d, n, m, dk, dk, in.options,
           result.weights.data() + h * n * m, heads.data() + col, d);
  }
  matmul(heads.data(), in.wo.data, bias(in.bo), n, d, d, result.output.data());
  if (!in.options.weights) result.weights.clear();
  return result;
}

}  // namespace attn::reference
