// The steps of loading a checkpoint (checkpoint.hpp): config.json names the architecture and its sizes, the
// tokenizer's files make its tokenizer, the safetensors header says where each needed tensor is, and each tensor
// is converted to float32 and placed (weights.hpp) as it arrives.
#include "attn/checkpoint.hpp"

#include <algorithm>
#include <cstdio>

#include "architecture.hpp"
#include "attn/attention.hpp"
#include "forward.hpp"
#include "json.hpp"
#include "network_model.hpp"
#include "safetensors.hpp"
#include "tokenizer_files.hpp"

namespace attn {
namespace {

// "19327352832 bytes (18.0 GiB)", "68157440 bytes (65.0 MiB)"
std::string bytes_text(std::uint64_t bytes) {
  char text[64];
  const bool gib = bytes >= (std::uint64_t(1) << 30);
  std::snprintf(text, sizeof text, "%llu bytes (%.1f %s)", static_cast<unsigned long long>(bytes),
                double(bytes) / double(gib ? 1u << 30 : 1u << 20), gib ? "GiB" : "MiB");
  return text;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// The stored name of a needed tensor: as named, with an old checkpoint's LayerNorm names (gamma, beta), or
// either under the prefix of a task model ("bert.", "transformer.").
const std::string* find_stored(const std::map<std::string, safetensors::Stored>& stored, const TensorSlot& slot,
                               const Architecture& arch) {
  std::vector<std::string> names{slot.name};
  for (const auto& [from, to] : {std::pair<const char*, const char*>{"LayerNorm.weight", "LayerNorm.gamma"}, {"LayerNorm.bias", "LayerNorm.beta"}}) {
    const std::string suffix = from;
    if (slot.name.size() > suffix.size() && slot.name.compare(slot.name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      names.push_back(slot.name.substr(0, slot.name.size() - suffix.size()) + to);
    }
  }
  for (const char* prefix : arch.prefixes) {
    for (std::size_t i = 0, plain = names.size(); i < plain; ++i) names.push_back(prefix + names[i]);
  }
  for (const std::string& candidate : names) {
    if (const auto found = stored.find(candidate); found != stored.end()) return &found->first;
  }
  return nullptr;
}

std::size_t element_count(const std::vector<std::size_t>& shape) {
  std::size_t count = 1;
  for (const std::size_t dim : shape) count *= dim;
  return count;
}

}  // namespace

const std::vector<std::string>& checkpoint_text_files() {
  static const std::vector<std::string> names = {"config.json", "tokenizer.json", "vocab.txt", "tokenizer_config.json",
                                                 "vocab.json", "merges.txt"};
  return names;
}

void check_text_file(const std::string& name, std::uint64_t size) {
  const auto& names = checkpoint_text_files();
  if (std::find(names.begin(), names.end(), name) == names.end()) throw ArgumentError(name, "is not a file a checkpoint is read from");
  if (size > kMaxTextFileBytes) {
    throw ArgumentError(name, "is " + bytes_text(size) + ", more than the " + bytes_text(kMaxTextFileBytes) + " a config or tokenizer file may have");
  }
}

std::unique_ptr<TextReader> load_tokenizer(const CheckpointFiles& files) {
  const auto config = files.find("config.json");
  if (config == files.end() || config->second.empty()) return make_text_reader(read_tokenizer_json_only(files));
  const json::Value c = json::parse(config->second, "config.json");
  if (c.type != json::Value::Type::kObject) throw ArgumentError("config.json", "must hold a JSON object");
  const Architecture& arch = architecture_of(c);
  return make_text_reader(read_tokenizer(arch, read_hyperparameters(arch, c), files));
}

struct CheckpointLoader::State {
  const Architecture* arch;
  Hyperparameters hyper;
  TextTokenizer tokenizer;
  Weights weights;
  std::map<std::string, safetensors::Stored> stored;
  std::map<std::string, TensorSlot> slots;  // still to come, by stored name
  std::vector<Range> ranges;
  std::uint64_t memory = 0;
};

CheckpointLoader::CheckpointLoader(const CheckpointFiles& files, const std::uint8_t* header, std::size_t header_size,
                                   std::uint64_t file_size, std::uint64_t memory_limit) {
  const auto config = files.find("config.json");
  if (config == files.end() || config->second.empty()) throw ArgumentError("config.json", "is missing; it is needed to know the model's shape");
  const json::Value c = json::parse(config->second, "config.json");
  if (c.type != json::Value::Type::kObject) throw ArgumentError("config.json", "must hold a JSON object");
  const Architecture& arch = architecture_of(c);
  Hyperparameters hyper = read_hyperparameters(arch, c);
  TextTokenizer tokenizer = read_tokenizer(arch, hyper, files);
  state_.reset(new State{&arch, std::move(hyper), std::move(tokenizer), {}, safetensors::parse_header(kWeightsFile, header, header_size, file_size), {}, {}, 0});
  State& s = *state_;
  std::size_t largest = 0;
  for (TensorSlot& slot : tensor_slots(arch, s.hyper)) {
    const std::string* name = find_stored(s.stored, slot, arch);
    if (!name) {
      throw ArgumentError(kWeightsFile, "has no tensor " + slot.name + (arch.prefixes.empty() ? "" : " (nor " + std::string(arch.prefixes[0]) + slot.name + ")") +
                                            "; is it a " + s.hyper.name + " checkpoint?");
    }
    const safetensors::Stored& t = s.stored.at(*name);
    const std::string what = kWeightsFile + ": tensor " + *name;
    if (t.dtype == safetensors::DType::kOther) throw ArgumentError(what, "has dtype " + t.dtype_name + "; expected F32, F16 or BF16");
    if (t.shape != slot.shape) throw ArgumentError(what, "has shape " + shape_text(t.shape) + ", but config.json implies " + shape_text(slot.shape));
    s.ranges.push_back({*name, t.begin, t.end});
    const std::size_t count = element_count(slot.shape);
    s.memory += std::uint64_t(count) * 4;
    largest = std::max(largest, count);
    s.slots.emplace(*name, std::move(slot));
  }
  // While a tensor is placed, its bytes and a float32 copy exist besides the weights placed so far.
  s.memory += std::uint64_t(largest) * 8;
  if (s.memory > memory_limit) {
    throw ArgumentError(kWeightsFile, "its tensors need " + bytes_text(s.memory) + " of memory as float32, more than the " +
                                          bytes_text(memory_limit) + " this build can give them");
  }
  std::sort(s.ranges.begin(), s.ranges.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
}

CheckpointLoader::~CheckpointLoader() = default;
CheckpointLoader::CheckpointLoader(CheckpointLoader&&) noexcept = default;

const std::vector<CheckpointLoader::Range>& CheckpointLoader::needed() const { return state_->ranges; }
std::uint64_t CheckpointLoader::memory_needed() const { return state_->memory; }

void CheckpointLoader::put(const std::string& name, const std::uint8_t* bytes, std::size_t size) {
  State& s = *state_;
  const auto found = s.slots.find(name);
  if (found == s.slots.end()) throw ArgumentError(kWeightsFile, "tensor " + name + " is not one this model needs, or it was given already");
  const safetensors::Stored& t = s.stored.at(name);
  const std::string what = kWeightsFile + ": tensor " + name;
  if (size != t.end - t.begin) throw ArgumentError(what, "expected " + std::to_string(t.end - t.begin) + " bytes, got " + std::to_string(size));
  std::vector<float> values(element_count(found->second.shape));
  safetensors::to_float32(t, bytes, values.size(), values.data(), what);
  place(found->second, values.data(), s.weights);
  s.slots.erase(found);
}

std::unique_ptr<TextModel> CheckpointLoader::finish() {
  State& s = *state_;
  if (!s.slots.empty()) throw ArgumentError(kWeightsFile, "tensor " + s.slots.begin()->first + " was not read");
  finish_weights(*s.arch, s.hyper, s.weights);
  return make_text_model(Network{s.arch, std::move(s.hyper), std::move(s.weights)}, std::move(s.tokenizer));
}

}  // namespace attn
