// The one SIMD architecture this build's fast paths use. WASM SIMD cannot dispatch at run time, so the choice is
// made at compile time, and the JS loader picks between the SIMD and the no-SIMD build.
#pragma once

#include <xsimd/xsimd.hpp>

namespace attn {
#if defined(__wasm_simd128__)
using BuildArch = xsimd::wasm;
#elif defined(__wasm__) || defined(ATTN_NO_SIMD)
using BuildArch = xsimd::emulated<64>;  // two floats per batch: the same kernels with no SIMD instructions
#else
using BuildArch = xsimd::default_arch;  // the best arch the compiler targets, e.g. fma3<avx2> with -mavx2 -mfma
#endif
}  // namespace attn
