// The fast path and the reference against results computed by PyTorch (tools/fixtures/make_fixtures.py).
#include "helpers.hpp"

using namespace testing;

namespace {

struct TorchSdpaCase {
  const char* name;
  std::size_t n, m, dk, dv;
  bool causal;
  float scale;  // NaN: the default 1/sqrt(dk)
  std::vector<float> q, k, v;
  std::vector<std::uint8_t> keyMask;
  std::vector<float> weights, output;
};

struct TorchMhaCase {
  const char* name;
  std::size_t n, m, dModel, heads;
  bool causal;
  std::vector<float> x, context, wq, wk, wv, wo, bq, bk, bv, bo;
  std::vector<std::uint8_t> keyMask;
  std::vector<float> weights, output;
};

const TorchSdpaCase kSdpaCases[] = {
#define TORCH_SDPA_CASES
#include "torch_attention.inc"
#undef TORCH_SDPA_CASES
};

const TorchMhaCase kMhaCases[] = {
#define TORCH_MHA_CASES
#include "torch_attention.inc"
#undef TORCH_MHA_CASES
};

}  // namespace

TEST_CASE("scaled dot-product attention agrees with PyTorch", "[torch][attention]") {
  for (const auto& c : kSdpaCases) {
    attn::AttentionInput in;
    in.q = c.q, in.k = c.k, in.v = c.v;
    in.n = c.n, in.m = c.m, in.dk = c.dk, in.dv = c.dv;
    in.options.causal = c.causal;
    in.options.keyMask = c.keyMask;
    if (!std::isnan(c.scale)) in.options.scale = c.scale;
    const double scale = std::isnan(c.scale) ? 1.0 / std::sqrt(double(c.dk)) : c.scale;
    const auto tolerance = attention_tolerance(c.q, c.k, c.v, c.m, c.dk, scale);
    INFO(c.name);
    const auto fast = attn::scaled_dot_product_attention(in);
    CHECK_CLOSE(fast.weights, c.weights, tolerance.weights);
    CHECK_CLOSE(fast.output, c.output, tolerance.output);
    const auto reference = attn::reference::scaled_dot_product_attention(in);
    CHECK_CLOSE(reference.weights, c.weights, 4 * kEps);  // float64 both: only the final rounding differs
    CHECK_CLOSE(reference.output, c.output, 4 * kEps * max_abs(c.output) + 1e-30);
  }
}

TEST_CASE("multi-head attention agrees with torch.nn.MultiheadAttention", "[torch][multihead]") {
  for (const auto& c : kMhaCases) {
    attn::MultiHeadInput in;
    in.x = c.x, in.context = c.context;
    in.n = c.n, in.m = c.m, in.dModel = c.dModel, in.heads = c.heads;
    in.wq = c.wq, in.wk = c.wk, in.wv = c.wv, in.wo = c.wo;
    in.bq = c.bq, in.bk = c.bk, in.bv = c.bv, in.bo = c.bo;
    in.options.causal = c.causal;
    in.options.keyMask = c.keyMask;
    INFO(c.name);
    // Three float stages (projection, attention, output projection) over sums of dModel terms of size ~1.
    const double budget = 16.0 * (c.dModel + c.m + 4) * kEps;
    const auto fast = attn::multi_head_attention(in);
    CHECK_CLOSE(fast.weights, c.weights, budget);
    CHECK_CLOSE(fast.output, c.output, budget * std::max(1.0, max_abs(c.output)));
    // The reference rounds Q, K, V to float between stages; torch keeps float64 throughout.
    const auto reference = attn::reference::multi_head_attention(in);
    CHECK_CLOSE(reference.weights, c.weights, budget);
    CHECK_CLOSE(reference.output, c.output, budget * std::max(1.0, max_abs(c.output)));
  }
}
