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

}  // namespace attn::layers
