// The fast entry points: validate, then run the kernels for the one arch this build targets (build_arch.hpp).
#include "attn/attention.hpp"
#include "build_arch.hpp"
#include "kernels.hpp"

namespace attn {

AttentionResult scaled_dot_product_attention(const AttentionInput& in) {
  validate(in);
  return kernels::scaled_dot_product_attention<BuildArch>(in);
}

MultiHeadResult multi_head_attention(const MultiHeadInput& given) {
  return kernels::multi_head_attention<BuildArch>(validated(given));
}

struct PreparedMultiHead::Packed : kernels::ProjectionPanels {};

PreparedMultiHead::PreparedMultiHead(const MultiHeadInput& projections)
    : dModel_(projections.dModel), heads_(projections.heads) {
  // The inputs' shape does not matter here: check the projections with a stand-in one-row input.
  MultiHeadInput check = projections;
  const std::vector<float> row(dModel_ > 0 && dModel_ <= kMaxDimension ? dModel_ : 0);
  check.x = row, check.context = {}, check.n = 1, check.m = 1, check.options = {};
  validated(check);
  auto own = [](View<float> v) { return std::vector<float>(v.data, v.data + v.size); };
  bq_ = own(projections.bq), bk_ = own(projections.bk), bv_ = own(projections.bv), bo_ = own(projections.bo);
  auto packed = std::make_shared<Packed>();
  kernels::pack_projections<BuildArch>(projections, *packed);
  packed_ = std::move(packed);
}

MultiHeadResult PreparedMultiHead::run(View<float> x, View<float> context, std::size_t n, std::size_t m,
                                       const AttentionOptions& options) const {
  MultiHeadInput in;
  in.x = x, in.context = context, in.n = n, in.m = m, in.dModel = dModel_, in.heads = heads_, in.options = options;
  in.bq = bq_, in.bk = bk_, in.bv = bv_, in.bo = bo_;  // wq..wo: only their packed form is used
  return kernels::multi_head_attention<BuildArch>(validated(in, false), packed_.get());
}

const char* simd_arch_name() { return BuildArch::name(); }

const char* version() { return ATTN_VERSION; }

}  // namespace attn
