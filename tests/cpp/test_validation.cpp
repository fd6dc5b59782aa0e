// Invalid arguments are rejected before any work, with a message that starts with the argument's name.
#include "helpers.hpp"

using Catch::Matchers::StartsWith;

namespace {

struct Valid {
  std::vector<float> q = std::vector<float>(2 * 3, 0.5f), k = std::vector<float>(4 * 3, 0.25f),
                     v = std::vector<float>(4 * 5, 1.0f);
  attn::AttentionInput input() const {
    attn::AttentionInput in;
    in.q = q, in.k = k, in.v = v;
    in.n = 2, in.m = 4, in.dk = 3, in.dv = 5;
    return in;
  }
};

template <class F>
std::string error_of(F&& call) {
  try {
    call();
  } catch (const attn::ArgumentError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("attention rejects bad arguments and names them", "[validation]") {
  Valid valid;
  auto in = valid.input();
  auto sdpa = [&] { attn::scaled_dot_product_attention(in); };
  auto reference = [&] { attn::reference::scaled_dot_product_attention(in); };

  SECTION("sizes of zero or over the limit") {
    in.n = 0;
    CHECK_THAT(error_of(sdpa), StartsWith("n: expected an integer in [1, 65536], got 0"));
    in = valid.input(), in.dv = attn::kMaxDimension + 1;
    CHECK_THAT(error_of(sdpa), StartsWith("dv: expected an integer in [1, 65536], got 65537"));
  }
  SECTION("wrong buffer lengths") {
    in.q.size = 5;
    CHECK(error_of(sdpa) == "q: expected n*dk = 6 floats, got 5");
    in = valid.input(), in.v.size = 21;
    CHECK(error_of(sdpa) == "v: expected m*dv = 20 floats, got 21");
    in = valid.input(), in.k = {};
    CHECK(error_of(sdpa) == "k: is required");
  }
  SECTION("products over the element limit") {
    in.n = 1 << 14, in.m = 1 << 14;
    CHECK_THAT(error_of(sdpa), StartsWith("weights: n*m = 268435456 elements exceeds the limit of 67108864"));
    in.options.weights = false;  // no weights matrix, no limit on n·m: the next check is q's length
    CHECK_THAT(error_of(sdpa), StartsWith("q: expected n*dk = 49152 floats, got 6"));
  }
  SECTION("several heads: the shapes say so") {
    in.heads = 0;
    CHECK_THAT(error_of(sdpa), StartsWith("heads: expected an integer in [1, 65536], got 0"));
    in.heads = 2;
    CHECK(error_of(sdpa) == "q: expected n*heads*dk = 12 floats, got 6");
  }
  SECTION("non-finite values anywhere in the inputs") {
    valid.k[7] = std::numeric_limits<float>::quiet_NaN();
    in = valid.input();
    CHECK(error_of(sdpa) == "k: element 7 is NaN; every value must be finite");
    valid.k[7] = 0, valid.v[19] = -std::numeric_limits<float>::infinity();
    in = valid.input();
    CHECK(error_of(sdpa) == "v: element 19 is infinite; every value must be finite");
  }
  SECTION("mask length and scale") {
    const std::vector<std::uint8_t> mask(3, 1);
    in.options.keyMask = mask;
    CHECK(error_of(sdpa) == "keyMask: expected m = 4 entries, got 3");
    in = valid.input(), in.options.scale = std::numeric_limits<float>::infinity();
    CHECK_THAT(error_of(sdpa), StartsWith("scale: expected a finite number"));
  }
  SECTION("the reference checks the same way") {
    in.dk = 0;
    CHECK_THAT(error_of(reference), StartsWith("dk: "));
  }
}

TEST_CASE("prepared multi-head attention checks its projections once and its inputs on every run", "[validation][multihead]") {
  const std::size_t d = 4;
  std::vector<float> w(d * d, 0.1f), x(3 * d, 1.0f);
  attn::MultiHeadInput projections;
  projections.dModel = d, projections.heads = 2, projections.wq = w, projections.wk = w, projections.wv = w,
  projections.wo = w;
  const attn::PreparedMultiHead prepared(projections);
  CHECK(error_of([&] { prepared.run(attn::View<float>(x.data(), 5), {}, 3, 0, {}); }) ==
        "x: expected n*dModel = 12 floats, got 5");
  CHECK(prepared.run(x, {}, 3, 0, {}).output.size() == 3 * d);
  std::vector<float> bad = w;
  bad[5] = std::numeric_limits<float>::quiet_NaN();
  projections.wk = bad;
  CHECK(error_of([&] { attn::PreparedMultiHead{projections}; }) == "wk: element 5 is NaN; every value must be finite");
  projections.wk = w, projections.heads = 3;
  CHECK(error_of([&] { attn::PreparedMultiHead{projections}; }) == "heads: must divide dModel = 4, got 3");
}

TEST_CASE("multi-head attention rejects bad arguments and names them", "[validation][multihead]") {
  const std::size_t n = 3, d = 6;
  const std::vector<float> x(n * d, 0.1f), w(d * d, 0.01f), b(d, 0.0f), context(5 * d, 0.2f);
  attn::MultiHeadInput in;
  in.x = x, in.n = n, in.dModel = d, in.heads = 2;
  in.wq = w, in.wk = w, in.wv = w, in.wo = w;
  const attn::MultiHeadInput valid = in;
  auto mha = [&] { attn::multi_head_attention(in); };

  CHECK(error_of(mha) == "(no error)");
  in.heads = 4;
  CHECK(error_of(mha) == "heads: must divide dModel = 6, got 4");
  in = valid, in.heads = 0;
  CHECK_THAT(error_of(mha), StartsWith("heads: expected an integer"));
  in = valid, in.wo.size = 35;
  CHECK(error_of(mha) == "wo: expected dModel*dModel = 36 floats, got 35");
  in = valid, in.bk = attn::View<float>(b.data(), 5);
  CHECK(error_of(mha) == "bk: expected dModel = 6 floats, got 5");
  in = valid, in.m = 5;
  CHECK_THAT(error_of(mha), StartsWith("context: is required when m (5) differs from n (3)"));
  in.context = context;
  CHECK(error_of(mha) == "(no error)");
  in.context.size = 29;
  CHECK(error_of(mha) == "context: expected m*dModel = 30 floats, got 29");
  in = valid, in.heads = 3, in.n = 1 << 13, in.m = 1 << 13;
  CHECK_THAT(error_of(mha), StartsWith("weights: heads*n*m = 201326592 elements exceeds the limit"));
}
