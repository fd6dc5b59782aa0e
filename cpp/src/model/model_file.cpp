#include "attn/model_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <string>

#include "attn/attention.hpp"
#include "architecture.hpp"
#include "forward.hpp"
#include "json.hpp"
#include "network_model.hpp"

namespace attn {
namespace {

constexpr char kMagic[8] = {'A', 'T', 'T', 'N', 'M', 'O', 'D', 'L'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kPrefix = 16;  // magic, version, header length
const std::string kFile = "model file";
const std::string kMerges = "tokenizer.merges";

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t x) {
  for (int i = 0; i < 4; ++i) out.push_back(std::uint8_t(x >> (8 * i)));
}
std::uint32_t get_u32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}
template <class T>
void put(std::vector<std::uint8_t>& out, const T& x) {  // little-endian hosts (x86, wasm)
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(&x);
  out.insert(out.end(), bytes, bytes + sizeof(T));
}
template <class T>
T get(const std::uint8_t* p) {
  T x;
  std::memcpy(&x, p, sizeof(T));
  return x;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

std::vector<std::uint8_t> save_model(const LoadedModel& m, bool quantize) {
  const ModelConfig& c = m.model.config();
  std::vector<std::uint8_t> data;
  std::string tensors;
  auto entry = [&](const std::string& name, const char* dtype, const std::vector<std::size_t>& shape, std::size_t offset) {
    tensors += std::string(tensors.empty() ? "" : ",\n  ") + "{\"name\": " + json::quote(name) + ", \"dtype\": \"" +
               dtype + "\", \"shape\": " + shape_text(shape) + ", \"offset\": " + std::to_string(offset) +
               ", \"bytes\": " + std::to_string(data.size() - offset) + "}";
  };
  for (const TensorInfo& t : m.model.tensors()) {
    const float* values = m.model.parameters().data() + t.offset;
    const std::size_t offset = data.size();
    if (quantize && t.shape.size() == 2) {
      const std::size_t rows = t.shape[0], cols = t.shape[1];
      std::vector<float> scales(rows);
      for (std::size_t r = 0; r < rows; ++r) {
        float largest = 0;
        for (std::size_t col = 0; col < cols; ++col) largest = std::max(largest, std::fabs(values[r * cols + col]));
        scales[r] = largest > 0 ? largest / 127.0f : 1.0f;
        put(data, scales[r]);
      }
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t col = 0; col < cols; ++col) {
          data.push_back(std::uint8_t(std::int8_t(std::lround(values[r * cols + col] / scales[r]))));
        }
      }
      entry(t.name, "int8", t.shape, offset);
    } else {
      for (std::size_t i = 0; i < t.size; ++i) put(data, values[i]);
      entry(t.name, "float32", t.shape, offset);
    }
    while (data.size() % 4) data.push_back(0);
  }
  const std::size_t offset = data.size();
  for (const auto& [a, b] : m.tokenizer.merges()) put(data, a), put(data, b);
  entry(kMerges, "int32", {m.tokenizer.merges().size(), 2}, offset);

  const std::string header =
      "{\"config\": {\"name\": " + json::quote(c.name) + ", \"vocabSize\": " + std::to_string(c.vocabSize) +
      ", \"dModel\": " + std::to_string(c.dModel) + ", \"heads\": " + std::to_string(c.heads) +
      ", \"layers\": " + std::to_string(c.layers) + ", \"dFF\": " + std::to_string(c.dFF) +
      ", \"maxLength\": " + std::to_string(c.maxLength) + ", \"causal\": " + (c.causal ? "true" : "false") +
      "},\n \"special\": {\"bos\": " + std::to_string(m.special.bos) + ", \"eos\": " + std::to_string(m.special.eos) +
      ", \"mask\": " + std::to_string(m.special.mask) + "},\n \"tensors\": [\n  " + tensors + "]}\n";
  std::vector<std::uint8_t> out(kMagic, kMagic + 8);
  put_u32(out, kVersion);
  put_u32(out, std::uint32_t(header.size()));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

LoadedModel load_model(const std::uint8_t* bytes, std::size_t size) {
  if (size < kPrefix || std::memcmp(bytes, kMagic, 8) != 0) {
    throw ArgumentError(kFile, "is not an attention-playground model (no ATTNMODL magic at the start)");
  }
  if (const std::uint32_t version = get_u32(bytes + 8); version != kVersion) {
    throw ArgumentError(kFile, "has version " + std::to_string(version) + "; this build reads version " + std::to_string(kVersion));
  }
  const std::uint64_t header_size = get_u32(bytes + 12);
  if (header_size > size - kPrefix) {
    throw ArgumentError(kFile, "is truncated: its header needs " + std::to_string(header_size) + " bytes, " +
                                   std::to_string(size - kPrefix) + " remain");
  }
  const json::Value header = json::parse({reinterpret_cast<const char*>(bytes + kPrefix), std::size_t(header_size)}, kFile + ": header JSON");
  const std::uint8_t* data = bytes + kPrefix + header_size;
  const std::uint64_t data_size = size - kPrefix - header_size;

  const json::Value& jc = header.at("config", "header");
  ModelConfig c;
  c.name = jc.at("name", "config").as_string("config.name");
  auto dimension = [&](const char* key) { return std::size_t(jc.at(key, "config").as_size(std::string("config.") + key, kMaxDimension)); };
  c.vocabSize = dimension("vocabSize"), c.dModel = dimension("dModel"), c.heads = dimension("heads");
  c.layers = dimension("layers"), c.dFF = dimension("dFF"), c.maxLength = dimension("maxLength");
  c.causal = jc.at("causal", "config").as_bool("config.causal");
  Transformer model(c);  // validates the config's sizes

  // Every tensor of the layout, plus the merges, exactly once, with the expected shape and byte count.
  std::map<std::string, const TensorInfo*> expected;
  for (const TensorInfo& t : model.tensors()) expected[t.name] = &t;
  std::vector<std::pair<std::int32_t, std::int32_t>> merges;
  bool have_merges = false;
  std::size_t seen = 0;
  for (const json::Value& jt : header.at("tensors", "header").as_array("header.tensors")) {
    const std::string& name = jt.at("name", "tensor").as_string("tensor.name");
    const std::string what = "tensor " + name;
    const std::string& dtype = jt.at("dtype", what).as_string(what + ".dtype");
    std::vector<std::size_t> shape;
    for (const json::Value& d : jt.at("shape", what).as_array(what + ".shape")) shape.push_back(std::size_t(d.as_size(what + ".shape", kMaxElements)));
    const std::uint64_t offset = jt.at("offset", what).as_size(what + ".offset", std::uint64_t(1) << 40);
    const std::uint64_t length = jt.at("bytes", what).as_size(what + ".bytes", std::uint64_t(1) << 40);
    if (offset + length > data_size) {
      throw ArgumentError(kFile, "is truncated or corrupt: " + what + " needs data bytes [" + std::to_string(offset) +
                                     ", " + std::to_string(offset + length) + "), but there are " + std::to_string(data_size));
    }
    const std::uint8_t* p = data + offset;
    if (name == kMerges) {
      if (have_merges) throw ArgumentError(what, "appears twice");
      if (dtype != "int32" || shape.size() != 2 || shape[1] != 2 || length != shape[0] * 8) {
        throw ArgumentError(what, "expected int32 of shape [M, 2] in M*8 bytes");
      }
      for (std::size_t i = 0; i < shape[0]; ++i) merges.emplace_back(get<std::int32_t>(p + 8 * i), get<std::int32_t>(p + 8 * i + 4));
      have_merges = true;
      continue;
    }
    const auto found = expected.find(name);
    if (found == expected.end()) throw ArgumentError(what, "is not part of this model's layout (or appears twice)");
    const TensorInfo& t = *found->second;
    expected.erase(found);
    ++seen;
    if (shape != t.shape) throw ArgumentError(what, "has shape " + shape_text(shape) + ", expected " + shape_text(t.shape));
    float* out = model.parameters().data() + t.offset;
    if (dtype == "float32") {
      if (length != t.size * 4) throw ArgumentError(what, "expected " + std::to_string(t.size * 4) + " bytes of float32, got " + std::to_string(length));
      for (std::size_t i = 0; i < t.size; ++i) out[i] = get<float>(p + 4 * i);
    } else if (dtype == "int8" && shape.size() == 2) {
      const std::size_t rows = shape[0], cols = shape[1];
      if (length != rows * 4 + rows * cols) throw ArgumentError(what, "expected " + std::to_string(rows * 4 + rows * cols) + " bytes of int8 with row scales, got " + std::to_string(length));
      for (std::size_t r = 0; r < rows; ++r) {
        const float scale = get<float>(p + 4 * r);
        const auto* q = reinterpret_cast<const std::int8_t*>(p + rows * 4 + r * cols);
        for (std::size_t col = 0; col < cols; ++col) out[r * cols + col] = float(q[col]) * scale;
      }
    } else {
      throw ArgumentError(what, "has dtype \"" + dtype + "\"; expected float32, or int8 for a matrix");
    }
    for (std::size_t i = 0; i < t.size; ++i) {
      if (!std::isfinite(out[i])) throw ArgumentError(what, "holds a value that is not finite");
    }
  }
  if (!expected.empty()) throw ArgumentError(kFile, "lacks tensor " + expected.begin()->first);
  if (!have_merges) throw ArgumentError(kFile, "lacks tensor " + kMerges);

  BpeTokenizer tokenizer(std::move(merges));  // checks that each merge refers to earlier tokens
  const json::Value& js = header.at("special", "header");
  SpecialTokens special;
  const std::uint64_t first = tokenizer.vocab_size(), last = c.vocabSize - 1;
  for (auto [key, id] : {std::pair<const char*, std::int32_t*>{"bos", &special.bos}, {"eos", &special.eos}, {"mask", &special.mask}}) {
    const std::uint64_t value = js.at(key, "special").as_size(std::string("special.") + key, last);
    if (value < first) throw ArgumentError(std::string("special.") + key, "must be past the tokenizer's " + std::to_string(first) + " tokens");
    *id = std::int32_t(value);
  }
  if (first > c.vocabSize) throw ArgumentError("config.vocabSize", "is smaller than the tokenizer's vocabulary");
  return {std::move(model), std::move(tokenizer), special};
}

std::unique_ptr<TextModel> as_text_model(LoadedModel model) {
  // The same weights structure a checkpoint fills (weights.hpp), from the built-in architecture's tensor table.
  const SpecialTokens& s = model.special;
  TextTokenizer tokenizer{std::move(model.tokenizer), {{s.bos, builtin_architecture().before.at(0)}}, {},
                          {{s.bos, "[BOS]"}, {s.eos, "[EOS]"}, {s.mask, "[MASK]"}}, builtin_architecture().mask};
  return make_text_model(model.model.network(), std::move(tokenizer));
}

}  // namespace attn
