// Public C++ API of the attention core: scaled dot-product attention and multi-head attention.
// Row-major everywhere; each buffer's shape is written beside it. Plain C++17, no Emscripten.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace attn {

// A read-only view of `size` contiguous elements (C++17 has no std::span). Empty means "not given".
template <class T>
struct View {
  const T* data = nullptr;
  std::size_t size = 0;

  View() = default;
  View(const T* d, std::size_t s) : data(d), size(s) {}
  View(const std::vector<T>& v) : data(v.data()), size(v.size()) {}  // NOLINT: implicit on purpose
  bool empty() const { return size == 0; }
  const T& operator[](std::size_t i) const { return data[i]; }
};

// Thrown for any invalid argument. what() starts with the argument's name, e.g.
// "q: expected n*dk = 12 floats, got 10", so callers (the JS bindings) can pass it on unchanged.
class ArgumentError : public std::invalid_argument {
 public:
  ArgumentError(std::string argument, const std::string& expectation)
      : std::invalid_argument(argument + ": " + expectation), argument_(std::move(argument)) {}
  const std::string& argument() const { return argument_; }

 private:
  std::string argument_;
};

// Documented limits. They keep every buffer well inside wasm32's 4 GiB and every index product in size_t.
constexpr std::size_t kMaxDimension = 1u << 16;  // any of n, m, dk, dv, dModel, heads
constexpr std::size_t kMaxElements = 1u << 26;   // any one input or output buffer (256 MiB of floats)

struct AttentionOptions {
  bool causal = false;            // query i attends key j only if j <= i (top-left aligned)
  View<std::uint8_t> keyMask;     // (m) 1 = attend, 0 = masked out; empty = attend to every key
  std::optional<float> scale;     // multiplies QKᵀ; default 1/sqrt(dk)
  std::size_t window = 0;         // a sliding window: query i attends key j only if j > i - window; 0 = none
  float softcap = 0;              // scores become softcap · tanh(scores / softcap) after the scale (Gemma 2); 0 = none
  float post_scale = 1;           // multiplies the capped scores (how a temperature applies with a soft cap)
  bool weights = true;            // return the weights; false: no (n, m) buffer exists at all, the rows go
                                  // through a small block (memory O(n·d) for any n, m), and result.weights is empty
};

// heads > 1 runs that many independent attentions side by side: head h reads columns [h·dk, (h+1)·dk) of q and
// k and [h·dv, (h+1)·dv) of v, and writes the same columns of the output (multi-head attention without the
// projections).
struct AttentionInput {
  View<float> q;  // (n, heads·dk)
  View<float> k;  // (m, heads·dk)
  View<float> v;  // (m, heads·dv)
  std::size_t n = 0, m = 0, dk = 0, dv = 0, heads = 1;
  AttentionOptions options;
};

struct AttentionResult {
  std::vector<float> output;   // (n, heads·dv)
  std::vector<float> weights;  // (heads, n, m); a row with no visible key is all zeros; empty unless options.weights
};

struct MultiHeadInput {
  View<float> x;        // (n, dModel): source of the queries
  View<float> context;  // (m, dModel): source of keys and values; empty = x (self-attention)
  std::size_t n = 0, m = 0, dModel = 0, heads = 0;  // m = 0 means m = n
  // Projections stored [in][out], y = x·W + b. Head h uses columns [h·dk, (h+1)·dk), dk = dModel / heads.
  View<float> wq, wk, wv, wo;  // (dModel, dModel)
  View<float> bq, bk, bv, bo;  // (dModel) each, or empty for no bias
  AttentionOptions options;    // applied to every head; default scale 1/sqrt(dk)
};

struct MultiHeadResult {
  std::vector<float> output;   // (n, dModel)
  std::vector<float> weights;  // (heads, n, m); empty unless options.weights
};

// Fast path: xsimd kernels for the arch this build targets. Both functions validate every argument first
// and throw ArgumentError before touching any data.
AttentionResult scaled_dot_product_attention(const AttentionInput& in);
MultiHeadResult multi_head_attention(const MultiHeadInput& in);

// Multi-head attention whose projections are checked and copied once, then run on many inputs: repeated calls
// (a benchmark, a model) skip re-reading and re-checking dModel² floats four times per call.
class PreparedMultiHead {
 public:
  // Takes dModel, heads, wq..wo and bq..bo from `projections` (the rest is ignored); throws ArgumentError.
  explicit PreparedMultiHead(const MultiHeadInput& projections);
  // x (n, dModel); context (m, dModel) or empty for self-attention (m = 0 means m = n).
  MultiHeadResult run(View<float> x, View<float> context, std::size_t n, std::size_t m,
                      const AttentionOptions& options) const;

 private:
  std::size_t dModel_, heads_;
  std::vector<float> bq_, bk_, bv_, bo_;
  struct Packed;                          // wq..wo in the kernels' panel layout, made once
  std::shared_ptr<const Packed> packed_;
};

// Argument checks shared by the fast path and the reference; they throw ArgumentError.
void validate(const AttentionInput& in);
// Also fills in the defaults: m = n and context = x when they are not given. With check_projections false,
// wq..bo are trusted (PreparedMultiHead checked them once).
MultiHeadInput validated(const MultiHeadInput& in, bool check_projections = true);

// The name of the SIMD architecture the fast path was compiled for ("fma3<avx2>", "wasm", "emulated", ...).
const char* simd_arch_name();
const char* version();  // the project's, e.g. "0.1.0"

// A size given as a number of a language that counts in doubles (JS): a whole number in [1, kMaxDimension], or
// the same ArgumentError validate() gives.
std::size_t checked_dimension(const char* name, double value);
// A number as JS prints it (String(x)): "2.5", "NaN", "-Infinity", "1e+300", "70000".
std::string format_number(double value);

// Plain loops with double accumulation: slow, obviously correct, the yardstick for every test.
namespace reference {
AttentionResult scaled_dot_product_attention(const AttentionInput& in);
MultiHeadResult multi_head_attention(const MultiHeadInput& in);
// out (n, p) = a (n, k) · w (k, p) + bias (p); bias may be null.
void matmul(const float* a, const float* w, const float* bias, std::size_t n, std::size_t k, std::size_t p,
            float* out);
// out (len) = softmax of logits (len) over the entries with visible[j] != 0; the others get weight 0,
// and a row with nothing visible is all zeros.
void softmax(const double* logits, const std::uint8_t* visible, std::size_t len, float* out);
}  // namespace reference

}  // namespace attn
