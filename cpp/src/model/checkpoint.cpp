// Hugging Face checkpoints: config.json and the tokenizer's files read and checked, the safetensors header
// parsed, each used tensor converted to float32 into the layout the forward pass wants, and the forward pass
// of BERT / DistilBERT (post-LayerNorm) and GPT-2 (pre-LayerNorm), built from the same kernels as the core.
#include "attn/checkpoint.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <variant>

#include "attn/attention.hpp"
#include "json.hpp"
#include "kernels.hpp"
#include "build_arch.hpp"
#include "layers.hpp"
#include "unicode.hpp"

namespace attn {
namespace {

const std::string kConfig = "config.json", kWeights = "model.safetensors";

// ---- config.json

enum class Kind { kBert, kDistilBert, kGpt2 };

struct HfConfig {
  Kind kind;
  std::string name;
  std::size_t vocab, d, heads, layers, dff, positions, types = 0;
  float eps;
  bool gelu_tanh;  // GPT-2's tanh approximation; BERT's "gelu" is the exact, erf one
};

const json::Value* field(const json::Value& object, const std::string& key) {
  const auto found = object.object.find(key);
  return found == object.object.end() || found->second.type == json::Value::Type::kNull ? nullptr : &found->second;
}

std::size_t size_field(const json::Value& object, const std::string& key, std::size_t fallback = 0) {
  const json::Value* v = field(object, key);
  if (!v && fallback) return fallback;
  if (!v) throw ArgumentError(kConfig, "has no \"" + key + "\"");
  if (v->type != json::Value::Type::kNumber || !(v->number >= 1 && v->number <= double(kMaxDimension)) ||
      std::floor(v->number) != v->number) {
    throw ArgumentError(kConfig, "\"" + key + "\" must be an integer in [1, " + std::to_string(kMaxDimension) + "]");
  }
  return std::size_t(v->number);
}

std::string string_field(const json::Value& object, const std::string& key, const std::string& fallback,
                         const std::string& file = kConfig) {
  const json::Value* v = field(object, key);
  if (!v) return fallback;
  if (v->type != json::Value::Type::kString) throw ArgumentError(file, "\"" + key + "\" must be a string");
  return v->string;
}

float eps_field(const json::Value& object, const std::string& key, float fallback) {
  const json::Value* v = field(object, key);
  if (!v) return fallback;
  if (v->type != json::Value::Type::kNumber || !(v->number > 0 && v->number < 1)) {
    throw ArgumentError(kConfig, "\"" + key + "\" must be a number between 0 and 1");
  }
  return float(v->number);
}

bool tanh_activation(const std::string& key, const std::string& name) {
  if (name == "gelu") return false;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast") return true;
  throw ArgumentError(kConfig, "\"" + key + "\" is \"" + name + "\"; this playground runs gelu, gelu_new and gelu_pytorch_tanh");
}

HfConfig parse_config(const std::string& text) {
  if (text.empty()) throw ArgumentError(kConfig, "is missing; it is needed to know the model's shape");
  const json::Value c = json::parse(text, kConfig);
  if (c.type != json::Value::Type::kObject) throw ArgumentError(kConfig, "must hold a JSON object");
  HfConfig h;
  const std::string type = string_field(c, "model_type", "");
  const json::Value* architectures = field(c, "architectures");
  h.name = architectures && architectures->type == json::Value::Type::kArray && !architectures->array.empty() &&
                   architectures->array[0].type == json::Value::Type::kString
               ? architectures->array[0].string : type;
  if (type == "bert") {
    h.kind = Kind::kBert;
    h.vocab = size_field(c, "vocab_size"), h.d = size_field(c, "hidden_size"), h.layers = size_field(c, "num_hidden_layers");
    h.heads = size_field(c, "num_attention_heads"), h.dff = size_field(c, "intermediate_size");
    h.positions = size_field(c, "max_position_embeddings"), h.types = size_field(c, "type_vocab_size", 2);
    h.eps = eps_field(c, "layer_norm_eps", 1e-12f);
    h.gelu_tanh = tanh_activation("hidden_act", string_field(c, "hidden_act", "gelu"));
    if (string_field(c, "position_embedding_type", "absolute") != "absolute") {
      throw ArgumentError(kConfig, "\"position_embedding_type\" must be \"absolute\"; relative positions are not supported");
    }
  } else if (type == "distilbert") {
    h.kind = Kind::kDistilBert;
    h.vocab = size_field(c, "vocab_size"), h.d = size_field(c, "dim"), h.layers = size_field(c, "n_layers");
    h.heads = size_field(c, "n_heads"), h.dff = size_field(c, "hidden_dim"), h.positions = size_field(c, "max_position_embeddings");
    h.eps = 1e-12f;
    h.gelu_tanh = tanh_activation("activation", string_field(c, "activation", "gelu"));
  } else if (type == "gpt2") {
    h.kind = Kind::kGpt2;
    h.vocab = size_field(c, "vocab_size"), h.d = size_field(c, "n_embd"), h.layers = size_field(c, "n_layer");
    h.heads = size_field(c, "n_head"), h.positions = size_field(c, "n_positions");
    h.dff = size_field(c, "n_inner", 4 * h.d);
    h.eps = eps_field(c, "layer_norm_epsilon", 1e-5f);
    h.gelu_tanh = tanh_activation("activation_function", string_field(c, "activation_function", "gelu_new"));
    for (const char* flag : {"scale_attn_by_inverse_layer_idx", "add_cross_attention"}) {
      if (const json::Value* v = field(c, flag); v && v->type == json::Value::Type::kBool && v->boolean) {
        throw ArgumentError(kConfig, std::string("\"") + flag + "\" is true; this playground runs GPT-2 without it");
      }
    }
  } else {
    throw ArgumentError(kConfig, "\"model_type\" is \"" + type + "\"; this playground reads bert, distilbert and gpt2");
  }
  if (h.d % h.heads != 0) throw ArgumentError(kConfig, "the number of heads must divide the hidden size");
  return h;
}

// ---- The tokenizer's files

struct Tokenizer {
  std::variant<WordPieceTokenizer, ByteLevelBpe> t;
  std::vector<TextModel::Special> before, after;
};

bool bool_field(const json::Value& object, const std::string& key, bool fallback, const std::string& file) {
  const json::Value* v = field(object, key);
  if (!v) return fallback;
  if (v->type != json::Value::Type::kBool) throw ArgumentError(file, "\"" + key + "\" must be true or false");
  return v->boolean;
}

std::unordered_map<std::string, std::int32_t> vocab_object(const json::Value& v, const std::string& file, std::size_t limit) {
  if (v.type != json::Value::Type::kObject) throw ArgumentError(file, "the vocabulary must be a JSON object of token: id");
  std::unordered_map<std::string, std::int32_t> vocab;
  for (const auto& [token, id] : v.object) {
    if (id.type != json::Value::Type::kNumber || !(id.number >= 0 && id.number < double(limit)) || std::floor(id.number) != id.number) {
      throw ArgumentError(file, "token \"" + token + "\" has the id " + std::to_string(id.number) +
                                    "; ids must be integers below config.json's vocab_size, " + std::to_string(limit));
    }
    vocab[token] = std::int32_t(id.number);
  }
  return vocab;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

// tokenizer.json, checked to describe a `type` model ("WordPiece" or "BPE") in its "model" object.
json::Value tokenizer_json(const std::string& text, const std::string& type, const HfConfig& h) {
  const std::string file = "tokenizer.json";
  json::Value t = json::parse(text, file);
  const json::Value* model = t.type == json::Value::Type::kObject ? field(t, "model") : nullptr;
  if (!model || model->type != json::Value::Type::kObject || string_field(*model, "type", "", file) != type) {
    throw ArgumentError(file, "must describe a " + type + " model for " + h.name);
  }
  return t;
}

Tokenizer word_piece(const CheckpointFiles& f, const HfConfig& h) {
  WordPieceOptions options;
  std::unordered_map<std::string, std::int32_t> vocab;
  std::string source;
  if (!f.tokenizer_json.empty()) {
    source = "tokenizer.json";
    const json::Value t = tokenizer_json(f.tokenizer_json, "WordPiece", h);
    const json::Value& model = t.object.at("model");
    if (string_field(model, "continuing_subword_prefix", "##", source) != "##" || string_field(model, "unk_token", "[UNK]", source) != "[UNK]") {
      throw ArgumentError(source, "WordPiece must use \"##\" and \"[UNK]\", as BERT does");
    }
    vocab = vocab_object(model.at("vocab", source), source, h.vocab);
    if (const json::Value* n = field(t, "normalizer"); n && n->type == json::Value::Type::kObject) {
      options.lowercase = bool_field(*n, "lowercase", true, source);
      options.strip_accents = bool_field(*n, "strip_accents", options.lowercase, source);
      options.chinese_chars = bool_field(*n, "handle_chinese_chars", true, source);
      options.clean_text = bool_field(*n, "clean_text", true, source);
    }
  } else {
    source = "vocab.txt";
    if (f.vocab_txt.empty()) throw ArgumentError(source, "is missing; " + h.name + " needs vocab.txt or tokenizer.json");
    const auto lines = lines_of(f.vocab_txt);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i >= h.vocab) throw ArgumentError(source, "has more lines than config.json's vocab_size, " + std::to_string(h.vocab));
      vocab[lines[i]] = std::int32_t(i);  // a repeated line: the later one counts, as in transformers
    }
    // Without tokenizer_config.json, a vocabulary with no capital letters (outside [SPECIAL] tokens) is uncased.
    options.lowercase = std::none_of(lines.begin(), lines.end(), [](const std::string& token) {
      return !(token.size() > 1 && token.front() == '[' && token.back() == ']') &&
             std::any_of(token.begin(), token.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    });
    if (!f.tokenizer_config.empty()) {
      const json::Value t = json::parse(f.tokenizer_config, "tokenizer_config.json");
      if (t.type != json::Value::Type::kObject) throw ArgumentError("tokenizer_config.json", "must hold a JSON object");
      options.lowercase = bool_field(t, "do_lower_case", options.lowercase, "tokenizer_config.json");
      options.chinese_chars = bool_field(t, "tokenize_chinese_chars", true, "tokenizer_config.json");
      options.strip_accents = bool_field(t, "strip_accents", options.lowercase, "tokenizer_config.json");
    } else {
      options.strip_accents = options.lowercase;
    }
  }
  WordPieceTokenizer tokenizer(std::move(vocab), options, source);
  std::vector<TextModel::Special> before{{tokenizer.id_of("[CLS]", source), "[CLS]"}};
  std::vector<TextModel::Special> after{{tokenizer.id_of("[SEP]", source), "[SEP]"}};
  return {std::move(tokenizer), std::move(before), std::move(after)};
}

Tokenizer byte_level(const CheckpointFiles& f, const HfConfig& h) {
  std::vector<std::pair<std::string, std::int32_t>> vocab;
  std::vector<std::pair<std::string, std::string>> merges;
  std::string source;
  auto split_merge = [&](const std::string& line, std::size_t number) {
    const std::size_t space = line.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 >= line.size() || line.find(' ', space + 1) != std::string::npos) {
      throw ArgumentError(source, "merge " + std::to_string(number) + " (\"" + line + "\") is not two tokens separated by one space");
    }
    merges.emplace_back(line.substr(0, space), line.substr(space + 1));
  };
  if (!f.tokenizer_json.empty()) {
    source = "tokenizer.json";
    const json::Value t = tokenizer_json(f.tokenizer_json, "BPE", h);
    const json::Value& model = t.object.at("model");
    for (const auto& [token, id] : vocab_object(model.at("vocab", source), source, h.vocab)) vocab.emplace_back(token, id);
    const json::Value& list = model.at("merges", source);
    if (list.type != json::Value::Type::kArray) throw ArgumentError(source, "\"merges\" must be an array");
    for (std::size_t i = 0; i < list.array.size(); ++i) {
      const json::Value& m = list.array[i];
      if (m.type == json::Value::Type::kString) {
        split_merge(m.string, i + 1);
      } else if (m.type == json::Value::Type::kArray && m.array.size() == 2 && m.array[0].type == json::Value::Type::kString &&
                 m.array[1].type == json::Value::Type::kString) {
        merges.emplace_back(m.array[0].string, m.array[1].string);
      } else {
        throw ArgumentError(source, "merge " + std::to_string(i + 1) + " is neither \"a b\" nor [\"a\", \"b\"]");
      }
    }
  } else {
    if (f.vocab_json.empty()) throw ArgumentError("vocab.json", "is missing; " + h.name + " needs vocab.json and merges.txt, or tokenizer.json");
    if (f.merges_txt.empty()) throw ArgumentError("merges.txt", "is missing; " + h.name + " needs vocab.json and merges.txt, or tokenizer.json");
    source = "vocab.json";
    for (const auto& [token, id] : vocab_object(json::parse(f.vocab_json, source), source, h.vocab)) vocab.emplace_back(token, id);
    source = "merges.txt";
    const auto lines = lines_of(f.merges_txt);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].empty() || (i == 0 && lines[i].rfind("#version", 0) == 0)) continue;
      split_merge(lines[i], i + 1);
    }
  }
  ByteLevelBpe tokenizer(vocab, merges, source);
  std::vector<TextModel::Special> before{{tokenizer.id_of("<|endoftext|>", source), "<|endoftext|>"}};
  return {std::move(tokenizer), std::move(before), {}};
}

// ---- model.safetensors

enum class DType { kF32, kF16, kBF16, kOther };

struct Stored {
  DType dtype;
  std::string dtype_name;
  std::vector<std::size_t> shape;
  std::uint64_t begin, end;  // in the file
};

std::size_t element_size(const std::string& dtype) {
  static const std::map<std::string, std::size_t> sizes = {
      {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8}, {"I32", 4}, {"I16", 2}, {"I8", 1}, {"U8", 1},
      {"BOOL", 1}, {"U16", 2}, {"U32", 4}, {"U64", 8}, {"F8_E4M3", 1}, {"F8_E5M2", 1}};
  const auto found = sizes.find(dtype);
  return found == sizes.end() ? 0 : found->second;
}

std::map<std::string, Stored> parse_header(const std::uint8_t* bytes, std::size_t size, std::uint64_t file_size) {
  const std::uint64_t length = safetensors_header_length(bytes, file_size);
  if (size != 8 + length) throw ArgumentError(kWeights, "header: expected " + std::to_string(8 + length) + " bytes, got " + std::to_string(size));
  const json::Value header = json::parse({reinterpret_cast<const char*>(bytes + 8), std::size_t(length)}, kWeights + ": header");
  if (header.type != json::Value::Type::kObject) throw ArgumentError(kWeights, "header: expected a JSON object");
  const std::uint64_t data = 8 + length, data_size = file_size - data;
  std::map<std::string, Stored> tensors;
  for (const auto& [name, entry] : header.object) {
    if (name == "__metadata__") continue;
    const std::string what = kWeights + ": tensor " + name;
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

// ---- The model's weights, in the layout the forward pass wants: matrices packed once into the matmul kernel's
// panels (so y = x · W + b never repacks them), from PyTorch's Linear (out, in) or GPT-2's Conv1D (in, out).

struct Linear {
  kernels::Panels w;  // (in, out), packed
  std::vector<float> b;
};
struct Norm {
  std::vector<float> gain, bias;
};
struct Layer {
  Linear q, k, v, o, ff1, ff2;
  Norm ln1, ln2;  // post-LN: after attention and after the MLP; pre-LN: before each
};
struct Weights {
  std::vector<float> word, position, type;  // (vocab, d), (positions, d), (types, d): row 0 is token type 0
  Norm embedding_norm, final_norm;          // BERT-like after the embeddings; GPT-2's at the end
  std::vector<Layer> layers;
};

// Where one stored tensor goes: a vector as it is; a matrix into panels from Linear (out, in) or Conv1D
// (in, out) storage; or one third of GPT-2's fused c_attn, (in, 3·out) for the weight and (3·out) for the bias.
enum class Place { kAsIs, kLinear, kConv1d, kThird };
struct Target {
  Place place;
  std::vector<float>* vector = nullptr;
  kernels::Panels* panels = nullptr;
  std::size_t part = 0;
};
struct Need {
  std::string name;
  std::vector<std::size_t> shape;  // what config.json implies
  std::vector<Target> targets;
};

struct EncoderNames {
  const char *layer, *q, *k, *v, *o, *ln1, *ff1, *ff2, *ln2;
};
constexpr EncoderNames kBertNames{"encoder.layer.", "attention.self.query", "attention.self.key", "attention.self.value",
                                  "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense",
                                  "output.dense", "output.LayerNorm"};
constexpr EncoderNames kDistilBertNames{"transformer.layer.", "attention.q_lin", "attention.k_lin", "attention.v_lin",
                                        "attention.out_lin", "sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm"};

std::vector<Need> needs_of(const HfConfig& h, Weights& w) {
  const std::size_t d = h.d, f = h.dff;
  std::vector<Need> needs;
  auto add = [&](std::string name, std::vector<std::size_t> shape, std::vector<Target> targets) {
    needs.push_back({std::move(name), std::move(shape), std::move(targets)});
  };
  const auto as_is = [](std::vector<float>& to) { return Target{Place::kAsIs, &to}; };
  auto norm = [&](const std::string& name, Norm& n) {
    add(name + ".weight", {d}, {as_is(n.gain)});
    add(name + ".bias", {d}, {as_is(n.bias)});
  };
  auto linear = [&](const std::string& name, Linear& l, std::size_t in, std::size_t out) {
    add(name + ".weight", {out, in}, {{Place::kLinear, nullptr, &l.w}});
    add(name + ".bias", {out}, {as_is(l.b)});
  };
  auto conv1d = [&](const std::string& name, Linear& l, std::size_t in, std::size_t out) {
    add(name + ".weight", {in, out}, {{Place::kConv1d, nullptr, &l.w}});
    add(name + ".bias", {out}, {as_is(l.b)});
  };
  w.layers.resize(h.layers);
  if (h.kind == Kind::kGpt2) {
    add("wte.weight", {h.vocab, d}, {as_is(w.word)});
    add("wpe.weight", {h.positions, d}, {as_is(w.position)});
    for (std::size_t l = 0; l < h.layers; ++l) {
      const std::string p = "h." + std::to_string(l) + ".";
      Layer& y = w.layers[l];
      norm(p + "ln_1", y.ln1);
      add(p + "attn.c_attn.weight", {d, 3 * d}, {{Place::kThird, nullptr, &y.q.w, 0}, {Place::kThird, nullptr, &y.k.w, 1}, {Place::kThird, nullptr, &y.v.w, 2}});
      add(p + "attn.c_attn.bias", {3 * d}, {{Place::kThird, &y.q.b, nullptr, 0}, {Place::kThird, &y.k.b, nullptr, 1}, {Place::kThird, &y.v.b, nullptr, 2}});
      conv1d(p + "attn.c_proj", y.o, d, d);
      norm(p + "ln_2", y.ln2);
      conv1d(p + "mlp.c_fc", y.ff1, d, f);
      conv1d(p + "mlp.c_proj", y.ff2, f, d);
    }
    norm("ln_f", w.final_norm);
  } else {
    // BERT and DistilBERT differ in their tensors' names only.
    const bool bert = h.kind == Kind::kBert;
    const EncoderNames& names = bert ? kBertNames : kDistilBertNames;
    add("embeddings.word_embeddings.weight", {h.vocab, d}, {as_is(w.word)});
    add("embeddings.position_embeddings.weight", {h.positions, d}, {as_is(w.position)});
    if (bert) add("embeddings.token_type_embeddings.weight", {h.types, d}, {as_is(w.type)});
    norm("embeddings.LayerNorm", w.embedding_norm);
    for (std::size_t l = 0; l < h.layers; ++l) {
      const std::string p = names.layer + std::to_string(l) + ".";
      Layer& y = w.layers[l];
      linear(p + names.q, y.q, d, d);
      linear(p + names.k, y.k, d, d);
      linear(p + names.v, y.v, d, d);
      linear(p + names.o, y.o, d, d);
      norm(p + names.ln1, y.ln1);
      linear(p + names.ff1, y.ff1, d, f);
      linear(p + names.ff2, y.ff2, f, d);
      norm(p + names.ln2, y.ln2);
    }
  }
  return needs;
}

// The stored name for a needed tensor: as named, or under the prefix of a task model ("bert.", "distilbert.",
// "transformer."), or with an old checkpoint's LayerNorm names (gamma, beta).
const std::string* find_stored(const std::map<std::string, Stored>& stored, const std::string& name, const std::string& prefix,
                               std::string& found) {
  std::vector<std::string> names{name};
  for (const auto& [from, to] : {std::pair<const char*, const char*>{"LayerNorm.weight", "LayerNorm.gamma"}, {"LayerNorm.bias", "LayerNorm.beta"}}) {
    const std::string suffix = from;
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      names.push_back(name.substr(0, name.size() - suffix.size()) + to);
    }
  }
  for (const std::string& candidate : std::vector<std::string>(names)) names.push_back(prefix + candidate);
  for (const std::string& candidate : names) {
    if (stored.count(candidate)) return &(found = candidate);
  }
  return nullptr;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// ---- The forward pass

void gelu_erf(const float* in, float* out, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) out[i] = 0.5f * in[i] * (1.0f + std::erf(in[i] * 0.70710678f));
}

class CheckpointModel final : public TextModel {
 public:
  CheckpointModel(HfConfig h, Weights w, Tokenizer t) : h_(std::move(h)), w_(std::move(w)), t_(std::move(t)) {
    config_.name = h_.name;
    config_.vocabSize = h_.vocab, config_.dModel = h_.d, config_.heads = h_.heads, config_.layers = h_.layers;
    config_.dFF = h_.dff, config_.maxLength = std::min<std::size_t>(h_.positions, 512);
    config_.causal = h_.kind == Kind::kGpt2;
  }

  const ModelConfig& config() const override { return config_; }
  std::vector<Token> tokenize(std::string_view text) const override {
    return std::visit([&](const auto& t) { return t.encode(text); }, t_.t);
  }
  std::string label(std::int32_t id) const override {
    const auto* word_piece = std::get_if<WordPieceTokenizer>(&t_.t);
    return word_piece ? word_piece->text_of(id) : "";
  }
  std::vector<Special> before() const override { return t_.before; }
  std::vector<Special> after() const override { return t_.after; }
  ModelOutput run(const std::vector<std::int32_t>& ids, const RunOptions& run) const override;

 private:
  HfConfig h_;
  Weights w_;
  Tokenizer t_;
  ModelConfig config_;
};

ModelOutput CheckpointModel::run(const std::vector<std::int32_t>& ids, const RunOptions& run) const {
  const std::size_t n = ids.size(), d = h_.d, f = h_.dff, dk = d / h_.heads;
  if (n == 0 || n > config_.maxLength) {
    throw ArgumentError("ids", "expected between 1 and maxLength = " + std::to_string(config_.maxLength) + " tokens, got " + std::to_string(n));
  }
  for (const std::int32_t id : ids) {
    if (id < 0 || std::size_t(id) >= h_.vocab) throw ArgumentError("ids", "token id " + std::to_string(id) + " is outside the vocabulary");
  }
  if (!(std::isfinite(run.temperature) && run.temperature > 0)) throw ArgumentError("temperature", "expected a finite number above 0");
  AttentionOptions options;
  options.causal = run.causal.value_or(config_.causal);
  options.scale = (run.scaled ? 1.0f / std::sqrt(float(dk)) : 1.0f) / run.temperature;

  std::vector<float> x(n * d), y(n * d), q(n * d), k(n * d), v(n * d), heads(n * d), hidden_ff(n * f), act(n * f);
  std::vector<float> mean(n), rstd(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < d; ++c) {
      x[i * d + c] = w_.word[std::size_t(ids[i]) * d + c] + w_.position[i * d + c] + (w_.type.empty() ? 0.0f : w_.type[c]);
    }
  }
  const bool pre_ln = h_.kind == Kind::kGpt2;
  const auto norm = [&](const std::vector<float>& in, const Norm& with, std::vector<float>& out) {
    layers::layer_norm(in.data(), n, d, with.gain.data(), with.bias.data(), h_.eps, out.data(), mean.data(), rstd.data());
  };
  const auto linear = [&](const std::vector<float>& in, const Linear& l, std::size_t from, std::size_t to, std::vector<float>& out) {
    kernels::matmul<BuildArch>(in.data(), from, l.w, l.b.data(), n, from, to, out.data(), to);
  };
  if (!pre_ln) norm(x, w_.embedding_norm, x);  // in place: each row is read before it is written

  ModelOutput out;
  const auto append = [](std::vector<float>& to, const std::vector<float>& from) { to.insert(to.end(), from.begin(), from.end()); };
  if (run.hidden) append(out.hidden, x);
  std::vector<float> weights(h_.heads * n * n);
  kernels::Scratch scratch;
  for (const Layer& layer : w_.layers) {
    if (pre_ln) norm(x, layer.ln1, y);
    const std::vector<float>& in = pre_ln ? y : x;
    linear(in, layer.q, d, d, q), linear(in, layer.k, d, d, k), linear(in, layer.v, d, d, v);
    for (std::size_t head = 0; head < h_.heads; ++head) {
      const std::size_t col = head * dk;
      kernels::attend<BuildArch>(q.data() + col, d, k.data() + col, d, v.data() + col, d, n, n, dk, dk, options,
                                 weights.data() + head * n * n, heads.data() + col, d, scratch);
    }
    append(out.attentions, weights);
    if (run.projections) append(out.queries, q), append(out.keys, k), append(out.values, v);
    linear(heads, layer.o, d, d, y);
    for (std::size_t i = 0; i < n * d; ++i) y[i] += x[i];  // the residual
    // The MLP's input: LN2 of the stream (pre-LN, in y), or the stream itself after LN1 (post-LN, in x).
    if (pre_ln) x.swap(y), norm(x, layer.ln2, y);
    else norm(y, layer.ln1, x);
    linear(pre_ln ? y : x, layer.ff1, d, f, hidden_ff);
    if (h_.gelu_tanh) kernels::gelu<BuildArch>(hidden_ff.data(), act.data(), n * f);
    else gelu_erf(hidden_ff.data(), act.data(), n * f);
    linear(act, layer.ff2, f, d, y);
    for (std::size_t i = 0; i < n * d; ++i) y[i] += x[i];
    if (pre_ln) x.swap(y);
    else norm(y, layer.ln2, x);
    if (run.hidden) append(out.hidden, x);
  }
  if (pre_ln && run.hidden) {  // as transformers reports GPT-2: the last hidden state after the final LayerNorm
    norm(x, w_.final_norm, y);
    std::copy(y.begin(), y.end(), out.hidden.end() - std::ptrdiff_t(n * d));
  }
  return out;
}

}  // namespace

std::uint64_t safetensors_header_length(const std::uint8_t* first8, std::uint64_t file_size) {
  if (file_size < 8) throw ArgumentError(kWeights, "is " + std::to_string(file_size) + " bytes, too short for a safetensors file");
  std::uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = length << 8 | first8[i];
  if (length < 2 || length > kMaxSafetensorsHeader || length > file_size - 8) {
    throw ArgumentError(kWeights, "its first 8 bytes give a header of " + std::to_string(length) + " bytes in a file of " +
                                      std::to_string(file_size) + "; it is not a safetensors file, or it is truncated");
  }
  return length;
}

struct CheckpointLoader::State {
  HfConfig h;
  Tokenizer tokenizer;
  Weights weights;
  std::map<std::string, Stored> stored;
  std::map<std::string, Need> needs;  // by stored name
  std::vector<Range> ranges;
};

CheckpointLoader::CheckpointLoader(const CheckpointFiles& files, const std::uint8_t* header, std::size_t header_size,
                                   std::uint64_t file_size) {
  HfConfig h = parse_config(files.config);
  Tokenizer tokenizer = h.kind == Kind::kGpt2 ? byte_level(files, h) : word_piece(files, h);
  state_.reset(new State{std::move(h), std::move(tokenizer), {}, parse_header(header, header_size, file_size), {}, {}});
  State& s = *state_;
  const std::string prefix = s.h.kind == Kind::kBert ? "bert." : s.h.kind == Kind::kDistilBert ? "distilbert." : "transformer.";
  for (Need& need : needs_of(s.h, s.weights)) {
    std::string name;
    if (!find_stored(s.stored, need.name, prefix, name)) {
      throw ArgumentError(kWeights, "has no tensor " + need.name + " (nor " + prefix + need.name + "); is it a " + s.h.name + " checkpoint?");
    }
    const Stored& t = s.stored.at(name);
    const std::string what = kWeights + ": tensor " + name;
    if (t.dtype == DType::kOther) throw ArgumentError(what, "has dtype " + t.dtype_name + "; expected F32, F16 or BF16");
    if (t.shape != need.shape) throw ArgumentError(what, "has shape " + shape_text(t.shape) + ", but config.json implies " + shape_text(need.shape));
    s.ranges.push_back({name, t.begin, t.end});
    s.needs.emplace(name, std::move(need));
  }
  std::sort(s.ranges.begin(), s.ranges.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
}

CheckpointLoader::~CheckpointLoader() = default;
CheckpointLoader::CheckpointLoader(CheckpointLoader&&) noexcept = default;

const std::vector<CheckpointLoader::Range>& CheckpointLoader::needed() const { return state_->ranges; }

void CheckpointLoader::put(const std::string& name, const std::uint8_t* bytes, std::size_t size) {
  State& s = *state_;
  const auto found = s.needs.find(name);
  if (found == s.needs.end()) throw ArgumentError(kWeights, "tensor " + name + " is not one this model needs, or it was given already");
  const Stored& t = s.stored.at(name);
  const std::string what = kWeights + ": tensor " + name;
  if (size != t.end - t.begin) throw ArgumentError(what, "expected " + std::to_string(t.end - t.begin) + " bytes, got " + std::to_string(size));
  const Need& need = found->second;
  std::size_t count = 1;
  for (const std::size_t dim : need.shape) count *= dim;
  // The values as float32: in place of the target when it takes them as they are, else in a scratch copy.
  const bool direct = need.targets.size() == 1 && need.targets[0].place == Place::kAsIs;
  std::vector<float> scratch;
  std::vector<float>& values = direct ? *need.targets[0].vector : scratch;
  values.resize(count);
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
  const std::size_t rows = need.shape.size() == 2 ? need.shape[0] : 1, columns = need.shape.back();
  for (const Target& target : need.targets) {
    if (target.place == Place::kAsIs) {
      if (!direct) *target.vector = values;
    } else if (target.place == Place::kLinear) {  // B(i, o) = W[o][i] of W (out, in)
      kernels::pack_panels<BuildArch>(values.data(), 1, columns, columns, rows, *target.panels);
    } else if (target.place == Place::kConv1d) {  // B = W (in, out)
      kernels::pack_panels<BuildArch>(values.data(), columns, 1, rows, columns, *target.panels);
    } else {  // columns [part·out, (part + 1)·out) of (in, 3·out), or of the bias (3·out)
      const std::size_t third = columns / 3;
      if (target.panels) {
        kernels::pack_panels<BuildArch>(values.data() + target.part * third, columns, 1, rows, third, *target.panels);
      } else {
        target.vector->assign(values.begin() + std::ptrdiff_t(target.part * third), values.begin() + std::ptrdiff_t((target.part + 1) * third));
      }
    }
  }
  s.needs.erase(found);
}

std::unique_ptr<TextModel> CheckpointLoader::finish() {
  State& s = *state_;
  if (!s.needs.empty()) throw ArgumentError(kWeights, "tensor " + s.needs.begin()->first + " was not read");
  return std::make_unique<CheckpointModel>(std::move(s.h), std::move(s.weights), std::move(s.tokenizer));
}

}  // namespace attn
