#include "safetensors.hpp"

#include <cmath>
#include <cstring>

#include "attn/attention.hpp"
#include "attn/checkpoint.hpp"
#include "json.hpp"

namespace attn::safetensors {
namespace {

std::size_t element_size(const std::string& dtype) {
  static const std::map<std::string, std::size_t> sizes = {
      {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8}, {"I32", 4}, {"I16", 2}, {"I8", 1}, {"U8", 1},
      {"BOOL", 1}, {"U16", 2}, {"U32", 4}, {"U64", 8}, {"F8_E4M3", 1}, {"F8_E5M2", 1}};
  const auto found = sizes.find(dtype);
  return found == sizes.end() ? 0 : found->second;
}

}  // namespace

std::map<std::string, Stored> parse_header(const std::string& file, const std::uint8_t* bytes, std::size_t size,
                                           std::uint64_t file_size) {
  const std::uint64_t length = attn::safetensors_header_length(bytes, file_size, file);
  if (size != 8 + length) throw ArgumentError(file, "header: expected " + std::to_string(8 + length) + " bytes, got " + std::to_string(size));
  const json::Value header = json::parse({reinterpret_cast<const char*>(bytes + 8), std::size_t(length)}, file + ": header");
  if (header.type != json::Value::Type::kObject) throw ArgumentError(file, "header: expected a JSON object");
  const std::uint64_t data = 8 + length, data_size = file_size - data;
  std::map<std::string, Stored> tensors;
  for (const auto& [name, entry] : header.object) {
    if (name == "__metadata__") continue;
    const std::string what = file + ": tensor " + name;
    if (entry.type != json::Value::Type::kObject) throw ArgumentError(what, "expected an object with dtype, shape and data_offsets");
    Stored t;
    t.dtype_name = entry.at("dtype", what).as_string(what + ".dtype");
    t.dtype = t.dtype_name == "F32" ? DType::kF32 : t.dtype_name == "F16" ? DType::kF16 : t.dtype_name == "BF16" ? DType::kBF16 : DType::kOther;
    std::uint64_t count = 1;
    for (const json::Value& d : entry.at("shape", what).as_array(what + ".shape")) {
      const std::uint64_t dim = d.as_size(what + ".shape", std::uint64_t(1) << 40);
      if (dim != 0 && count > (std::uint64_t(1) << 60) / dim) throw ArgumentError(what, "its shape has more elements than any file can hold");
      count *= dim;
      t.shape.push_back(std::size_t(dim));
    }
    const auto& offsets = entry.at("data_offsets", what).as_array(what + ".data_offsets");
    if (offsets.size() != 2) throw ArgumentError(what, "data_offsets must be [begin, end]");
    const std::uint64_t begin = offsets[0].as_size(what + ".data_offsets", data_size), end = offsets[1].as_size(what + ".data_offsets", data_size);
    if (begin > end) throw ArgumentError(what, "data_offsets begin after they end");
    const std::size_t bytes_each = element_size(t.dtype_name);
    if (bytes_each && end - begin != count * bytes_each) {
      throw ArgumentError(what, "holds " + std::to_string(end - begin) + " bytes, but its dtype and shape need " + std::to_string(count * bytes_each));
    }
    t.begin = data + begin, t.end = data + end;
    tensors.emplace(name, std::move(t));
  }
  return tensors;
}

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = std::uint32_t(h & 0x8000) << 16, exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF;
  std::uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      std::uint32_t m = mantissa;
      do ++e, m <<= 1; while (!(m & 0x400));
      bits = sign | std::uint32_t(127 - 15 - e) << 23 | (m & 0x3FF) << 13;
    }
  } else if (exponent == 31) {
    bits = sign | 0x7F800000u | mantissa << 13;
  } else {
    bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

void to_float32(const Stored& t, const std::uint8_t* bytes, std::size_t count, float* values, const std::string& what) {
  for (std::size_t i = 0; i < count; ++i) {
    if (t.dtype == DType::kF32) {
      std::memcpy(&values[i], bytes + 4 * i, 4);
    } else {
      const std::uint16_t half = std::uint16_t(bytes[2 * i] | bytes[2 * i + 1] << 8);
      if (t.dtype == DType::kF16) {
        values[i] = half_to_float(half);
      } else {
        const std::uint32_t bits = std::uint32_t(half) << 16;
        std::memcpy(&values[i], &bits, 4);
      }
    }
    if (!std::isfinite(values[i])) throw ArgumentError(what, "holds a value that is not finite, at element " + std::to_string(i));
  }
}

}  // namespace attn::safetensors

namespace attn {

std::uint64_t safetensors_header_length(const std::uint8_t* first8, std::uint64_t file_size, const std::string& file) {
  if (file_size < 8) throw ArgumentError(file, "is " + std::to_string(file_size) + " bytes, too short for a safetensors file");
  std::uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = length << 8 | first8[i];
  if (length < 2 || length > kMaxSafetensorsHeader || length > file_size - 8) {
    throw ArgumentError(file, "its first 8 bytes give a header of " + std::to_string(length) + " bytes in a file of " +
                                          std::to_string(file_size) + "; it is not a safetensors file, or it is truncated");
  }
  return length;
}

}  // namespace attn
