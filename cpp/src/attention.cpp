// The fast entry points: validate, then run the kernels for the one arch this build targets. WASM SIMD cannot
// dispatch at run time, so the choice is made here at compile time and the JS loader picks between builds.
#include "attn/attention.hpp"
#include "kernels.hpp"

namespace attn {
namespace {
#if defined(__wasm_simd128__)
using BuildArch = xsimd::wasm;
#elif defined(__wasm__) || defined(ATTN_NO_SIMD)
using BuildArch = xsimd::emulated<64>;  // one float per batch: the same kernels with no SIMD instructions
#else
using BuildArch = xsimd::default_arch;  // the best arch the compiler targets, e.g. fma3<avx2> with -mavx2 -mfma
#endif
}  // namespace

AttentionResult scaled_dot_product_attention(const AttentionInput& in) {
  validate(in);
  return kernels::scaled_dot_product_attention<BuildArch>(in);
}

MultiHeadResult multi_head_attention(const MultiHeadInput& given) {
  return kernels::multi_head_attention<BuildArch>(validated(given));
}

const char* simd_arch_name() { return BuildArch::name(); }

}  // namespace attn
