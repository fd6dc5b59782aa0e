// Building blocks shared by the trainable transformer (transformer.cpp) and loaded checkpoints (checkpoint.cpp).
// Row-major; shapes in the comments.
#pragma once

#include <cmath>
#include <cstddef>

#include "build_arch.hpp"
#include "kernels.hpp"

namespace attn::layers {

// c (n, p) = a (n, k) · b (k, p) + bias, or c += a · b; row-major with the given row strides.
inline void matmul(const float* a, std::size_t lda, const float* b, std::size_t ldb, const float* bias, std::size_t n,
                   std::size_t k, std::size_t p, float* c, std::size_t ldc, bool accumulate = false) {
  kernels::matmul<BuildArch>(a, lda, b, ldb, bias, n, k, p, c, ldc, accumulate);
}

// y (n, d) = (x - mean) / sqrt(var + eps) · gain + bias, per row; mean and rstd (n) are kept for a backward pass.
inline void layer_norm(const float* x, std::size_t n, std::size_t d, const float* gain, const float* bias, float eps,
                       float* y, float* mean, float* rstd) {
  for (std::size_t i = 0; i < n; ++i) {
    const float* row = x + i * d;
    double sum = 0, squares = 0;
    for (std::size_t c = 0; c < d; ++c) sum += row[c];
    const double mu = sum / double(d);
    for (std::size_t c = 0; c < d; ++c) squares += (row[c] - mu) * (row[c] - mu);
    mean[i] = float(mu);
    rstd[i] = float(1.0 / std::sqrt(squares / double(d) + double(eps)));
    for (std::size_t c = 0; c < d; ++c) y[i * d + c] = (row[c] - mean[i]) * rstd[i] * gain[c] + bias[c];
  }
}

// y (n, d) = x / rms(x) · gain (or · (1 + gain), Gemma's), per row of d columns with row stride ld (the same for
// y); rstd (n) kept. In double, like layer_norm; in place (y == x) works.
inline void rms_norm(const float* x, std::size_t n, std::size_t d, std::size_t ld, const float* gain, bool plus_one,
                     float eps, float* y, float* rstd) {
  for (std::size_t i = 0; i < n; ++i) {
    const float* row = x + i * ld;
    double squares = 0;
    for (std::size_t c = 0; c < d; ++c) squares += double(row[c]) * row[c];
    const double r = 1.0 / std::sqrt(squares / double(d) + double(eps));
    rstd[i] = float(r);
    for (std::size_t c = 0; c < d; ++c) y[i * ld + c] = float(row[c] * r) * (plus_one ? 1.0f + gain[c] : gain[c]);
  }
}

}  // namespace attn::layers
