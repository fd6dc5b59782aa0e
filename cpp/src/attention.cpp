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

const char* simd_arch_name() { return BuildArch::name(); }

}  // namespace attn
