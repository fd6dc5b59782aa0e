// The fast kernels, written once with xsimd and templated on the architecture. Every length works: the softmax
// and GELU have a full-batch loop and a scalar tail, the matmul zero-pads its last panel of columns and stores
// only the real ones. A build instantiates them for one arch (see attention.cpp); the tests instantiate them for
// several, including xsimd::emulated (two or eight floats per batch compiled as scalar code).
//
// Scores and the weighted sum are both matrix products, so one register-tiled matmul does the heavy lifting:
//   scores  S (n, m)  = Q (n, dk) · Kᵀ (dk, m)
//   softmax P (n, m)  = softmax(scale · S + masks), fused in one pass per row
//   output  O (n, dv) = P (n, m) · V (m, dv)
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include <xsimd/xsimd.hpp>
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#include "attn/attention.hpp"

namespace attn::kernels {

template <class Arch>
using Batch = xsimd::batch<float, Arch>;

// Rows of A kept hot in cache while every column panel of B streams past them.
constexpr std::size_t kRowBlock = 64;

// The register tile of the matmul: `rows` rows of A × `batches` batches of B's columns, one accumulator each.
// Per step of k the tile holds its accumulators, `batches` loads of B, `rows` broadcasts of A and one product
// in registers; it must fit the register file the code really gets, or accumulators spill every step:
//  - native SSE / AVX2: 16 registers and a fused multiply-add: 6 × 2 (12 accumulators), the classic shape;
//  - wasm SIMD128 in V8: TurboFan keeps xmm15 as scratch (15 left) and hoists all of an iteration's loads to
//    its top, so 6 × 2 needs 12 + 2 + 6 + 1 = 21 and spilled 4 accumulators per step (seen with node
//    --print-wasm-code); 2 × 4 needs 8 + 4 + 2 + 1 = 15. Measured on a Zen 4 core, one tile on data in L1:
//    94 % of the SIMD128 peak against 78 % for 6 × 2; a whole 128 × 256 × 256 matmul 33.7 against 22 GFLOP/s;
//  - the no-SIMD wasm build (emulated<64>: 2 floats a batch, each a scalar register): 2 × 2, 8 scalar
//    accumulators; 8.6 against 4.4 GFLOP/s for 6 × 2.
template <class Arch>
struct Tile {
  static constexpr std::size_t rows = 6, batches = 2;
};
#if XSIMD_WITH_WASM
template <>
struct Tile<xsimd::wasm> {
  static constexpr std::size_t rows = 2, batches = 4;
};
#endif
template <>
struct Tile<xsimd::emulated<64>> {
  static constexpr std::size_t rows = 2, batches = 2;
};

// B as panels of Tile::batches·W columns, each stored row after row (k rows of that many floats; the last panel
// zero-padded), so the micro-kernel reads B as one contiguous stream with constant offsets. Made once per matrix:
// per call for a plain matmul, once per head for K and V, once per weight matrix in PreparedMultiHead.
// Cache-line aligned: vector loads never straddle two lines (wasm's malloc aligns to 8 bytes only, and the
// speed then depended on where the buffer happened to land).
using AlignedFloats = std::vector<float, xsimd::aligned_allocator<float, 64>>;
using AlignedHalves = std::vector<std::uint16_t, xsimd::aligned_allocator<std::uint16_t, 64>>;

// How panels keep their values: float32, or the 16 bits a float16 or bfloat16 file stores (half the memory),
// widened to float32 one panel at a time as the matmul reads them.
enum class Storage : std::uint8_t { kF32, kF16, kBF16 };

// Per-call buffers are kept between calls (thread_local), so that repeated calls neither allocate nor zero
// their memory; after a call, one that holds more than kKeptFloats is freed, so that a single large call does not
// pin its memory.
constexpr std::size_t kKeptFloats = std::size_t(1) << 20;  // 4 MiB of float32
template <class Buffer>
void trim(Buffer& buffer) {
  if (buffer.capacity() > kKeptFloats) Buffer().swap(buffer);
}

struct Panels {
  AlignedFloats data;   // float32 panels
  AlignedHalves half;   // or 16-bit panels in the same order
  Storage storage = Storage::kF32;
  std::size_t k = 0;    // B's rows: the length of each panel
  void trim() { kernels::trim(data), kernels::trim(half); }
};

template <class Arch>
constexpr std::size_t kPanelWidth = Tile<Arch>::batches * Batch<Arch>::size;

// A float16's or bfloat16's value, for finite inputs. float16: its exponent and mantissa shifted into a float's
// place are the value times 2^-112 (subnormals included), so one multiply rescales them; bfloat16 is a float's
// top half. Branch-free, so that the loop below vectorises.
inline float widen(std::uint16_t h, Storage storage) {
  std::uint32_t bits;
  if (storage == Storage::kBF16) {
    bits = std::uint32_t(h) << 16;
  } else {
    const std::uint32_t magnitude = std::uint32_t(h & 0x7FFF) << 13;
    float scaled;
    std::memcpy(&scaled, &magnitude, 4);
    scaled *= 0x1p112f;
    std::memcpy(&bits, &scaled, 4);
    bits |= std::uint32_t(h & 0x8000) << 16;
  }
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

// The same for `count` values. In the SIMD wasm build four at a time with the same bit operations (one load
// zero-extends four 16-bit words): it runs once per panel per block of rows in a 16-bit matmul, where a scalar
// loop cost 10 % of a GPT-2-sized forward at 32 tokens.
inline void widen(const std::uint16_t* in, std::size_t count, Storage storage, float* out) {
  std::size_t i = 0;
#if defined(__wasm_simd128__)
  if (storage == Storage::kBF16) {
    for (; i + 4 <= count; i += 4) wasm_v128_store(out + i, wasm_i32x4_shl(wasm_u32x4_load16x4(in + i), 16));
  } else {
    const v128_t magnitude = wasm_i32x4_splat(0x7FFF), sign = wasm_i32x4_splat(0x8000), scale = wasm_f32x4_splat(0x1p112f);
    for (; i + 4 <= count; i += 4) {
      const v128_t x = wasm_u32x4_load16x4(in + i);
      const v128_t value = wasm_f32x4_mul(wasm_i32x4_shl(wasm_v128_and(x, magnitude), 13), scale);
      wasm_v128_store(out + i, wasm_v128_or(value, wasm_i32x4_shl(wasm_v128_and(x, sign), 16)));
    }
  }
#endif
  for (; i < count; ++i) out[i] = widen(in[i], storage);
}
inline void widen_or_copy(const std::uint16_t* in, std::size_t count, Storage storage, float* out) { widen(in, count, storage, out); }
inline void widen_or_copy(const float* in, std::size_t count, Storage, float* out) { std::copy_n(in, count, out); }

#if defined(__wasm_simd128__)
// dst[j·dst_stride + r] = src[r·src_stride + j] for an 8 × 8 block of 16-bit values: eight rows loaded, transposed
// in registers (pairs of 16, then 32, then 64 bits interleaved), eight rows stored.
inline void transpose_8x8(const std::uint16_t* src, std::size_t src_stride, std::uint16_t* dst, std::size_t dst_stride) {
  v128_t v[8], a[8], b[8];
  for (std::size_t r = 0; r < 8; ++r) v[r] = wasm_v128_load(src + r * src_stride);
  for (std::size_t r = 0; r < 8; r += 2) {
    a[r] = wasm_i16x8_shuffle(v[r], v[r + 1], 0, 8, 1, 9, 2, 10, 3, 11);
    a[r + 1] = wasm_i16x8_shuffle(v[r], v[r + 1], 4, 12, 5, 13, 6, 14, 7, 15);
  }
  for (std::size_t r = 0; r < 8; r += 4) {
    b[r] = wasm_i32x4_shuffle(a[r], a[r + 2], 0, 4, 1, 5);
    b[r + 1] = wasm_i32x4_shuffle(a[r], a[r + 2], 2, 6, 3, 7);
    b[r + 2] = wasm_i32x4_shuffle(a[r + 1], a[r + 3], 0, 4, 1, 5);
    b[r + 3] = wasm_i32x4_shuffle(a[r + 1], a[r + 3], 2, 6, 3, 7);
  }
  for (std::size_t j = 0; j < 4; ++j) {
    wasm_v128_store(dst + (2 * j) * dst_stride, wasm_i64x2_shuffle(b[j], b[j + 4], 0, 2));
    wasm_v128_store(dst + (2 * j + 1) * dst_stride, wasm_i64x2_shuffle(b[j], b[j + 4], 1, 3));
  }
}
#endif

// Packs B (k, p) given as b(t, c) = b[t·row_stride + c·col_stride]: col_stride 1 for B itself, row_stride 1 for
// the transpose of a row-major matrix (Kᵀ from K, without a transposed copy). T is float, or uint16_t for the
// 16 bits of `storage` (kept as they are).
template <class Arch, class T = float>
void pack_panels(const T* b, std::size_t row_stride, std::size_t col_stride, std::size_t k, std::size_t p,
                 Panels& out, Storage storage = Storage::kF32) {
  constexpr std::size_t P = kPanelWidth<Arch>;
  const std::size_t panels = (p + P - 1) / P;
  out.k = k;
  out.storage = storage;
  auto& data = [&]() -> auto& {
    if constexpr (std::is_same_v<T, float>) return out.data;
    else return out.half;
  }();
  data.resize(panels * k * P);
  for (std::size_t j = 0; j < panels; ++j) {
    const std::size_t first = j * P, cols = std::min(P, p - first);
    T* dst = data.data() + j * k * P;
    std::size_t t0 = 0;  // rows [0, t0) are packed
#if defined(__wasm_simd128__)
    // The transpose of 16-bit rows (a 16-bit table's block of tokens, for the output head): blocks of 8 × 8 in
    // registers, where the scalar gather below cost half of the head's time for a row or two.
    if constexpr (std::is_same_v<T, std::uint16_t>) {
      if (row_stride == 1 && cols == P && P % 8 == 0) {
        for (; t0 + 8 <= k; t0 += 8) {
          for (std::size_t c = 0; c < P; c += 8) transpose_8x8(b + t0 + (first + c) * col_stride, col_stride, dst + t0 * P + c, P);
        }
      }
    }
#endif
    for (std::size_t t = t0; t < k; ++t) {
      const T* src = b + t * row_stride + first * col_stride;
      T* row = dst + t * P;
      for (std::size_t c = 0; c < cols; ++c) row[c] = src[c * col_stride];
      std::fill(row + cols, row + P, T(0));
    }
  }
}

// c[r][0, cols) = values[r][0, cols) + (c itself when accumulating, else bias), for `rows` rows; values (rows, P)
// 64-byte aligned. Whole batches with explicit vector loads and stores: the plain copy became a call to memmove
// per row, 8 % of a (16, 64, 4) multi-head call (it stores 2 rows of 16 floats per tile).
template <class Arch, std::size_t P>
[[gnu::noinline]] void store_tile(const float* values, std::size_t rows, float* c, std::size_t ldc, const float* bias,
                                  std::size_t cols, bool accumulate) {
  using B = Batch<Arch>;
  constexpr std::size_t W = B::size;
  for (std::size_t r = 0; r < rows; ++r, values += P, c += ldc) {
    std::size_t j = 0;
    if (accumulate) {
      for (; j + W <= cols; j += W) (B::load_aligned(values + j) + B::load_unaligned(c + j)).store_unaligned(c + j);
      for (; j < cols; ++j) c[j] += values[j];
    } else if (bias) {
      for (; j + W <= cols; j += W) (B::load_aligned(values + j) + B::load_unaligned(bias + j)).store_unaligned(c + j);
      for (; j < cols; ++j) c[j] = values[j] + bias[j];
    } else {
      for (; j + W <= cols; j += W) B::load_aligned(values + j).store_unaligned(c + j);
      for (; j < cols; ++j) c[j] = values[j];
    }
  }
}

// Rows [0, R) of C's panel = rows [0, R) of A (row stride lda) · one panel of B, plus bias (or plus C itself when
// accumulating). Only the first `cols` columns are stored. A is read where it is (no packed copy: with tiles
// of 2 rows that measured the same in wasm, and it is one copy of the input less per call); the loop's loads
// step by one float in A and one panel row in B, which leaves it almost nothing but the arithmetic.
// T = uint16_t: the panel's 16 bits (`storage`), each panel row widened as it is read (see matmul_columns).
template <class Arch, std::size_t R, class T = float>
void tile(const float* a, std::size_t lda, const T* panel, std::size_t k, Storage storage, const float* bias, float* c,
          std::size_t ldc, std::size_t cols, bool accumulate) {
  using B = Batch<Arch>;
  constexpr std::size_t W = B::size, U = Tile<Arch>::batches, P = U * W;
  B acc[R][U];
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t u = 0; u < U; ++u) acc[r][u] = B(0.0f);
  }
  for (std::size_t t = 0; t < k; ++t, ++a, panel += P) {
    B row[U];
    if constexpr (std::is_same_v<T, float>) {
      for (std::size_t u = 0; u < U; ++u) row[u] = B::load_unaligned(panel + u * W);
    } else {
      alignas(64) float wide[P];
      widen(panel, P, storage, wide);
      for (std::size_t u = 0; u < U; ++u) row[u] = B::load_aligned(wide + u * W);
    }
    for (std::size_t r = 0; r < R; ++r) {
      const B broadcast(a[r * lda]);
      for (std::size_t u = 0; u < U; ++u) acc[r][u] = xsimd::fma(broadcast, row[u], acc[r][u]);
    }
  }
  // The accumulators leave through a small buffer, and the bias, accumulation and partial panels are handled
  // after the loop by plain code: with those branches here the kernel ran 1.7x slower in V8 (most likely
  // accumulators spilled inside the loop).
  alignas(64) float values[R * P];
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t u = 0; u < U; ++u) acc[r][u].store_aligned(values + r * P + u * W);
  }
  store_tile<Arch, P>(values, R, c, ldc, bias, cols, accumulate);
}

// The tile for `rows` rows (1 to Tile<Arch>::rows): the full one for all but a matrix's last few rows.
template <class Arch, std::size_t R = Tile<Arch>::rows, class T = float>
void tile_rows(std::size_t rows, const float* a, std::size_t lda, const T* panel, std::size_t k, Storage storage, const float* bias,
               float* c, std::size_t ldc, std::size_t cols, bool accumulate) {
  if constexpr (R > 1) {
    if (rows < R) return tile_rows<Arch, R - 1, T>(rows, a, lda, panel, k, storage, bias, c, ldc, cols, accumulate);
  }
  tile<Arch, R, T>(a, lda, panel, k, storage, bias, c, ldc, cols, accumulate);
}

// c (n, p) = a (n, k) · B + bias (p), where `b` holds B with at least k rows and p columns (the first k and p
// are used); lda, ldc are row strides; bias may be null. With accumulate, c += a · B instead (bias must be null).
// Block by block of kRowBlock rows of A, every panel of B goes past the whole block while the block is in cache.
// matmul_columns computes only C's columns [col_begin, col_end), col_begin a multiple of the panel width (a
// thread's share), each exactly as the whole product would.
template <class Arch>
void matmul_columns(const float* a, std::size_t lda, const Panels& b, const float* bias, std::size_t n, std::size_t k,
                    std::size_t col_begin, std::size_t col_end, float* c, std::size_t ldc, bool accumulate = false) {
  constexpr std::size_t P = kPanelWidth<Arch>, R = Tile<Arch>::rows;
  const std::size_t p = col_end;
  // A 16-bit panel is widened once per block of rows, or, when the block is a single tile's rows (a text's last
  // token or two, computed again after a keystroke), row by row inside the tile: its float32 copy would be written
  // and read back from L2 for each panel of every weight matrix, for the work of one tile.
  thread_local AlignedFloats widened;  // (k, P): one 16-bit panel of B as float32
  const bool half = b.storage != Storage::kF32, in_tile = half && n <= R;
  if (half && !in_tile) widened.resize(b.k * P);
  for (std::size_t i0 = 0; i0 < n; i0 += kRowBlock) {
    const std::size_t rows = std::min(kRowBlock, n - i0);
    for (std::size_t col = col_begin; col < p; col += P) {
      const std::size_t start = col / P * b.k * P, cols = std::min(P, p - col);
      if (in_tile) {
        tile_rows<Arch, R, std::uint16_t>(rows, a + i0 * lda, lda, b.half.data() + start, k, b.storage, bias ? bias + col : nullptr,
                                          c + i0 * ldc + col, ldc, cols, accumulate);
        continue;
      }
      const float* panel = widened.data();
      if (!half) panel = b.data.data() + start;
      else widen(b.half.data() + start, b.k * P, b.storage, widened.data());  // once per block of rows
      for (std::size_t r0 = 0; r0 < rows; r0 += R) {
        tile_rows<Arch>(std::min(R, rows - r0), a + (i0 + r0) * lda, lda, panel, k, Storage::kF32, bias ? bias + col : nullptr,
                        c + (i0 + r0) * ldc + col, ldc, cols, accumulate);
      }
    }
  }
}
template <class Arch>
void matmul(const float* a, std::size_t lda, const Panels& b, const float* bias, std::size_t n, std::size_t k,
            std::size_t p, float* c, std::size_t ldc, bool accumulate = false) {
  matmul_columns<Arch>(a, lda, b, bias, n, k, 0, p, c, ldc, accumulate);
}

// c (n, p) = a (n, k) · b (k, p) + bias (p), b with row stride ldb: packs b, then multiplies.
template <class Arch>
void matmul(const float* a, std::size_t lda, const float* b, std::size_t ldb, const float* bias, std::size_t n,
            std::size_t k, std::size_t p, float* c, std::size_t ldc, bool accumulate = false) {
  thread_local Panels panels;
  pack_panels<Arch>(b, ldb, 1, k, p, panels);
  matmul<Arch>(a, lda, panels, bias, n, k, p, c, ldc, accumulate);
}

// out (cols, rows) = in (rows, cols)ᵀ, in with row stride ld. Memory-bound and O(rows·cols), so plain loops.
inline void transpose(const float* in, std::size_t ld, std::size_t rows, std::size_t cols, float* out) {
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) out[c * rows + r] = in[r * ld + c];
  }
}

// The scalar rescue for a row whose scores overflowed float (only inputs near 1e19 and beyond do that): the limit
// of softmax as the largest logits grow is uniform weight over the +inf entries. If an overflow produced NaN
// (inf · 0 with a scale of 0, or inf − inf where fma is not fused) and no +inf, the visible keys share the weight
// equally. Either way: no NaN leaves the kernel.
inline void softmax_overflowed_row(float* row, const float* hidden, std::size_t len) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  std::size_t infinite = 0, visible = 0;
  for (std::size_t j = 0; j < len; ++j) {
    infinite += row[j] == kInf;
    visible += hidden[j] == 0.0f;
  }
  for (std::size_t j = 0; j < len; ++j) {
    const bool chosen = infinite ? row[j] == kInf : hidden[j] == 0.0f;
    row[j] = chosen ? 1.0f / float(infinite ? infinite : visible) : 0.0f;
  }
}

// In place over s (n, m) with row stride lds: s = softmax(scale · s) per row, where masked keys (keyMask[j] == 0),
// with causal keys j > first_row + i, and with a window keys j <= first_row + i - window get weight exactly 0
// (row i of s is query first_row + i). With a soft cap, the scaled scores go through cap · tanh(· / cap) ·
// post_scale first. Entries a row cannot see for causality or the window are only written (zeros), never read.
// A row with no visible key becomes all zeros. hidden (m) is scratch. With `inverse_sums` (n), the rows are left
// unnormalised (exp(x - max), the last pass skipped) and inverse_sums[i] is what normalises row i: a caller
// that only needs P · V scales n·dv outputs instead of n·m weights.
template <class Arch>
void masked_softmax(float* s, std::size_t lds, std::size_t n, std::size_t m, float scale,
                    const std::uint8_t* keyMask, bool causal, std::size_t first_row, float* hidden,
                    std::size_t window = 0, float softcap = 0, float post_scale = 1, float* inverse_sums = nullptr) {
  using B = Batch<Arch>;
  constexpr std::size_t W = B::size;
  constexpr float kInf = std::numeric_limits<float>::infinity();
  // hidden[j] is -inf for a masked key and 0 otherwise: adding it hides the key from max and exp.
  for (std::size_t j = 0; j < m; ++j) hidden[j] = keyMask && !keyMask[j] ? -kInf : 0.0f;
  const B vscale(scale);

  const B vcap(softcap), vpost(post_scale);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t query = first_row + i;
    const std::size_t len = causal ? std::min(m, query + 1) : m;  // keys past len: hidden by the causal mask
    const std::size_t start = window && query + 1 > window ? std::min(len, query + 1 - window) : 0;  // and before start
    // (guarded: an empty fill is still a call to memset, twice per row of a small head)
    if (start) std::fill(s + i * lds, s + i * lds + start, 0.0f);
    if (len < m) std::fill(s + i * lds + len, s + i * lds + m, 0.0f);
    float* row = s + i * lds + start;
    const float* hide = hidden + start;
    const std::size_t visible = len - start;

    // Pass 1: scale (and cap), hide, and find the largest logit (and any NaN, which max() would not pass on).
    B vmax(-kInf);
    xsimd::batch_bool<float, Arch> vnan(false);
    std::size_t j = 0;
    for (; j + W <= visible; j += W) {
      // (tanh is ±1 in float beyond ±10; the clip keeps xsimd's scalar-arch exp from overflowing, as in gelu)
      const B x = softcap > 0 ? vcap * xsimd::tanh(xsimd::clip(B::load_unaligned(row + j) * vscale / vcap, B(-10.0f), B(10.0f))) * vpost + B::load_unaligned(hide + j)
                              : xsimd::fma(B::load_unaligned(row + j), vscale, B::load_unaligned(hide + j));
      x.store_unaligned(row + j);
      vmax = xsimd::max(vmax, x);
      vnan = vnan | (x != x);
    }
    float largest = xsimd::reduce_max(vmax);
    bool nan = xsimd::any(vnan);
    for (; j < visible; ++j) {
      row[j] = softcap > 0 ? softcap * std::tanh(row[j] * scale / softcap) * post_scale + hide[j] : std::fma(row[j], scale, hide[j]);
      largest = std::max(largest, row[j]);
      nan |= row[j] != row[j];
    }
    if (nan || largest == kInf) {
      softmax_overflowed_row(row, hide, visible);
      if (inverse_sums) inverse_sums[i] = 1.0f;
      continue;
    }
    if (largest == -kInf) {  // every key hidden: zeros, not 0/0
      std::fill(row, row + visible, 0.0f);
      if (inverse_sums) inverse_sums[i] = 0.0f;
      continue;
    }

    // Pass 2: exponentiate relative to the largest (so exp <= 1: huge logits cannot overflow) and sum.
    // Below kMinExponent, exp is under float's normal range: use 0. Clamping the argument too keeps xsimd's
    // exp away from -inf (hidden keys), whose exponent arithmetic is undefined behaviour in scalar arches.
    constexpr float kMinExponent = -87.0f;
    const B vlargest(largest), vmin(kMinExponent);
    B vsum(0.0f);
    j = 0;
    for (; j + W <= visible; j += W) {
      const B x = B::load_unaligned(row + j) - vlargest;
      const B e = xsimd::select(x < vmin, B(0.0f), xsimd::exp(xsimd::max(x, vmin)));
      e.store_unaligned(row + j);
      vsum += e;
    }
    float sum = xsimd::reduce_add(vsum);
    for (; j < visible; ++j) {
      const float x = row[j] - largest;
      sum += row[j] = x < kMinExponent ? 0.0f : std::exp(x);
    }

    // Pass 3: normalise. sum >= 1 because the largest entry contributes exp(0).
    const float inverse = 1.0f / sum;
    if (inverse_sums) {
      inverse_sums[i] = inverse;
      continue;
    }
    const B vinverse(inverse);
    j = 0;
    for (; j + W <= visible; j += W) (B::load_unaligned(row + j) * vinverse).store_unaligned(row + j);
    for (; j < visible; ++j) row[j] *= inverse;
  }
}

// x (n, width) with row stride ld: row i times factors[i].
template <class Arch>
void scale_rows(float* x, std::size_t ld, std::size_t n, std::size_t width, const float* factors) {
  using B = Batch<Arch>;
  constexpr std::size_t W = B::size;
  for (std::size_t i = 0; i < n; ++i) {
    float* row = x + i * ld;
    const B factor(factors[i]);
    std::size_t j = 0;
    for (; j + W <= width; j += W) (B::load_unaligned(row + j) * factor).store_unaligned(row + j);
    for (; j < width; ++j) row[j] *= factors[i];
  }
}

// Scratch buffers reused across heads so a call allocates once.
struct Scratch {
  Panels keys, values;        // Kᵀ (dk, m) and V (m, dv) of one head, packed
  AlignedFloats hidden;       // (m): the key mask as 0 / -inf
  AlignedFloats scores;       // (rows, m): one block of score rows, when the weights are not kept
  AlignedFloats inverse_sums; // (rows): what normalises each of those rows
  void trim() { keys.trim(), values.trim(), kernels::trim(hidden), kernels::trim(scores), kernels::trim(inverse_sums); }
};

// Query rows per block: enough rows that each pass over Kᵀ and V serves many of them, few enough that a block of
// scores (rows × m floats, at most about 256 KiB) stays in cache between the three steps. A whole number of
// register tiles, and at least 6 rows however long the keys.
template <class Arch>
std::size_t rows_per_block(std::size_t m) {
  constexpr std::size_t kScoreBlockFloats = std::size_t(1) << 16, R = Tile<Arch>::rows, kFewest = (6 + R - 1) / R * R;
  return std::clamp(kScoreBlockFloats / m / R * R, kFewest, kRowBlock);
}

// One head of attention. q (n, dk), k (m, dk), v (m, dv) with row strides ldq, ldk, ldv; writes output (n, dv)
// with row stride ldo, and weights (n, m) unless it is null. Block by block of query rows: scores, softmax, then
// the weighted sum of V, so without weights nothing n × m exists. With causal, a block computes and reads only
// the keys its last row can see (about half the work). first_query: the position of q's first row among the keys,
// where the causal mask and the window count from (q being the rows after a prefix whose keys are cached).
template <class Arch>
void attend(const float* q, std::size_t ldq, const float* k, std::size_t ldk, const float* v, std::size_t ldv,
            std::size_t n, std::size_t m, std::size_t dk, std::size_t dv, const AttentionOptions& options,
            float* weights, float* output, std::size_t ldo, Scratch& scratch, std::size_t first_query = 0) {
  const float scale = options.scale ? *options.scale : 1.0f / std::sqrt(float(dk));
  const std::size_t block = rows_per_block<Arch>(m);
  scratch.hidden.resize(m);
  if (!weights) scratch.scores.resize(std::min(block, n) * m);
  scratch.inverse_sums.resize(std::min(block, n));
  pack_panels<Arch>(k, 1, ldk, dk, m, scratch.keys);  // Kᵀ, read straight from K
  pack_panels<Arch>(v, ldv, 1, m, dv, scratch.values);
  for (std::size_t i0 = 0; i0 < n; i0 += block) {
    const std::size_t rows = std::min(block, n - i0);
    const std::size_t keys = options.causal ? std::min(m, first_query + i0 + rows) : m;
    float* s = weights ? weights + i0 * m : scratch.scores.data();
    // The rows stay unnormalised through P · V, and the block's outputs are scaled instead (n·dv products, not
    // n·m); the weights, when kept, are normalised after. With and without weights the outputs are the same, bit
    // for bit (the same products in the same order); against normalising first they differ by rounding only.
    float* inverse_sums = scratch.inverse_sums.data();
    matmul<Arch>(q + i0 * ldq, ldq, scratch.keys, nullptr, rows, dk, keys, s, m);
    masked_softmax<Arch>(s, m, rows, m, scale, options.keyMask.empty() ? nullptr : options.keyMask.data,
                         options.causal, first_query + i0, scratch.hidden.data(), options.window, options.softcap, options.post_scale,
                         inverse_sums);
    float* out = output + i0 * ldo;
    matmul<Arch>(s, m, scratch.values, nullptr, rows, keys, dv, out, ldo);
    scale_rows<Arch>(out, ldo, rows, dv, inverse_sums);
    if (weights) scale_rows<Arch>(s, m, rows, keys, inverse_sums);
  }
}

// GELU, tanh approximation (as torch.nn.GELU(approximate='tanh')): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
// gelu_scalar is the plain version (and the tail); gelu<Arch> maps `count` floats with xsimd's vectorised tanh,
// a third of a small transformer's forward time when done one float at a time.
constexpr float kGeluC = 0.7978845608028654f;  // sqrt(2 / pi)
inline float gelu_scalar(float x) { return 0.5f * x * (1.0f + std::tanh(kGeluC * (x + 0.044715f * x * x * x))); }

template <class Arch>
void gelu(const float* in, float* out, std::size_t count) {
  using B = Batch<Arch>;
  constexpr std::size_t W = B::size;
  // tanh is ±1 in float beyond |z| = 10; clamping there also keeps xsimd's scalar-arch exp (inside its tanh) away
  // from exponent shifts that overflow, which are undefined behaviour (UBSan caught x = 1e4).
  const B half(0.5f), one(1.0f), c(kGeluC), cubic(0.044715f), limit(10.0f);
  std::size_t i = 0;
  for (; i + W <= count; i += W) {
    const B x = B::load_unaligned(in + i);
    const B z = xsimd::clip(c * xsimd::fma(cubic * x * x, x, x), -limit, limit);
    (half * x * (one + xsimd::tanh(z))).store_unaligned(out + i);
  }
  for (; i < count; ++i) out[i] = gelu_scalar(in[i]);
}

// SiLU (x · sigmoid(x), as torch.nn.SiLU), `count` floats with xsimd's vectorised exp. The argument of exp is
// clamped to ±80 (sigmoid is 0 or 1 in float beyond), which keeps it from overflowing in the scalar archs.
template <class Arch>
void silu(const float* in, float* out, std::size_t count) {
  using B = Batch<Arch>;
  constexpr std::size_t W = B::size;
  const B one(1.0f), limit(80.0f);
  std::size_t i = 0;
  for (; i + W <= count; i += W) {
    const B x = B::load_unaligned(in + i);
    (x / (one + xsimd::exp(xsimd::clip(-x, -limit, limit)))).store_unaligned(out + i);
  }
  for (; i < count; ++i) out[i] = in[i] / (1.0f + std::exp(std::min(80.0f, std::max(-80.0f, -in[i]))));
}

// An online softmax over a vocabulary, one block of it at a time: logits (count, n) — `count` vocabulary rows of
// n positions, as the language-model head's matmul writes them — folded into each position's largest logit so
// far, largest (n), and sum of exp(logit − largest), sums (n; double: a vocabulary may have 2^22 terms). The
// block's own sums are taken in float with the vectorised exp (each term is at most 1, a block a few hundred
// terms), across positions, so the loops run along the rows. scratch (n) is work space. Exponents below −87 give 0.
template <class Arch>
void fold_softmax_block(const float* logits, std::size_t count, std::size_t n, float* largest, double* sums, float* scratch) {
  using B = Batch<Arch>;
  constexpr std::size_t W = B::size;
  constexpr float kMinExponent = -87.0f;
  std::fill(scratch, scratch + n, -std::numeric_limits<float>::infinity());
  for (std::size_t r = 0; r < count; ++r) {  // the block's largest logit per position
    const float* row = logits + r * n;
    std::size_t i = 0;
    for (; i + W <= n; i += W) xsimd::max(B::load_unaligned(scratch + i), B::load_unaligned(row + i)).store_unaligned(scratch + i);
    for (; i < n; ++i) scratch[i] = std::max(scratch[i], row[i]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (scratch[i] > largest[i]) sums[i] *= std::exp(double(largest[i]) - double(scratch[i])), largest[i] = scratch[i];
    scratch[i] = 0.0f;
  }
  // The last n mod W positions go through the same vectorised exp as the others (padded), so that a position's
  // sum has the same bits wherever it sits in the block: a run that reuses rows matches one that does not.
  const B vmin(kMinExponent);
  const auto folded = [&](B x, B sum) { return sum + xsimd::select(x < vmin, B(0.0f), xsimd::exp(xsimd::max(x, vmin))); };
  const std::size_t whole = n - n % W;
  alignas(64) float tail_x[W], tail_sum[W];
  for (std::size_t r = 0; r < count; ++r) {
    const float* row = logits + r * n;
    for (std::size_t i = 0; i < whole; i += W) {
      folded(B::load_unaligned(row + i) - B::load_unaligned(largest + i), B::load_unaligned(scratch + i)).store_unaligned(scratch + i);
    }
    if (whole == n) continue;
    for (std::size_t j = 0; j < W; ++j) {
      tail_x[j] = whole + j < n ? row[whole + j] - largest[whole + j] : kMinExponent;
      tail_sum[j] = whole + j < n ? scratch[whole + j] : 0.0f;
    }
    folded(B::load_aligned(tail_x), B::load_aligned(tail_sum)).store_aligned(tail_sum);
    std::copy_n(tail_sum, n - whole, scratch + whole);
  }
  for (std::size_t i = 0; i < n; ++i) sums[i] += double(scratch[i]);
}

// Calls each(i) for every i in [0, n) where values[i] > thresholds[i], comparing W at a time: for a top-k search
// over a vocabulary almost no value passes, and the compare is most of the work.
template <class Arch, class Each>
void each_above(const float* values, const float* thresholds, std::size_t n, Each&& each) {
  using B = Batch<Arch>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  for (; i + W <= n; i += W) {
    if (!xsimd::any(B::load_unaligned(values + i) > B::load_unaligned(thresholds + i))) continue;
    for (std::size_t j = i; j < i + W; ++j) if (values[j] > thresholds[j]) each(j);
  }
  for (; i < n; ++i) if (values[i] > thresholds[i]) each(i);
}

// The two public operations for one arch; arguments must already be validated.
template <class Arch>
AttentionResult scaled_dot_product_attention(const AttentionInput& in) {
  const std::size_t h = in.heads, n = in.n, m = in.m, dk = in.dk, dv = in.dv;
  AttentionResult result{std::vector<float>(n * h * dv), std::vector<float>(in.options.weights ? h * n * m : 0)};
  thread_local Scratch scratch;
  for (std::size_t head = 0; head < h; ++head) {
    attend<Arch>(in.q.data + head * dk, h * dk, in.k.data + head * dk, h * dk, in.v.data + head * dv, h * dv, n, m,
                 dk, dv, in.options, in.options.weights ? result.weights.data() + head * n * m : nullptr,
                 result.output.data() + head * dv, h * dv, scratch);
  }
  scratch.trim();
  return result;
}

// The four projections of a multi-head attention, packed (PreparedMultiHead keeps them between calls).
struct ProjectionPanels {
  Panels wq, wk, wv, wo;
};

template <class Arch>
void pack_projections(const MultiHeadInput& in, ProjectionPanels& packed) {
  const std::size_t d = in.dModel;
  pack_panels<Arch>(in.wq.data, d, 1, d, d, packed.wq);
  pack_panels<Arch>(in.wk.data, d, 1, d, d, packed.wk);
  pack_panels<Arch>(in.wv.data, d, 1, d, d, packed.wv);
  pack_panels<Arch>(in.wo.data, d, 1, d, d, packed.wo);
}

// `packed`: in's projections already packed, or null to pack them here.
template <class Arch>
MultiHeadResult multi_head_attention(const MultiHeadInput& in, const ProjectionPanels* packed = nullptr) {
  const std::size_t n = in.n, m = in.m, d = in.dModel, dk = d / in.heads;
  auto bias = [](View<float> b) { return b.empty() ? nullptr : b.data; };
  thread_local ProjectionPanels own;  // an unprepared call's projections, packed into the last call's memory
  if (!packed) pack_projections<Arch>(in, own), packed = &own;

  // Project: q (n, d), k (m, d), v (m, d); heads (n, d) is the concatenation of the heads' outputs. Kept between
  // calls (every element is written before it is read), so a repeated call neither allocates nor zeroes them.
  thread_local AlignedFloats q, k, v, heads;
  thread_local Scratch scratch;
  for (auto [buffer, size] : {std::pair{&q, n * d}, {&k, m * d}, {&v, m * d}, {&heads, n * d}}) {
    if (buffer->size() < size) buffer->resize(size);
  }
  matmul<Arch>(in.x.data, d, packed->wq, bias(in.bq), n, d, d, q.data(), d);
  matmul<Arch>(in.context.data, d, packed->wk, bias(in.bk), m, d, d, k.data(), d);
  matmul<Arch>(in.context.data, d, packed->wv, bias(in.bv), m, d, d, v.data(), d);

  MultiHeadResult result{std::vector<float>(n * d), std::vector<float>(in.options.weights ? in.heads * n * m : 0)};
  for (std::size_t h = 0; h < in.heads; ++h) {
    const std::size_t col = h * dk;  // head h owns columns [h*dk, (h+1)*dk)
    attend<Arch>(q.data() + col, d, k.data() + col, d, v.data() + col, d, n, m, dk, dk, in.options,
                 in.options.weights ? result.weights.data() + h * n * m : nullptr, heads.data() + col, d, scratch);
  }
  matmul<Arch>(heads.data(), d, packed->wo, bias(in.bo), n, d, d, result.output.data(), d);
  for (AlignedFloats* buffer : {&q, &k, &v, &heads}) trim(*buffer);
  for (Panels* panels : {&own.wq, &own.wk, &own.wv, &own.wo}) panels->trim();
  scratch.trim();
  return result;
}

}  // namespace attn::kernels
