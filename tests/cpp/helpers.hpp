// Shared test helpers: deterministic random data (identical natively and in wasm), tolerances that scale
// with the magnitude of the values, and the list of architectures every kernel is tested on.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "attn/attention.hpp"
#include "build_arch.hpp"
#include "kernels.hpp"

namespace testing {

// Every fast kernel runs on the arch of this build and on xsimd's emulated archs of 2 and 8 floats, whose
// tails differ from the build's. emulated<64> is also what the no-SIMD wasm build uses.
using attn::BuildArch;
using Emulated2 = xsimd::emulated<64>;
using Emulated8 = xsimd::emulated<256>;

constexpr double kEps = std::numeric_limits<float>::epsilon();

// xorshift64*: the same numbers on every platform (std distributions differ between libstdc++ and libc++).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  std::uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
  }
  float uniform(float lo, float hi) { return lo + (hi - lo) * float(next() >> 40) / float(1ull << 24); }
  std::vector<float> floats(std::size_t count, float lo = -1.0f, float hi = 1.0f) {
    std::vector<float> out(count);
    for (float& x : out) x = uniform(lo, hi);
    return out;
  }

 private:
  std::uint64_t state_;
};

// max |got - want|, the sizes checked first (attention weights, whose scale is 1).
inline double max_abs_difference(const std::vector<float>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  double worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(double(got[i]) - want[i]));
  return worst;
}

// max |got - want| / max |want|: the error relative to the values' scale (fixtures of whole layers).
inline double relative_error(const std::vector<float>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  double error = 0, scale = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    error = std::max(error, std::abs(double(got[i]) - want[i]));
    scale = std::max(scale, std::abs(want[i]));
  }
  return error / scale;
}

inline double max_abs(const std::vector<float>& values) {
  double largest = 0.0;
  for (float x : values) largest = std::max(largest, double(std::fabs(x)));
  return largest;
}

// Largest |actual - expected| divided by the allowed error `tolerance`; <= 1 passes. Reported on failure.
struct Comparison {
  double worst_ratio = 0.0;
  std::size_t worst_index = 0;
  double actual = 0.0, expected = 0.0;
};

inline Comparison compare(const std::vector<float>& actual, const std::vector<float>& expected, double tolerance) {
  REQUIRE(actual.size() == expected.size());
  Comparison c;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const double ratio = std::fabs(double(actual[i]) - double(expected[i])) / tolerance;
    if (!(ratio <= c.worst_ratio)) c = {ratio, i, actual[i], expected[i]};  // NaN also lands here
  }
  return c;
}

#define CHECK_CLOSE(actual_values, expected_values, tolerance)                                                \
  do {                                                                                                        \
    const auto cmp = ::testing::compare((actual_values), (expected_values), (tolerance));                    \
    INFO("worst at index " << cmp.worst_index << ": got " << cmp.actual << ", expected " << cmp.expected    \
                           << " (error " << cmp.worst_ratio << " x the tolerance " << (tolerance) << ")"); \
    CHECK(cmp.worst_ratio <= 1.0);                                                                            \
  } while (0)

// Error budgets for float computation against the double reference, proportional to eps × magnitude.
// A dot product of length k of values bounded by a and b is off by at most about k·eps·a·b; the
// softmax turns an error δ in the logits into a relative error of about 2δ in each weight.
struct AttentionTolerance {
  double weights;  // absolute, on values in [0, 1]
  double output;   // absolute
};

inline AttentionTolerance attention_tolerance(const std::vector<float>& q, const std::vector<float>& k,
                                              const std::vector<float>& v, std::size_t m, std::size_t dk,
                                              double scale) {
  const double logits = 4.0 * (dk + 2) * kEps * std::fabs(scale) * max_abs(q) * max_abs(k) + 4.0 * kEps;
  const double weights = 4.0 * logits + 8.0 * kEps;
  const double output = (4.0 * logits + 4.0 * (m + 2) * kEps) * std::max(max_abs(v), 1e-30);
  return {weights, output};
}

// A copy of `values` starting one float past a 16-byte boundary, so kernels cannot rely on alignment.
struct Misaligned {
  std::vector<float> storage;
  attn::View<float> view;
  explicit Misaligned(const std::vector<float>& values) : storage(values.size() + 8) {
    float* base = storage.data();
    while (reinterpret_cast<std::uintptr_t>(base) % 16 != 4) ++base;
    std::copy(values.begin(), values.end(), base);
    view = attn::View<float>(base, values.size());
  }
};

}  // namespace testing
