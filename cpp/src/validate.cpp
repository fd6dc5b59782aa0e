// Argument checks shared by every entry point. Messages name the argument first and say what was expected,
// because they reach the user unchanged as JS Error messages.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "attn/attention.hpp"

namespace attn {
namespace {

ArgumentError dimension_error(const char* name, const std::string& shown) {
  return ArgumentError(name, "expected an integer in [1, " + std::to_string(kMaxDimension) + "], got " + shown);
}

void check_dimension(const char* name, std::size_t value) {
  if (value == 0 || value > kMaxDimension) throw dimension_error(name, std::to_string(value));
}

// Checks a buffer's element count against kMaxElements. The factors are already at most kMaxDimension = 2^16,
// so their product fits in 64 bits (size_t is only 32 bits in wasm32).
void check_elements(const char* name, const char* shape, std::uint64_t a, std::uint64_t b, std::uint64_t c = 1) {
  const std::uint64_t count = a * b * c;
  if (count > kMaxElements) {
    throw ArgumentError(name, std::string(shape) + " = " + std::to_string(count) +
                                  " elements exceeds the limit of " + std::to_string(kMaxElements));
  }
}

// Whether no value is NaN or infinite: their magnitude bits are the largest, from 0x7f800000 up. An unsigned
// max over integers vectorises (a float test with an early exit does not); it was 3.5 % of a (16, 64, 4)
// multi-head call, scanning x one float at a time.
bool all_finite(const float* values, std::size_t count) {
  std::uint32_t largest = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, values + i, 4);
    largest = std::max(largest, bits & 0x7fffffffu);
  }
  return largest < 0x7f800000u;
}

void check_floats(const char* name, View<float> view, const char* shape, std::size_t expected) {
  if (view.data == nullptr && expected != 0) throw ArgumentError(name, "is required");
  if (view.size != expected) {
    throw ArgumentError(name, std::string("expected ") + shape + " = " + std::to_string(expected) +
                                  " floats, got " + std::to_string(view.size));
  }
  if (all_finite(view.data, view.size)) return;
  for (std::size_t i = 0; i < view.size; ++i) {
    if (!std::isfinite(view[i])) {
      throw ArgumentError(name, "element " + std::to_string(i) + " is " +
                                    (std::isnan(view[i]) ? "NaN" : "infinite") + "; every value must be finite");
    }
  }
}

void check_optional_floats(const char* name, View<float> view, const char* shape, std::size_t expected) {
  if (!view.empty()) check_floats(name, view, shape, expected);
}

void check_options(const AttentionOptions& options, std::size_t m) {
  if (!options.keyMask.empty() && options.keyMask.size != m) {
    throw ArgumentError("keyMask", "expected m = " + std::to_string(m) + " entries, got " +
                                       std::to_string(options.keyMask.size));
  }
  if (options.scale && !std::isfinite(*options.scale)) {
    throw ArgumentError("scale", "expected a finite number, got " + std::to_string(*options.scale));
  }
}

}  // namespace

std::size_t checked_dimension(const char* name, double value) {
  if (!(value >= 1 && value <= double(kMaxDimension) && std::floor(value) == value)) throw dimension_error(name, format_number(value));
  return std::size_t(value);
}

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return "0";
  // The shortest form that reads back as the same double, as JS prints it: no "+" or leading zero after a small
  // exponent's "e", integers below 1e21 in full.
  char text[48];
  int digits = 1;
  for (; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*e", digits - 1, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  const std::string s = text;  // d.ddde±x with the fewest digits
  const auto e = s.find('e');
  const int exponent = std::atoi(s.c_str() + e + 1);
  if (exponent >= -7 + 1 && exponent < 21) {  // JS writes 1e-6 <= |x| < 1e21 without an exponent
    std::snprintf(text, sizeof text, "%.*f", std::max(0, digits - 1 - exponent), value);
    return text;
  }
  return s.substr(0, e) + (exponent < 0 ? "e-" : "e+") + std::to_string(std::abs(exponent));
}

void validate(const AttentionInput& in) {
  check_dimension("n", in.n);
  check_dimension("m", in.m);
  check_dimension("dk", in.dk);
  check_dimension("dv", in.dv);
  check_dimension("heads", in.heads);
  // Shapes are named as the caller knows them: with one head, q is (n, dk).
  const bool one = in.heads == 1;
  if (in.options.weights) check_elements("weights", one ? "n*m" : "heads*n*m", in.heads, in.n, in.m);
  check_elements("q", one ? "n*dk" : "n*heads*dk", in.n, in.heads, in.dk);
  check_elements("k", one ? "m*dk" : "m*heads*dk", in.m, in.heads, in.dk);
  check_elements("v", one ? "m*dv" : "m*heads*dv", in.m, in.heads, in.dv);
  check_elements("output", one ? "n*dv" : "n*heads*dv", in.n, in.heads, in.dv);
  check_floats("q", in.q, one ? "n*dk" : "n*heads*dk", in.n * in.heads * in.dk);
  check_floats("k", in.k, one ? "m*dk" : "m*heads*dk", in.m * in.heads * in.dk);
  check_floats("v", in.v, one ? "m*dv" : "m*heads*dv", in.m * in.heads * in.dv);
  check_options(in.options, in.m);
}

MultiHeadInput validated(const MultiHeadInput& given, bool check_projections) {
  MultiHeadInput in = given;
  if (in.m == 0) in.m = in.n;
  check_dimension("n", in.n);
  check_dimension("m", in.m);
  check_dimension("dModel", in.dModel);
  check_dimension("heads", in.heads);
  if (in.dModel % in.heads != 0) {
    throw ArgumentError("heads", "must divide dModel = " + std::to_string(in.dModel) + ", got " +
                                     std::to_string(in.heads));
  }
  check_elements("x", "n*dModel", in.n, in.dModel);
  check_elements("context", "m*dModel", in.m, in.dModel);
  check_elements("wq", "dModel*dModel", in.dModel, in.dModel);
  if (in.options.weights) check_elements("weights", "heads*n*m", in.heads, in.n, in.m);
  check_floats("x", in.x, "n*dModel", in.n * in.dModel);
  if (in.context.empty()) {
    if (in.m != in.n) {
      throw ArgumentError("context", "is required when m (" + std::to_string(in.m) + ") differs from n (" +
                                         std::to_string(in.n) + ")");
    }
    in.context = in.x;
  } else {
    check_floats("context", in.context, "m*dModel", in.m * in.dModel);
  }
  if (check_projections) {
    const std::size_t square = in.dModel * in.dModel;
    check_floats("wq", in.wq, "dModel*dModel", square);
    check_floats("wk", in.wk, "dModel*dModel", square);
    check_floats("wv", in.wv, "dModel*dModel", square);
    check_floats("wo", in.wo, "dModel*dModel", square);
    check_optional_floats("bq", in.bq, "dModel", in.dModel);
    check_optional_floats("bk", in.bk, "dModel", in.dModel);
    check_optional_floats("bv", in.bv, "dModel", in.dModel);
    check_optional_floats("bo", in.bo, "dModel", in.dModel);
  }
  check_options(in.options, in.m);
  return in;
}

}  // namespace attn
