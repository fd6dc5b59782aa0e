// The steps of loading a checkpoint (checkpoint.hpp): config.json names the architecture and its sizes, the
// tokenizer's files make its tokenizer, the safetensors header says where each needed tensor is, and each tensor
// is converted to float32 and placed (weights.hpp) as it arrives.
#include "attn/checkpoint.hpp"

#include <algorithm>
#include <cstdio>
#include <tuple>

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
template <class Stored>
const std::string* find_stored(const std::map<std::string, Stored>& stored, const TensorSlot& slot,
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

// The classes of transformers whose checkpoints carry a language-model head (tied to the token embeddings when
// the file has none of its own).
const char* const kHeadClasses[] = {"LMHeadModel", "ForCausalLM", "ForMaskedLM"};

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::size_t element_count(const std::vector<std::size_t>& shape) {
  std::size_t count = 1;
  for (const std::size_t dim : shape) count *= dim;
  return count;
}

}  // namespace

const std::vector<std::string>& checkpoint_text_files() {
  static const std::vector<std::string> names = {"config.json", kWeightsIndexFile, "tokenizer.json", "vocab.txt",
                                                 "tokenizer_config.json", "vocab.json", "merges.txt"};
  return names;
}

void check_text_file(const std::string& name, std::uint64_t size) {
  const auto& names = checkpoint_text_files();
  if (std::find(names.begin(), names.end(), name) == names.end()) throw ArgumentError(name, "is not a file a checkpoint is read from");
  if (size > kMaxTextFileBytes) {
    throw ArgumentError(name, "is " + bytes_text(size) + ", more than the " + bytes_text(kMaxTextFileBytes) + " a config or tokenizer file may have");
  }
}

std::vector<std::string> weights_files(const CheckpointFiles& files) {
  const auto index = files.find(kWeightsIndexFile);
  if (index == files.end() || index->second.empty()) return {kWeightsFile};
  const json::Value i = json::parse(index->second, kWeightsIndexFile);
  const json::Value* map = i.type == json::Value::Type::kObject && i.object.count("weight_map") ? &i.object.at("weight_map") : nullptr;
  if (!map || map->type != json::Value::Type::kObject || map->object.empty()) {
    throw ArgumentError(kWeightsIndexFile, "must hold a \"weight_map\" object of tensor name: shard file");
  }
  std::vector<std::string> shards;
  for (const auto& [tensor, file] : map->object) {
    if (file.type != json::Value::Type::kString || file.string.find_first_of("/\\") != std::string::npos ||
        file.string.size() <= 12 || file.string.compare(file.string.size() - 12, 12, ".safetensors") != 0) {
      throw ArgumentError(kWeightsIndexFile, "weight_map[\"" + tensor + "\"] must name a .safetensors file beside it");
    }
    if (std::find(shards.begin(), shards.end(), file.string) == shards.end()) shards.push_back(file.string);
  }
  std::sort(shards.begin(), shards.end());
  return shards;
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
  std::string source;  // the file that errors about the weights as a whole name: model.safetensors, or the index
  std::map<std::string, std::pair<std::string, safetensors::Stored>> stored;  // tensor name -> (file, where)
  std::map<std::string, TensorSlot> slots;  // still to come, by stored name
  std::vector<Range> ranges;
  std::uint64_t memory = 0;
  std::string cannot_predict;
};

CheckpointLoader::CheckpointLoader(const CheckpointFiles& files, const std::uint8_t* header, std::size_t header_size,
                                   std::uint64_t file_size, std::uint64_t memory_limit)
    : CheckpointLoader(files, {{kWeightsFile, header, header_size, file_size}}, memory_limit) {}

CheckpointLoader::CheckpointLoader(const CheckpointFiles& files, const std::vector<Header>& headers,
                                   std::uint64_t memory_limit) {
  const auto config = files.find("config.json");
  if (config == files.end() || config->second.empty()) throw ArgumentError("config.json", "is missing; it is needed to know the model's shape");
  const json::Value c = json::parse(config->second, "config.json");
  if (c.type != json::Value::Type::kObject) throw ArgumentError("config.json", "must hold a JSON object");
  const Architecture& arch = architecture_of(c);
  Hyperparameters hyper = read_hyperparameters(arch, c);
  TextTokenizer tokenizer = read_tokenizer(arch, hyper, files);
  const std::vector<std::string> expected = weights_files(files);
  state_.reset(new State{&arch, std::move(hyper), std::move(tokenizer), {}, expected.size() == 1 ? expected[0] : kWeightsIndexFile, {}, {}, {}, 0, {}});
  State& s = *state_;
  for (const Header& h : headers) {
    if (std::find(expected.begin(), expected.end(), h.file) == expected.end()) {
      throw ArgumentError(h.file, "is not one of the checkpoint's weights files (" + s.source + " names them)");
    }
    for (auto& [name, t] : safetensors::parse_header(h.file, h.bytes, h.size, h.file_size)) {
      if (s.stored.count(name)) throw ArgumentError(h.file, "tensor " + name + " is also in " + s.stored.at(name).first);
      s.stored.emplace(name, std::make_pair(h.file, std::move(t)));
    }
  }
  for (const std::string& file : expected) {
    if (std::none_of(headers.begin(), headers.end(), [&](const Header& h) { return h.file == file; })) {
      throw ArgumentError(file, "is missing; " + s.source + " lists it");
    }
  }
  std::size_t largest = 0;
  std::string missing_head;  // a checkpoint without its head (or with a part of it) still shows its attention
  bool head_tensors = false;
  std::vector<TensorSlot> slots = tensor_slots(arch, s.hyper);
  for (const TensorSlot& slot : slots) {
    head_tensors = head_tensors || slot.head;
    if (slot.head && !find_stored(s.stored, slot, arch)) missing_head += (missing_head.empty() ? "" : ", ") + slot.name;
  }
  for (TensorSlot& slot : slots) {
    if (slot.head && !missing_head.empty()) continue;  // a part of a head is no head: none of it is read
    const std::string* name = find_stored(s.stored, slot, arch);
    if (!name) {
      throw ArgumentError(s.source, std::string(expected.size() == 1 ? "has no tensor " : "no shard has tensor ") + slot.name +
                                        (arch.prefixes.empty() ? "" : " (nor " + std::string(arch.prefixes[0]) + slot.name + ")") +
                                        "; is it a " + s.hyper.name + " checkpoint?");
    }
    const auto& [file, t] = s.stored.at(*name);
    const std::string what = file + ": tensor " + *name;
    if (t.dtype == safetensors::DType::kOther) throw ArgumentError(what, "has dtype " + t.dtype_name + "; expected F32, F16 or BF16");
    if (t.shape != slot.shape) throw ArgumentError(what, "has shape " + shape_text(t.shape) + ", but config.json implies " + shape_text(slot.shape));
    s.ranges.push_back({file, *name, t.begin, t.end});
    const std::size_t count = element_count(slot.shape);
    s.memory += std::uint64_t(count) * (t.dtype == safetensors::DType::kF32 ? 4 : 2);  // as the file stores them
    largest = std::max(largest, count);
    s.slots.emplace(*name, std::move(slot));
  }
  if (!missing_head.empty()) {
    s.cannot_predict = s.source + " has no " + missing_head + " (the language-model head)";
  } else if (!head_tensors && !std::any_of(std::begin(kHeadClasses), std::end(kHeadClasses), [&](const char* suffix) { return ends_with(s.hyper.name, suffix); })) {
    s.cannot_predict = "config.json: " + s.hyper.name + " is a model without its language-model head";  // GPT2Model: wte alone
  }
  // While a tensor is placed, its bytes and a copy exist besides the weights placed so far.
  s.memory += std::uint64_t(largest) * 8;
  if (s.memory > memory_limit) {
    throw ArgumentError(s.source, "its tensors need " + bytes_text(s.memory) + " of memory, more than the " +
                                      bytes_text(memory_limit) + " this build can give them");
  }
  std::sort(s.ranges.begin(), s.ranges.end(), [](const Range& a, const Range& b) { return std::tie(a.file, a.begin) < std::tie(b.file, b.begin); });
}

CheckpointLoader::~CheckpointLoader() = default;
CheckpointLoader::CheckpointLoader(CheckpointLoader&&) noexcept = default;

const std::vector<CheckpointLoader::Range>& CheckpointLoader::needed() const { return state_->ranges; }
std::uint64_t CheckpointLoader::memory_needed() const { return state_->memory; }

void CheckpointLoader::put(const std::string& name, const std::uint8_t* bytes, std::size_t size) {
  State& s = *state_;
  const auto found = s.slots.find(name);
  if (found == s.slots.end()) throw ArgumentError(s.source, "tensor " + name + " is not one this model needs, or it was given already");
  const auto& [file, t] = s.stored.at(name);
  const std::string what = file + ": tensor " + name;
  if (size != t.end - t.begin) throw ArgumentError(what, "expected " + std::to_string(t.end - t.begin) + " bytes, got " + std::to_string(size));
  const std::size_t count = element_count(found->second.shape);
  if (t.dtype == safetensors::DType::kF32) {
    std::vector<float> values(count);
    safetensors::to_float32(t, bytes, count, values.data(), what);
    place(found->second, values.data(), s.hyper, s.weights);
  } else {  // 16-bit weights stay 16-bit (kernels::Storage): half the memory of float32
    std::vector<std::uint16_t> values(count);
    safetensors::to_halves(t, bytes, count, values.data(), what);
    place(found->second, values.data(), t.dtype == safetensors::DType::kF16 ? kernels::Storage::kF16 : kernels::Storage::kBF16,
          s.hyper, s.weights);
  }
  s.slots.erase(found);
}

std::unique_ptr<TextModel> CheckpointLoader::finish() {
  State& s = *state_;
  if (!s.slots.empty()) throw ArgumentError(s.stored.at(s.slots.begin()->first).first, "tensor " + s.slots.begin()->first + " was not read");
  finish_weights(*s.arch, s.hyper, s.weights);
  return make_text_model(Network{s.arch, std::move(s.hyper), std::move(s.weights), std::move(s.cannot_predict)}, std::move(s.tokenizer));
}

}  // namespace attn
