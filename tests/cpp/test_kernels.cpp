// Every fast kernel against the double-precision reference, on every arch, at awkward sizes.
#include <iostream>

#include "helpers.hpp"

using namespace testing;

namespace {

const std::vector<std::size_t> kLengths = {1, 2, 3, 5, 7, 8, 9, 16, 17, 33, 64, 65};   // n, m
const std::vector<std::size_t> kWidths = {1, 3, 4, 5, 8, 15, 16, 17, 63, 64, 65};       // dk, dv

// Options rotate with the case number so that the sweeps cover them all without multiplying the count.
attn::AttentionOptions rotating_options(std::size_t index, std::size_t m, Random& random,
                                        std::vector<std::uint8_t>& mask) {
  attn::AttentionOptions options;
  options.causal = index % 3 == 1;
  if (index % 3 == 2) {
    mask.resize(m);
    for (auto& bit : mask) bit = random.next() % 4 != 0;  // about a quarter masked, sometimes all of them
    options.keyMask = mask;
  }
  if (index % 4 == 3) options.scale = 0.37f;
  if (index % 7 == 5) options.window = 1 + index % 6;  // sliding windows, with and without a causal mask
  if (index % 11 == 6) options.softcap = 1.5f, options.post_scale = 0.8f;  // Gemma 2's capped scores (and a temperature)
  return options;
}

// heads independent attentions side by side (q (n, heads·dk), ...). Every fifth case asks for no weights: the
// rows then go through a small block of scores instead of the weights matrix, and must give the same output.
template <class Arch>
void check_attention_case(std::size_t index, std::size_t n, std::size_t m, std::size_t dk, std::size_t dv,
                          std::size_t heads = 1) {
  Random random(index * 7919 + n * 131 + m * 17 + dk * 3 + dv);
  const auto q = random.floats(n * heads * dk), k = random.floats(m * heads * dk);
  const auto v = random.floats(m * heads * dv, -2.0f, 2.0f);
  std::vector<std::uint8_t> mask;
  attn::AttentionInput in;
  in.n = n, in.m = m, in.dk = dk, in.dv = dv, in.heads = heads;
  in.options = rotating_options(index, m, random, mask);
  in.options.weights = index % 5 != 4;
  // Misaligned copies: the kernels use unaligned loads and must not care.
  const Misaligned mq(q), mk(k), mv(v);
  in.q = mq.view, in.k = mk.view, in.v = mv.view;

  const auto expected = attn::reference::scaled_dot_product_attention(in);
  const auto actual = attn::kernels::scaled_dot_product_attention<Arch>(in);
  const double scale = in.options.scale ? *in.options.scale : 1.0 / std::sqrt(double(dk));
  const auto tolerance = attention_tolerance(q, k, v, m, dk, scale);
  INFO("n=" << n << " m=" << m << " dk=" << dk << " dv=" << dv << " heads=" << heads << " causal="
            << in.options.causal << " mask=" << !mask.empty() << " weights=" << in.options.weights << " window="
            << in.options.window << " softcap=" << in.options.softcap
            << " arch=" << Arch::name());
  CHECK(actual.weights.size() == (in.options.weights ? heads * n * m : 0));
  CHECK_CLOSE(actual.weights, expected.weights, tolerance.weights);
  CHECK_CLOSE(actual.output, expected.output, tolerance.output);
}

}  // namespace

TEMPLATE_TEST_CASE("matmul matches the reference at awkward sizes with bias and row strides", "[kernel][matmul]",
                   BuildArch, Emulated2, Emulated8) {
  const std::vector<std::size_t> depths = {1, 3, 17, 64};
  std::size_t index = 0;
  for (std::size_t n : kLengths) {
    for (std::size_t p : kWidths) {
      const std::size_t k = depths[index % depths.size()];
      const bool with_bias = index % 2 == 0;
      const std::size_t pad = index % 3;  // extra floats at the end of each row: lda, ldb, ldc > row length
      Random random(index++);
      const auto a = random.floats(n * (k + pad)), b = random.floats(k * (p + pad)), bias = random.floats(p);

      // The reference wants dense rows; pack them.
      std::vector<float> a_dense(n * k), b_dense(k * p), expected(n * p);
      for (std::size_t i = 0; i < n; ++i) std::copy_n(&a[i * (k + pad)], k, &a_dense[i * k]);
      for (std::size_t t = 0; t < k; ++t) std::copy_n(&b[t * (p + pad)], p, &b_dense[t * p]);
      attn::reference::matmul(a_dense.data(), b_dense.data(), with_bias ? bias.data() : nullptr, n, k, p,
                              expected.data());

      std::vector<float> c(n * (p + pad), -7.0f), actual(n * p);
      attn::kernels::matmul<TestType>(a.data(), k + pad, b.data(), p + pad, with_bias ? bias.data() : nullptr, n,
                                      k, p, c.data(), p + pad);
      for (std::size_t i = 0; i < n; ++i) {
        std::copy_n(&c[i * (p + pad)], p, &actual[i * p]);
        // The padding past each row stays untouched.
        for (std::size_t j = p; j < p + pad; ++j) REQUIRE(c[i * (p + pad) + j] == -7.0f);
      }
      INFO("n=" << n << " k=" << k << " p=" << p << " arch=" << TestType::name());
      CHECK_CLOSE(actual, expected, 2.0 * (k + 2) * kEps);  // |a|, |b|, |bias| <= 1

      // Accumulating a second product: c += a · b gives twice the product (plus the bias once).
      attn::kernels::matmul<TestType>(a.data(), k + pad, b.data(), p + pad, nullptr, n, k, p, c.data(), p + pad, true);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < p; ++j) {
          const float twice = 2 * expected[i * p + j] - (with_bias ? bias[j] : 0.0f);
          REQUIRE(std::fabs(c[i * (p + pad) + j] - twice) <= 4.0 * (k + 2) * kEps);
        }
        for (std::size_t j = p; j < p + pad; ++j) REQUIRE(c[i * (p + pad) + j] == -7.0f);
      }
    }
  }
}

TEMPLATE_TEST_CASE("masked softmax matches the reference for every length and mask and causal setting",
                   "[kernel][softmax]", BuildArch, Emulated2, Emulated8) {
  std::size_t index = 0;
  for (std::size_t m : kLengths) {
    for (int variant = 0; variant < 4; ++variant, ++index) {
      const bool causal = variant & 1, masked = variant & 2;
      const std::size_t n = m;  // square, so causal rows have every length from 1 to m
      Random random(index);
      const float scale = 0.5f + float(variant);
      // Logits up to ±30 after scaling: exp spans 26 orders of magnitude.
      auto scores = random.floats(n * m, -30.0f / scale, 30.0f / scale);
      std::vector<std::uint8_t> mask(m, 1);
      if (masked) for (auto& bit : mask) bit = random.next() % 3 != 0;

      std::vector<float> expected(n * m), hidden(m);
      std::vector<double> logits(m);
      std::vector<std::uint8_t> visible(m);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < m; ++j) {
          logits[j] = double(scores[i * m + j]) * scale;
          visible[j] = mask[j] && (!causal || j <= i);
        }
        attn::reference::softmax(logits.data(), visible.data(), m, &expected[i * m]);
      }
      attn::kernels::masked_softmax<TestType>(scores.data(), m, n, m, scale, masked ? mask.data() : nullptr, causal, 0,
                                              hidden.data());
      INFO("m=" << m << " causal=" << causal << " masked=" << masked << " arch=" << TestType::name());
      // Logits of magnitude 30 carry a rounding error of about 30·eps, which exp turns into a relative error.
      CHECK_CLOSE(scores, expected, 8.0 * 30.0 * kEps);
    }
  }
}

TEMPLATE_TEST_CASE("unnormalised softmax rows times their inverse sums are the normalised rows", "[kernel][softmax]",
                   BuildArch, Emulated2, Emulated8) {
  std::size_t index = 0;
  for (std::size_t m : kLengths) {
    for (int variant = 0; variant < 4; ++variant, ++index) {
      const bool causal = variant & 1, masked = variant & 2;
      const std::size_t n = m + 2;  // two rows more than keys: causal rows of every length, then full ones
      Random random(1000 + index);
      auto scores = random.floats(n * m, -20.0f, 20.0f);
      if (m > 2) scores[m + 1] = std::numeric_limits<float>::infinity();  // row 1 overflows: the scalar rescue
      std::vector<std::uint8_t> mask(m, 1);
      if (masked) for (auto& bit : mask) bit = random.next() % 3 != 0;
      if (masked && m > 1) mask[0] = 0;  // causal row 0 then sees no key: zeros, inverse 0
      std::vector<float> normalised = scores, hidden(m), inverse_sums(n, -1.0f);
      attn::kernels::masked_softmax<TestType>(normalised.data(), m, n, m, 0.7f, masked ? mask.data() : nullptr, causal, 0,
                                              hidden.data());
      attn::kernels::masked_softmax<TestType>(scores.data(), m, n, m, 0.7f, masked ? mask.data() : nullptr, causal, 0,
                                              hidden.data(), 0, 0, 1, inverse_sums.data());
      attn::kernels::scale_rows<TestType>(scores.data(), m, n, m, inverse_sums.data());
      INFO("m=" << m << " causal=" << causal << " masked=" << masked << " arch=" << TestType::name());
      for (float inverse : inverse_sums) CHECK((inverse >= 0.0f && inverse <= 1.0f));
      CHECK_CLOSE(scores, normalised, 4.0 * kEps);
    }
  }
}

TEMPLATE_TEST_CASE("repeated multi-head calls of growing and shrinking sizes give each size's first output",
                   "[kernel][multihead]", BuildArch, Emulated2) {
  // The kernels keep their buffers between calls: a smaller call after a larger one must not read what the
  // larger one left, and a larger one after must not see the smaller one's sizes.
  struct Case { std::size_t n, m, dModel, heads; bool weights; };
  const Case cases[] = {{33, 17, 24, 4, true}, {3, 5, 8, 2, false}, {65, 65, 48, 12, false}, {1, 1, 4, 1, true}};
  std::vector<std::vector<float>> first_outputs, first_weights;
  for (int round = 0; round < 2; ++round) {
    std::size_t index = 0;
    for (const Case& c : cases) {
      Random random(500 + index);
      const std::size_t d = c.dModel;
      const auto x = random.floats(c.n * d), context = random.floats(c.m * d);
      const auto wq = random.floats(d * d), wk = random.floats(d * d), wv = random.floats(d * d), wo = random.floats(d * d);
      attn::MultiHeadInput in;
      in.x = x, in.context = context, in.n = c.n, in.m = c.m, in.dModel = d, in.heads = c.heads;
      in.wq = wq, in.wk = wk, in.wv = wv, in.wo = wo;
      in.options.weights = c.weights;
      const auto result = attn::kernels::multi_head_attention<TestType>(attn::validated(in));
      INFO("round=" << round << " n=" << c.n << " m=" << c.m << " dModel=" << d << " arch=" << TestType::name());
      if (round == 0) {
        first_outputs.push_back(result.output), first_weights.push_back(result.weights);
      } else {
        CHECK(result.output == first_outputs[index]);
        CHECK(result.weights == first_weights[index]);
      }
      ++index;
    }
  }
}

TEMPLATE_TEST_CASE("gelu matches the formula in double at every length and at extreme values", "[kernel][gelu]",
                   BuildArch, Emulated2, Emulated8) {
  const auto expected_of = [](float x) {
    const double v = x;
    return float(0.5 * v * (1.0 + std::tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))));
  };
  for (std::size_t count : kLengths) {
    Random random(count);
    auto in = random.floats(count, -8.0f, 8.0f);
    std::vector<float> out(count), expected(count);
    attn::kernels::gelu<TestType>(in.data(), out.data(), count);
    for (std::size_t i = 0; i < count; ++i) expected[i] = expected_of(in[i]);
    INFO("count=" << count << " arch=" << TestType::name());
    CHECK_CLOSE(out, expected, 8.0 * 8.0 * kEps);  // |x| <= 8: a few eps of the largest output
  }
  // Far tails (tanh saturates: x or 0), zero, tiny values, in every lane position.
  const std::vector<float> extremes = {0.0f, -0.0f, 1e-30f, -1e-30f, 40.0f, -40.0f, 1e4f, -1e4f, 3.0f, -3.0f, 0.5f};
  std::vector<float> out(extremes.size());
  attn::kernels::gelu<TestType>(extremes.data(), out.data(), extremes.size());
  for (std::size_t i = 0; i < extremes.size(); ++i) {
    INFO("x=" << extremes[i] << " arch=" << TestType::name());
    CHECK(std::fabs(out[i] - expected_of(extremes[i])) <= 4 * kEps * std::max(1.0f, std::fabs(extremes[i])));
  }
}

TEST_CASE("widening float16 and bfloat16 gives every finite value exactly", "[kernel][widen]") {
  using attn::kernels::Storage;
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    const auto bits = std::uint16_t(h);
    const double sign = bits & 0x8000 ? -1 : 1;
    if ((bits & 0x7C00) != 0x7C00) {  // float16: 1 sign, 5 exponent, 10 mantissa bits
      const int exponent = (bits >> 10) & 0x1F, mantissa = bits & 0x3FF;
      const double value = sign * (exponent ? std::ldexp(1.0 + mantissa / 1024.0, exponent - 15) : std::ldexp(mantissa, -24));
      INFO("float16 0x" << std::hex << h);
      CHECK(double(attn::kernels::widen(bits, Storage::kF16)) == value);
      if (value == 0) CHECK(std::signbit(attn::kernels::widen(bits, Storage::kF16)) == (sign < 0));
    }
    if ((bits & 0x7F80) != 0x7F80) {  // bfloat16: a float32's top half
      const std::uint32_t wide = h << 16;
      float value;
      std::memcpy(&value, &wide, 4);
      INFO("bfloat16 0x" << std::hex << h);
      CHECK(attn::kernels::widen(bits, Storage::kBF16) == value);
    }
  }
  // The vector form gives the same, at lengths that leave tails.
  std::vector<std::uint16_t> halves(67);
  for (std::size_t i = 0; i < halves.size(); ++i) halves[i] = std::uint16_t(i * 977 % 0x7C00);
  std::vector<float> wide(halves.size());
  attn::kernels::widen(halves.data(), halves.size(), Storage::kF16, wide.data());
  for (std::size_t i = 0; i < halves.size(); ++i) CHECK(wide[i] == attn::kernels::widen(halves[i], Storage::kF16));
}

TEMPLATE_TEST_CASE("matmul with 16-bit panels equals matmul with their widened float32 panels", "[kernel][matmul][widen]",
                   BuildArch, Emulated2, Emulated8) {
  using attn::kernels::Storage;
  for (const Storage storage : {Storage::kF16, Storage::kBF16}) {
    for (const std::size_t n : {1, 2, 7, 65, 130}) {  // (one or two rows: widened inside the tile)
      for (const std::size_t p : {1, 9, 33}) {
        const std::size_t k = 19;
        Random random(n * 31 + p);
        std::vector<std::uint16_t> b(k * p);
        for (auto& x : b) x = std::uint16_t(random.next() % 0x3C00);  // positive finite values below 1 in both formats
        std::vector<float> wide(b.size());
        attn::kernels::widen(b.data(), b.size(), storage, wide.data());
        const auto a = random.floats(n * k);
        attn::kernels::Panels half_panels, float_panels;
        attn::kernels::pack_panels<TestType>(b.data(), p, 1, k, p, half_panels, storage);
        attn::kernels::pack_panels<TestType>(wide.data(), p, 1, k, p, float_panels);
        std::vector<float> from_half(n * p), from_float(n * p);
        attn::kernels::matmul<TestType>(a.data(), k, half_panels, nullptr, n, k, p, from_half.data(), p);
        attn::kernels::matmul<TestType>(a.data(), k, float_panels, nullptr, n, k, p, from_float.data(), p);
        INFO("n=" << n << " p=" << p << " arch=" << TestType::name());
        CHECK(from_half == from_float);
      }
    }
  }
}

TEMPLATE_TEST_CASE("panels of a transposed 16-bit matrix hold its columns, zero-padded", "[kernel][matmul][widen]",
                   BuildArch, Emulated2, Emulated8) {
  // B (k, p) = the transpose of rows (p, ld): what the output head packs of a 16-bit table's block of tokens
  // (blocks of 8 × 8 in registers in the SIMD wasm build, the rest element by element).
  constexpr std::size_t P = attn::kernels::kPanelWidth<TestType>;
  for (const std::size_t k : {3, 8, 19, 24, 33}) {
    for (const std::size_t p : {1, 8, 16, 21, 40}) {
      const std::size_t ld = k + 5;
      std::vector<std::uint16_t> rows(p * ld);
      for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = std::uint16_t(i * 2654435761u >> 7);
      attn::kernels::Panels panels;
      attn::kernels::pack_panels<TestType>(rows.data(), 1, ld, k, p, panels, attn::kernels::Storage::kF16);
      INFO("k=" << k << " p=" << p << " arch=" << TestType::name());
      REQUIRE(panels.half.size() == (p + P - 1) / P * k * P);
      bool same = true;
      for (std::size_t j = 0; j * P < p; ++j) {
        for (std::size_t t = 0; t < k; ++t) {
          for (std::size_t c = 0; c < P; ++c) {
            const std::uint16_t want = j * P + c < p ? rows[(j * P + c) * ld + t] : 0;
            same = same && panels.half[(j * k + t) * P + c] == want;
          }
        }
      }
      CHECK(same);
    }
  }
}

TEMPLATE_TEST_CASE("silu matches the formula in double at every length and at extreme values", "[kernel][silu]",
                   BuildArch, Emulated2, Emulated8) {
  const auto expected_of = [](float x) { return float(double(x) / (1.0 + std::exp(-double(x)))); };
  for (std::size_t count : kLengths) {
    Random random(count);
    auto in = random.floats(count, -8.0f, 8.0f);
    std::vector<float> out(count), expected(count);
    attn::kernels::silu<TestType>(in.data(), out.data(), count);
    for (std::size_t i = 0; i < count; ++i) expected[i] = expected_of(in[i]);
    INFO("count=" << count << " arch=" << TestType::name());
    CHECK_CLOSE(out, expected, 8.0 * 8.0 * kEps);
  }
  const std::vector<float> extremes = {0.0f, -0.0f, 1e-30f, -1e-30f, 40.0f, -40.0f, 1e4f, -1e4f, 3.0f, -3.0f, 0.5f};
  std::vector<float> out(extremes.size());
  attn::kernels::silu<TestType>(extremes.data(), out.data(), extremes.size());
  for (std::size_t i = 0; i < extremes.size(); ++i) {
    INFO("x=" << extremes[i] << " arch=" << TestType::name());
    CHECK(std::fabs(out[i] - expected_of(extremes[i])) <= 4 * kEps * std::max(1.0f, std::fabs(extremes[i])));
  }
}

TEMPLATE_TEST_CASE("attention matches the reference over every pair of sequence lengths", "[kernel][attention]",
                   BuildArch, Emulated2, Emulated8) {
  std::size_t index = 0;
  for (std::size_t n : kLengths) {
    for (std::size_t m : kLengths) {
      const std::size_t dk = kWidths[index % kWidths.size()], dv = kWidths[(index * 5 + 3) % kWidths.size()];
      check_attention_case<TestType>(index++, n, m, dk, dv);
    }
  }
}

TEMPLATE_TEST_CASE("attention matches the reference over every pair of head widths", "[kernel][attention]",
                   BuildArch, Emulated2, Emulated8) {
  std::size_t index = 0;
  for (std::size_t dk : kWidths) {
    for (std::size_t dv : kWidths) {
      const std::size_t n = kLengths[index % kLengths.size()], m = kLengths[(index * 7 + 2) % kLengths.size()];
      check_attention_case<TestType>(index++, n, m, dk, dv);
    }
  }
}

// Long key rows: the query rows go in blocks (kernels::rows_per_block), so blocks, their causal key ranges and
// the last partial block are all exercised; several heads share the scratch.
TEMPLATE_TEST_CASE("attention over long key rows matches the reference block by block", "[kernel][attention]",
                   BuildArch, Emulated2, Emulated8) {
  struct Case { std::size_t n, m, dk, dv, heads; };
  const Case cases[] = {{100, 1500, 5, 7, 1}, {61, 2300, 16, 3, 3}, {130, 700, 17, 17, 2}, {7, 4100, 3, 4, 1},
                        {97, 1200, 8, 9, 2}};
  CHECK(attn::kernels::rows_per_block<TestType>(1500) < 100);  // several blocks per head in the first case
  std::size_t index = 0;
  for (const Case& c : cases) {
    for (int variant = 0; variant < 5; ++variant) check_attention_case<TestType>(index++, c.n, c.m, c.dk, c.dv, c.heads);
  }
}

TEMPLATE_TEST_CASE("multi-head attention matches the reference for 1 2 4 and 12 heads", "[kernel][multihead]",
                   BuildArch, Emulated2, Emulated8) {
  struct Case { std::size_t n, m, dModel, heads; bool cross, causal, masked, biased; };
  const Case cases[] = {
      {1, 1, 4, 1, false, false, false, false}, {5, 5, 6, 2, false, true, false, true},
      {7, 7, 16, 4, false, false, true, true},  {3, 9, 12, 4, true, false, false, true},
      {17, 5, 24, 12, true, true, true, false}, {16, 16, 48, 12, false, true, false, true},
      {33, 33, 20, 4, false, false, true, true}, {9, 2, 36, 12, true, false, true, true},
  };
  std::size_t index = 0;
  for (const Case& c : cases) {
    Random random(index++);
    const std::size_t d = c.dModel;
    const float w = 1.0f / std::sqrt(float(d));
    const auto x = random.floats(c.n * d), context = random.floats(c.m * d);
    const auto wq = random.floats(d * d, -w, w), wk = random.floats(d * d, -w, w);
    const auto wv = random.floats(d * d, -w, w), wo = random.floats(d * d, -w, w);
    const auto bq = random.floats(d), bk = random.floats(d), bv = random.floats(d), bo = random.floats(d);
    std::vector<std::uint8_t> mask(c.m, 1);
    for (auto& bit : mask) bit = random.next() % 3 != 0;

    attn::MultiHeadInput in;
    in.x = x, in.n = c.n, in.m = c.m, in.dModel = d, in.heads = c.heads;
    if (c.cross) in.context = context;
    in.wq = wq, in.wk = wk, in.wv = wv, in.wo = wo;
    if (c.biased) in.bq = bq, in.bk = bk, in.bv = bv, in.bo = bo;
    in.options.causal = c.causal;
    if (c.masked) in.options.keyMask = mask;

    const auto expected = attn::reference::multi_head_attention(in);
    const auto actual = attn::kernels::multi_head_attention<TestType>(attn::validated(in));
    // The same projections prepared once, run without weights: the same output, and no weights.
    const attn::PreparedMultiHead prepared(in);
    attn::AttentionOptions no_weights = in.options;
    no_weights.weights = false;
    const auto lean = prepared.run(in.x, in.context, in.n, in.m, no_weights);
    CHECK(lean.weights.empty());
    CHECK(lean.output == attn::multi_head_attention(attn::validated(in)).output);
    INFO("n=" << c.n << " m=" << c.m << " dModel=" << d << " heads=" << c.heads << " arch=" << TestType::name());
    // Projections are sums of d terms of size about 1·w (+ bias): magnitudes stay near 1-2, and the errors
    // of the three stages (projection, attention, output projection) add up.
    const double budget = 16.0 * (d + c.m + 4) * kEps;
    CHECK_CLOSE(actual.weights, expected.weights, budget);
    CHECK_CLOSE(actual.output, expected.output, budget * std::max(1.0, max_abs(expected.output)));
  }
}

// Not a check: prints the largest errors of the fast path against the reference on this build's arch, for
// reports. Run with `attn_tests "[.report]"` (hidden from the default run).
TEST_CASE("report the largest error against the reference", "[.report]") {
  double worst_weight = 0.0, worst_output = 0.0;  // absolute; weights are in [0, 1], outputs in [-2, 2]
  std::size_t index = 0;
  for (std::size_t n : kLengths) {
    for (std::size_t dk : kWidths) {
      Random random(index++);
      const std::size_t m = n, dv = dk;
      const auto q = random.floats(n * dk), k = random.floats(m * dk), v = random.floats(m * dv, -2.0f, 2.0f);
      attn::AttentionInput in;
      in.q = q, in.k = k, in.v = v, in.n = n, in.m = m, in.dk = dk, in.dv = dv;
      in.options.causal = index % 2 == 0;
      const auto expected = attn::reference::scaled_dot_product_attention(in);
      const auto actual = attn::scaled_dot_product_attention(in);
      for (std::size_t i = 0; i < actual.weights.size(); ++i) {
        worst_weight = std::max(worst_weight, double(std::fabs(actual.weights[i] - expected.weights[i])));
      }
      for (std::size_t i = 0; i < actual.output.size(); ++i) {
        worst_output = std::max(worst_output, double(std::fabs(actual.output[i] - expected.output[i])));
      }
    }
  }
  std::cout << "arch " << attn::simd_arch_name() << ": largest |fast - reference| over " << index
            << " attention cases: weights " << worst_weight << ", outputs " << worst_output << " (float eps "
            << kEps << ")\n";
  CHECK(worst_weight < 1e-5);
}
