// Properties of the public fast path (this build's arch), each checked exactly where it must be exact.
#include <numeric>

#include "helpers.hpp"

using namespace testing;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

attn::AttentionInput make_input(const std::vector<float>& q, const std::vector<float>& k, const std::vector<float>& v,
                                std::size_t n, std::size_t m, std::size_t dk, std::size_t dv) {
  attn::AttentionInput in;
  in.q = q, in.k = k, in.v = v;
  in.n = n, in.m = m, in.dk = dk, in.dv = dv;
  return in;
}

// Multi-head attention of x (n, d) with identity projections and no biases.
attn::MultiHeadResult identity_multi_head(const std::vector<float>& x, std::size_t n, std::size_t d,
                                          std::size_t heads) {
  std::vector<float> identity(d * d, 0.0f);
  for (std::size_t i = 0; i < d; ++i) identity[i * d + i] = 1.0f;
  attn::MultiHeadInput in;
  in.x = x, in.n = n, in.dModel = d, in.heads = heads;
  in.wq = identity, in.wk = identity, in.wv = identity, in.wo = identity;
  return attn::multi_head_attention(in);
}

}  // namespace

TEST_CASE("a hand-computed two-token example", "[attention][exact]") {
  // q = [[1, 0], [0, 1]], k = [[1, 0], [0, 1]] (dk = 2): scores are the identity, scaled by 1/sqrt(2).
  // Row 0: softmax([1/√2, 0]) = [e^{1/√2}, 1] / (e^{1/√2} + 1).
  const std::vector<float> q = {1, 0, 0, 1}, k = {1, 0, 0, 1}, v = {10, 0, 0, 20};
  const auto result = attn::scaled_dot_product_attention(make_input(q, k, v, 2, 2, 2, 2));
  const double a = std::exp(1.0 / std::sqrt(2.0));
  const double high = a / (a + 1), low = 1 / (a + 1);
  CHECK_THAT(result.weights[0], WithinRel(high, 1e-6));
  CHECK_THAT(result.weights[1], WithinRel(low, 1e-6));
  CHECK_THAT(result.weights[2], WithinRel(low, 1e-6));
  CHECK_THAT(result.weights[3], WithinRel(high, 1e-6));
  CHECK_THAT(result.output[0], WithinRel(10 * high, 1e-6));
  CHECK_THAT(result.output[1], WithinRel(20 * low, 1e-6));
  CHECK_THAT(result.output[2], WithinRel(10 * low, 1e-6));
  CHECK_THAT(result.output[3], WithinRel(20 * high, 1e-6));
}

TEST_CASE("weight rows sum to one within 1e-6", "[attention][softmax]") {
  for (std::size_t m : {1, 3, 17, 64, 65, 200}) {
    Random random(m);
    const std::size_t n = 9, dk = 16;
    const auto q = random.floats(n * dk, -3, 3), k = random.floats(m * dk, -3, 3), v = random.floats(m * 4);
    const auto result = attn::scaled_dot_product_attention(make_input(q, k, v, n, m, dk, 4));
    for (std::size_t i = 0; i < n; ++i) {
      const double sum = std::accumulate(&result.weights[i * m], &result.weights[i * m + m], 0.0);
      CHECK_THAT(sum, WithinAbs(1.0, 1e-6));
    }
  }
}

TEST_CASE("causal attention gives exactly zero above the diagonal also when n != m", "[attention][causal]") {
  for (auto [n, m] : {std::pair<std::size_t, std::size_t>{7, 7}, {5, 9}, {9, 5}, {17, 17}}) {
    Random random(n * 100 + m);
    const auto q = random.floats(n * 8), k = random.floats(m * 8), v = random.floats(m * 3);
    auto in = make_input(q, k, v, n, m, 8, 3);
    in.options.causal = true;
    const auto result = attn::scaled_dot_product_attention(in);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < m; ++j) {
        if (j > i) CHECK(result.weights[i * m + j] == 0.0f);
        else CHECK(result.weights[i * m + j] > 0.0f);
      }
    }
    // Query 0 sees only key 0: its output is exactly v_0 (up to the rounding of 1·v).
    for (std::size_t c = 0; c < 3; ++c) CHECK_THAT(result.output[c], WithinRel(v[c], 1e-6f));
  }
}

TEST_CASE("masked keys get exactly zero weight and a fully masked row is all zero", "[attention][mask]") {
  const std::size_t n = 5, m = 6, dk = 4, dv = 3;
  Random random(42);
  const auto q = random.floats(n * dk), k = random.floats(m * dk), v = random.floats(m * dv);
  auto in = make_input(q, k, v, n, m, dk, dv);

  SECTION("padding mask") {
    const std::vector<std::uint8_t> mask = {1, 0, 1, 1, 0, 1};
    in.options.keyMask = mask;
    const auto result = attn::scaled_dot_product_attention(in);
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(result.weights[i * m + 1] == 0.0f);
      CHECK(result.weights[i * m + 4] == 0.0f);
    }
  }
  SECTION("every key masked") {
    const std::vector<std::uint8_t> mask(m, 0);
    in.options.keyMask = mask;
    const auto result = attn::scaled_dot_product_attention(in);
    CHECK(std::all_of(result.weights.begin(), result.weights.end(), [](float w) { return w == 0.0f; }));
    CHECK(std::all_of(result.output.begin(), result.output.end(), [](float o) { return o == 0.0f; }));
  }
  SECTION("causal plus a mask on key 0 hides everything from query 0 only") {
    const std::vector<std::uint8_t> mask = {0, 1, 1, 1, 1, 1};
    in.options.keyMask = mask;
    in.options.causal = true;
    const auto result = attn::scaled_dot_product_attention(in);
    for (std::size_t j = 0; j < m; ++j) CHECK(result.weights[j] == 0.0f);
    for (std::size_t c = 0; c < dv; ++c) CHECK(result.output[c] == 0.0f);
    CHECK(result.weights[1 * m + 1] == 1.0f);  // query 1 sees key 1 alone
  }
}

TEST_CASE("huge logits stay finite and correct", "[attention][edge]") {
  // dk = 1, scale 1: scores q·k are exact integers of 1e4 and more, whose exp would overflow float.
  const std::vector<float> q = {100.0f, -300.0f}, k = {100.0f, 99.0f, 300.0f, -400.0f}, v = {1, 2, 3, 4};
  auto in = make_input(q, k, v, 2, 4, 1, 1);
  in.options.scale = 1.0f;
  const auto result = attn::scaled_dot_product_attention(in);
  // Query 0: scores 1e4, 9900, 3e4, -4e4: all weight on key 2.
  // Query 1: scores -3e4, -29700, -9e4, 1.2e5: all weight on key 3.
  const std::vector<float> expected = {0, 0, 1, 0, 0, 0, 0, 1};
  CHECK(result.weights == expected);
  CHECK(result.output == std::vector<float>{3, 4});

  SECTION("two huge logits 1 apart split as e : 1") {
    const std::vector<float> q2 = {100.0f}, k2 = {100.0f, 99.99f}, v2 = {0, 1};
    auto in2 = make_input(q2, k2, v2, 1, 2, 1, 1);
    in2.options.scale = 1.0f;
    const auto r = attn::scaled_dot_product_attention(in2);
    // Scores 1e4 and 9999 (k2[1] rounds to 99.9899978..., so compute the exact difference in double).
    const double gap = 100.0 * (100.0 - double(99.99f));
    CHECK_THAT(r.weights[1], WithinRel(1.0 / (1.0 + std::exp(gap)), 1e-3));
  }
  SECTION("scores that overflow float still give finite weights") {
    const std::vector<float> q3 = {3e19f, 3e19f}, k3 = {3e19f, 3e19f, -3e19f, -3e19f, 0, 0}, v3 = {5, 6, 7};
    auto in3 = make_input(q3, k3, v3, 1, 3, 2, 1);
    const auto r = attn::scaled_dot_product_attention(in3);
    CHECK(r.weights == std::vector<float>{1, 0, 0});
    CHECK(r.output == std::vector<float>{5});
  }
  SECTION("an overflowed score times a scale of 0 (inf * 0 = NaN) still gives the right weights") {
    // Scale 0 makes every logit 0, so the answer is uniform; in float, score 0 is 2e40 = inf and inf * 0 is NaN.
    const std::vector<float> q4 = {1e20f, 1e20f}, k4 = {1e20f, 1e20f, 1, 1}, v4 = {2, 4};
    auto in4 = make_input(q4, k4, v4, 1, 2, 2, 1);
    in4.options.scale = 0.0f;
    const auto r = attn::scaled_dot_product_attention(in4);
    CHECK(r.weights == std::vector<float>{0.5f, 0.5f});
    CHECK(r.output == std::vector<float>{3});
  }
}

TEST_CASE("self-attention is permutation-equivariant", "[attention][property]") {
  // Permuting the tokens permutes the output rows and both axes of the weights.
  const std::size_t n = 11, dk = 7, dv = 5;
  Random random(5);
  const auto q = random.floats(n * dk), k = random.floats(n * dk), v = random.floats(n * dv);
  std::vector<std::size_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  for (std::size_t i = n - 1; i > 0; --i) std::swap(perm[i], perm[random.next() % (i + 1)]);
  auto permute = [&](const std::vector<float>& rows, std::size_t width) {
    std::vector<float> out(rows.size());
    for (std::size_t i = 0; i < n; ++i) std::copy_n(&rows[perm[i] * width], width, &out[i * width]);
    return out;
  };
  const auto qp = permute(q, dk), kp = permute(k, dk), vp = permute(v, dv);
  const auto base = attn::scaled_dot_product_attention(make_input(q, k, v, n, n, dk, dv));
  const auto moved = attn::scaled_dot_product_attention(make_input(qp, kp, vp, n, n, dk, dv));
  std::vector<float> expected_weights(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) expected_weights[i * n + j] = base.weights[perm[i] * n + perm[j]];
  }
  // Summation order changes with the permutation, so allow rounding, not more.
  CHECK_CLOSE(moved.weights, expected_weights, 16 * dk * kEps);
  CHECK_CLOSE(moved.output, permute(base.output, dv), 16 * (dk + n) * kEps);
}

TEST_CASE("cross-attention: n queries against m different keys and values", "[attention][cross]") {
  // Three queries, two keys. The queries pick their key by direction; scale 10 makes the choice sharp.
  const std::vector<float> q = {1, 0, 0, 1, 1, 1}, k = {1, 0, 0, 1}, v = {1, 2, 3, 4, 5, 6};
  auto in = make_input(q, k, v, 3, 2, 2, 3);
  in.options.scale = 10.0f;
  const auto result = attn::scaled_dot_product_attention(in);
  const double sharp = 1.0 / (1.0 + std::exp(-10.0));
  CHECK_THAT(result.weights[0], WithinRel(sharp, 1e-6));
  CHECK_THAT(result.weights[3], WithinRel(sharp, 1e-6));
  CHECK_THAT(result.weights[4], WithinRel(0.5, 1e-6));  // the third query is equally close to both
  CHECK_THAT(result.output[6], WithinRel(2.5, 1e-6));
  CHECK(result.output.size() == 9);
  CHECK(result.weights.size() == 6);
}

TEST_CASE("multi-head attention: one head equals single attention after the projections", "[multihead]") {
  // With identity projections and one head, MHA is plain self-attention of x with itself.
  const std::size_t n = 4, d = 3;
  Random random(9);
  const auto x = random.floats(n * d);
  const auto mha = identity_multi_head(x, n, d, 1);
  const auto single = attn::scaled_dot_product_attention(make_input(x, x, x, n, n, d, d));
  CHECK_CLOSE(mha.weights, single.weights, 8 * kEps);
  CHECK_CLOSE(mha.output, single.output, 8 * kEps);
}

TEST_CASE("multi-head attention: head h reads and writes only its own block of dk columns", "[multihead]") {
  // Identity projections, 2 heads of dk = 2: head 1's weights depend on columns 2-3 of x alone.
  const std::size_t n = 3, d = 4;
  Random random(11);
  const auto x = random.floats(n * d);
  const auto mha = identity_multi_head(x, n, d, 2);
  for (std::size_t h = 0; h < 2; ++h) {
    std::vector<float> block(n * 2);
    for (std::size_t i = 0; i < n; ++i) std::copy_n(&x[i * d + 2 * h], 2, &block[i * 2]);
    const auto single = attn::scaled_dot_product_attention(make_input(block, block, block, n, n, 2, 2));
    std::vector<float> head_weights(mha.weights.begin() + h * n * n, mha.weights.begin() + (h + 1) * n * n);
    std::vector<float> head_output(n * 2);
    for (std::size_t i = 0; i < n; ++i) std::copy_n(&mha.output[i * d + 2 * h], 2, &head_output[i * 2]);
    CHECK_CLOSE(head_weights, single.weights, 8 * kEps);
    CHECK_CLOSE(head_output, single.output, 8 * kEps);
  }
}
