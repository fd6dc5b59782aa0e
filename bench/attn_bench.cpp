// The C++ side of `npm run bench`, built natively and (for the peak only) as wasm:
//   attn_bench            the arithmetic peak of this build's SIMD, then the core's multi-head forward and
//                         attention alone at the benchmark shapes, each checked against the reference first
//   attn_bench --peak     the peak only
// Prints one JSON object. Single thread. Timings: median of at least 5 runs, more until 0.3 s have passed.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "attn/attention.hpp"
#include "build_arch.hpp"
#include "kernels.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// Median milliseconds of `run`, after one warm-up call.
template <class F>
double median_ms(F&& run) {
  run();
  std::vector<double> samples;
  const auto start = Clock::now();
  while (samples.size() < 5 || (seconds(start) < 0.3 && samples.size() < 1000)) {
    const auto t = Clock::now();
    run();
    samples.push_back(seconds(t) * 1e3);
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

// kChains independent chains acc = acc·a + b, `iterations` times, on registers. Not inlined and called many times:
// V8 runs a wasm function in its baseline tier until a later call (no on-stack replacement), so one long call
// would time the baseline code.
constexpr std::size_t kChains = 12;
using PeakBatch = attn::kernels::Batch<attn::BuildArch>;

[[gnu::noinline]] void chains(PeakBatch* state, PeakBatch a, PeakBatch b, std::size_t iterations) {
  PeakBatch acc[kChains];
  for (std::size_t c = 0; c < kChains; ++c) acc[c] = state[c];
  for (std::size_t i = 0; i < iterations; ++i) {
    for (std::size_t c = 0; c < kChains; ++c) acc[c] = xsimd::fma(acc[c], a, b);
  }
  for (std::size_t c = 0; c < kChains; ++c) state[c] = acc[c];
}

// The most multiply-adds per second this arch can do, with no memory traffic. 12 chains hide the latency on
// SSE/AVX2 (FMA) and wasm SIMD128 (mul + add) without spilling registers. Best of 5 rounds after a warm-up.
double peak_gflops() {
  volatile float seed = 0.999f;  // not a constant: the chains cannot be folded away
  const PeakBatch a(seed), b(seed * 1e-3f);
  PeakBatch state[kChains];
  for (std::size_t c = 0; c < kChains; ++c) state[c] = PeakBatch(float(c));
  constexpr std::size_t kCalls = 200, kIterations = 50'000;
  for (std::size_t call = 0; call < kCalls; ++call) chains(state, a, b, kIterations);  // warm-up, tier-up
  double best = 0;
  for (int round = 0; round < 5; ++round) {
    const auto start = Clock::now();
    for (std::size_t call = 0; call < kCalls; ++call) chains(state, a, b, kIterations);
    best = std::max(best, 2.0 * kChains * PeakBatch::size * double(kCalls * kIterations) / seconds(start) / 1e9);
  }
  float sink = 0;
  for (std::size_t c = 0; c < kChains; ++c) sink += xsimd::reduce_add(state[c]);
  if (sink == 12345.0f) std::puts("");  // keeps the result alive
  return best;
}

std::vector<float> random_floats(std::size_t count, std::uint32_t seed, float scale) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> uniform(-scale, scale);
  std::vector<float> out(count);
  for (float& x : out) x = uniform(random);
  return out;
}

// Largest |a - b| over the first `count` elements, relative to the largest |b| (at least 1).
double relative_error(const std::vector<float>& a, const std::vector<float>& b, std::size_t count) {
  double error = 0, largest = 1;
  for (std::size_t i = 0; i < count; ++i) {
    error = std::max(error, std::fabs(double(a[i]) - double(b[i])));
    largest = std::max(largest, std::fabs(double(b[i])));
  }
  return error / largest;
}

struct Shape { std::size_t n, d, heads; };

void bench_shape(const Shape& s, bool first) {
  const std::size_t n = s.n, d = s.d, dk = d / s.heads;
  const float w = 1.0f / std::sqrt(float(d));
  const auto x = random_floats(n * d, 1, 1.0f);
  const auto wq = random_floats(d * d, 2, w), wk = random_floats(d * d, 3, w), wv = random_floats(d * d, 4, w),
             wo = random_floats(d * d, 5, w);
  attn::MultiHeadInput projections;
  projections.dModel = d, projections.heads = s.heads;
  projections.wq = wq, projections.wk = wk, projections.wv = wv, projections.wo = wo;
  const attn::PreparedMultiHead prepared(projections);
  attn::AttentionOptions lean;
  lean.weights = false;

  // Correctness first, on the first rows (each query row is independent): the reference with those rows as
  // queries and every row as context.
  const std::size_t rows = std::min<std::size_t>(n, 16);
  const auto forward = prepared.run(x, {}, n, 0, lean);
  attn::MultiHeadInput slice = projections;
  slice.x = attn::View<float>(x.data(), rows * d), slice.context = x, slice.n = rows, slice.m = n;
  const double forward_error = relative_error(forward.output, attn::reference::multi_head_attention(slice).output, rows * d);

  const auto q = random_floats(n * d, 6, 1.0f), k = random_floats(n * d, 7, 1.0f), v = random_floats(n * d, 8, 1.0f);
  attn::AttentionInput in;
  in.q = q, in.k = k, in.v = v, in.n = n, in.m = n, in.dk = dk, in.dv = dk, in.heads = s.heads, in.options = lean;
  const auto attention = attn::scaled_dot_product_attention(in);
  attn::AttentionInput top = in;
  top.q = attn::View<float>(q.data(), rows * d), top.n = rows;
  const double attention_error = relative_error(attention.output, attn::reference::scaled_dot_product_attention(top).output, rows * d);

  const double forward_ms = median_ms([&] { prepared.run(x, {}, n, 0, lean); });
  const double attention_ms = median_ms([&] { attn::scaled_dot_product_attention(in); });
  std::printf("%s    {\"n\": %zu, \"dModel\": %zu, \"heads\": %zu, \"forward\": {\"ms\": %.6f, \"error\": %.3g}, "
              "\"attention\": {\"ms\": %.6f, \"error\": %.3g}}",
              first ? "" : ",\n", n, d, s.heads, forward_ms, forward_error, attention_ms, attention_error);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const bool peak_only = argc > 1 && std::strcmp(argv[1], "--peak") == 0;
  std::printf("{\n  \"arch\": \"%s\",\n  \"peakGflops\": %.2f", attn::simd_arch_name(), peak_gflops());
  if (!peak_only) {
    std::printf(",\n  \"shapes\": [\n");
    const Shape shapes[] = {{16, 64, 4}, {128, 256, 4}, {512, 768, 12}, {2048, 768, 12}};
    for (std::size_t i = 0; i < std::size(shapes); ++i) bench_shape(shapes[i], i == 0);
    std::printf("\n  ]");
  }
  std::printf("\n}\n");
  return 0;
}
