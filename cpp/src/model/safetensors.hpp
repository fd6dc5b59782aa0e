// The safetensors format (https://huggingface.co/docs/safetensors): 8 bytes of little-endian header length N, N
// bytes of JSON {name: {dtype, shape, data_offsets: [begin, end)}, "__metadata__": …}, then the data. Only the
// header is parsed here; each tensor's bytes arrive later, on their own, and are converted to float32.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace attn::safetensors {

enum class DType { kF32, kF16, kBF16, kOther };

struct Stored {
  DType dtype;
  std::string dtype_name;
  std::vector<std::size_t> shape;
  std::uint64_t begin, end;  // byte offsets in the file
};

// `file` names the file in errors ("model.safetensors"). bytes: the first 8 + N bytes of a file of file_size.
std::map<std::string, Stored> parse_header(const std::string& file, const std::uint8_t* bytes, std::size_t size,
                                           std::uint64_t file_size);

// values (count) from an F32 tensor's bytes (little-endian); `what` names the tensor in the error for a value that
// is not finite.
void to_float32(const Stored& t, const std::uint8_t* bytes, std::size_t count, float* values, const std::string& what);

// values (count) as the 16-bit words of an F16 or BF16 tensor's bytes (little-endian); `what` names the tensor in
// the error for a value that is not finite.
void to_halves(const Stored& t, const std::uint8_t* bytes, std::size_t count, std::uint16_t* values, const std::string& what);


}  // namespace attn::safetensors
