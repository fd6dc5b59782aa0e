// The architectures this playground reads, as records (architecture.hpp), and config.json read by their keys.
#include <algorithm>
#include <cmath>
#include <map>

#include "architecture.hpp"
#include "attn/attention.hpp"

namespace attn {
namespace {

using R = Role;
constexpr Layout kVector = Layout::kVector, kOutIn = Layout::kOutIn, kInOut = Layout::kInOut;

// The built-in models' own file (model_file.hpp): matrices (in, out), LayerNorm "gain"s, and an output layer tied
// to the token embeddings with its own bias. The order is the file's and the trainer's parameter order.
const Architecture kBuiltin{
    "builtin", NormPlacement::kPre, false, true, false, false, Tokenization::kBuiltinBpe, {"[BOS]"}, {},
    {{R::kTokenEmbedding, "token_embedding"},
     {R::kPositionEmbedding, "position_embedding"},
     {R::kAttentionNormGain, "layers.{}.ln1.gain"},
     {R::kAttentionNormBias, "layers.{}.ln1.bias"},
     {R::kQueryWeight, "layers.{}.attention.wq", kInOut},
     {R::kQueryBias, "layers.{}.attention.bq"},
     {R::kKeyWeight, "layers.{}.attention.wk", kInOut},
     {R::kKeyBias, "layers.{}.attention.bk"},
     {R::kValueWeight, "layers.{}.attention.wv", kInOut},
     {R::kValueBias, "layers.{}.attention.bv"},
     {R::kAttentionOutWeight, "layers.{}.attention.wo", kInOut},
     {R::kAttentionOutBias, "layers.{}.attention.bo"},
     {R::kMlpNormGain, "layers.{}.ln2.gain"},
     {R::kMlpNormBias, "layers.{}.ln2.bias"},
     {R::kUpWeight, "layers.{}.mlp.w1", kInOut},
     {R::kUpBias, "layers.{}.mlp.b1"},
     {R::kDownWeight, "layers.{}.mlp.w2", kInOut},
     {R::kDownBias, "layers.{}.mlp.b2"},
     {R::kFinalNormGain, "final_ln.gain"},
     {R::kFinalNormBias, "final_ln.bias"},
     {R::kOutputBias, "output_bias"}},
    {},
    {},
    {}};

// BERT (transformers' BertModel): post-LN, learned positions, token type 0 added to every token.
const Architecture kBert{
    "bert", NormPlacement::kPost, true, false, false, false, Tokenization::kWordPiece, {"[CLS]"}, {"[SEP]"},
    {{R::kTokenEmbedding, "embeddings.word_embeddings.weight"},
     {R::kPositionEmbedding, "embeddings.position_embeddings.weight"},
     {R::kTokenTypeEmbedding, "embeddings.token_type_embeddings.weight"},
     {R::kEmbeddingNormGain, "embeddings.LayerNorm.weight"},
     {R::kEmbeddingNormBias, "embeddings.LayerNorm.bias"},
     {R::kQueryWeight, "encoder.layer.{}.attention.self.query.weight", kOutIn},
     {R::kQueryBias, "encoder.layer.{}.attention.self.query.bias"},
     {R::kKeyWeight, "encoder.layer.{}.attention.self.key.weight", kOutIn},
     {R::kKeyBias, "encoder.layer.{}.attention.self.key.bias"},
     {R::kValueWeight, "encoder.layer.{}.attention.self.value.weight", kOutIn},
     {R::kValueBias, "encoder.layer.{}.attention.self.value.bias"},
     {R::kAttentionOutWeight, "encoder.layer.{}.attention.output.dense.weight", kOutIn},
     {R::kAttentionOutBias, "encoder.layer.{}.attention.output.dense.bias"},
     {R::kAttentionNormGain, "encoder.layer.{}.attention.output.LayerNorm.weight"},
     {R::kAttentionNormBias, "encoder.layer.{}.attention.output.LayerNorm.bias"},
     {R::kUpWeight, "encoder.layer.{}.intermediate.dense.weight", kOutIn},
     {R::kUpBias, "encoder.layer.{}.intermediate.dense.bias"},
     {R::kDownWeight, "encoder.layer.{}.output.dense.weight", kOutIn},
     {R::kDownBias, "encoder.layer.{}.output.dense.bias"},
     {R::kMlpNormGain, "encoder.layer.{}.output.LayerNorm.weight"},
     {R::kMlpNormBias, "encoder.layer.{}.output.LayerNorm.bias"}},
    {"bert."},
    {"vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
     "max_position_embeddings", "type_vocab_size", 0, "layer_norm_eps", 1e-12f, "hidden_act", "gelu"},
    {{"position_embedding_type", "\"absolute\"", "relative positions are not supported"}}};

// DistilBERT: BERT's layers under other names, no token types, LayerNorm eps fixed at 1e-12.
const Architecture kDistilBert{
    "distilbert", NormPlacement::kPost, true, false, false, false, Tokenization::kWordPiece, {"[CLS]"}, {"[SEP]"},
    {{R::kTokenEmbedding, "embeddings.word_embeddings.weight"},
     {R::kPositionEmbedding, "embeddings.position_embeddings.weight"},
     {R::kEmbeddingNormGain, "embeddings.LayerNorm.weight"},
     {R::kEmbeddingNormBias, "embeddings.LayerNorm.bias"},
     {R::kQueryWeight, "transformer.layer.{}.attention.q_lin.weight", kOutIn},
     {R::kQueryBias, "transformer.layer.{}.attention.q_lin.bias"},
     {R::kKeyWeight, "transformer.layer.{}.attention.k_lin.weight", kOutIn},
     {R::kKeyBias, "transformer.layer.{}.attention.k_lin.bias"},
     {R::kValueWeight, "transformer.layer.{}.attention.v_lin.weight", kOutIn},
     {R::kValueBias, "transformer.layer.{}.attention.v_lin.bias"},
     {R::kAttentionOutWeight, "transformer.layer.{}.attention.out_lin.weight", kOutIn},
     {R::kAttentionOutBias, "transformer.layer.{}.attention.out_lin.bias"},
     {R::kAttentionNormGain, "transformer.layer.{}.sa_layer_norm.weight"},
     {R::kAttentionNormBias, "transformer.layer.{}.sa_layer_norm.bias"},
     {R::kUpWeight, "transformer.layer.{}.ffn.lin1.weight", kOutIn},
     {R::kUpBias, "transformer.layer.{}.ffn.lin1.bias"},
     {R::kDownWeight, "transformer.layer.{}.ffn.lin2.weight", kOutIn},
     {R::kDownBias, "transformer.layer.{}.ffn.lin2.bias"},
     {R::kMlpNormGain, "transformer.layer.{}.output_layer_norm.weight"},
     {R::kMlpNormBias, "transformer.layer.{}.output_layer_norm.bias"}},
    {"distilbert."},
    {"vocab_size", "dim", "n_layers", "n_heads", "hidden_dim", "max_position_embeddings", nullptr, 0, nullptr,
     1e-12f, "activation", "gelu"},
    {}};

// GPT-2: pre-LN, causal, Conv1D weights (in, out), Q, K and V fused in c_attn, a final LayerNorm. Its tokenizer
// adds no special token; <|endoftext|> goes in front (as TransformerLens does) so the first word has something
// to attend to.
const Architecture kGpt2{
    "gpt2", NormPlacement::kPre, false, true, true, true, Tokenization::kByteLevelBpe, {"<|endoftext|>"}, {},
    {{R::kTokenEmbedding, "wte.weight"},
     {R::kPositionEmbedding, "wpe.weight"},
     {R::kAttentionNormGain, "h.{}.ln_1.weight"},
     {R::kAttentionNormBias, "h.{}.ln_1.bias"},
     {R::kQkvWeight, "h.{}.attn.c_attn.weight", kInOut},
     {R::kQkvBias, "h.{}.attn.c_attn.bias"},
     {R::kAttentionOutWeight, "h.{}.attn.c_proj.weight", kInOut},
     {R::kAttentionOutBias, "h.{}.attn.c_proj.bias"},
     {R::kMlpNormGain, "h.{}.ln_2.weight"},
     {R::kMlpNormBias, "h.{}.ln_2.bias"},
     {R::kUpWeight, "h.{}.mlp.c_fc.weight", kInOut},
     {R::kUpBias, "h.{}.mlp.c_fc.bias"},
     {R::kDownWeight, "h.{}.mlp.c_proj.weight", kInOut},
     {R::kDownBias, "h.{}.mlp.c_proj.bias"},
     {R::kFinalNormGain, "ln_f.weight"},
     {R::kFinalNormBias, "ln_f.bias"}},
    {"transformer."},
    {"vocab_size", "n_embd", "n_layer", "n_head", "n_inner", "n_positions", nullptr, 4, "layer_norm_epsilon", 1e-5f,
     "activation_function", "gelu_new"},
    {{"scale_attn_by_inverse_layer_idx", "false", "this playground runs GPT-2 without it"},
     {"add_cross_attention", "false", "this playground runs GPT-2 without it"}}};

const Architecture* const kCheckpointArchitectures[] = {&kBert, &kDistilBert, &kGpt2};

const std::string kConfig = "config.json";

const json::Value* field(const json::Value& object, const std::string& key) {
  const auto found = object.object.find(key);
  return found == object.object.end() || found->second.type == json::Value::Type::kNull ? nullptr : &found->second;
}

std::size_t size_field(const json::Value& config, const char* key) {
  const json::Value* v = field(config, key);
  if (!v) throw ArgumentError(kConfig, "has no \"" + std::string(key) + "\"");
  if (v->type != json::Value::Type::kNumber || !(v->number >= 1 && v->number <= double(kMaxDimension)) ||
      std::floor(v->number) != v->number) {
    throw ArgumentError(kConfig, "\"" + std::string(key) + "\" must be an integer in [1, " + std::to_string(kMaxDimension) + "]");
  }
  return std::size_t(v->number);
}

std::string string_field(const json::Value& config, const char* key, const std::string& fallback) {
  const json::Value* v = field(config, key);
  if (!v) return fallback;
  if (v->type != json::Value::Type::kString) throw ArgumentError(kConfig, "\"" + std::string(key) + "\" must be a string");
  return v->string;
}

Activation activation_of(const char* key, const std::string& name) {
  if (name == "gelu") return Activation::kGeluErf;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast") return Activation::kGeluTanh;
  throw ArgumentError(kConfig, "\"" + std::string(key) + "\" is \"" + name + "\"; this playground runs gelu, gelu_new and gelu_pytorch_tanh");
}

// The same JSON value as `text` (a boolean, a string or a number), for Refused.
bool is_value(const json::Value& v, const std::string& text) {
  const json::Value expected = json::parse(text, "allowed value");
  return v.type == expected.type && v.boolean == expected.boolean && v.number == expected.number && v.string == expected.string;
}

}  // namespace

const Architecture& builtin_architecture() { return kBuiltin; }

const Architecture& architecture_of(const json::Value& config) {
  const std::string type = string_field(config, "model_type", "");
  std::string known;
  for (std::size_t i = 0; i < std::size(kCheckpointArchitectures); ++i) {
    const Architecture& arch = *kCheckpointArchitectures[i];
    if (type == arch.model_type) return arch;
    known += std::string(i == 0 ? "" : i + 1 == std::size(kCheckpointArchitectures) ? " and " : ", ") + arch.model_type;
  }
  throw ArgumentError(kConfig, "\"model_type\" is \"" + type + "\"; this playground reads " + known);
}

Hyperparameters read_hyperparameters(const Architecture& arch, const json::Value& config) {
  const ConfigKeys& k = arch.keys;
  Hyperparameters h;
  h.name = string_field(config, "model_type", arch.model_type);
  if (const json::Value* names = field(config, "architectures");
      names && names->type == json::Value::Type::kArray && !names->array.empty() && names->array[0].type == json::Value::Type::kString) {
    h.name = names->array[0].string;
  }
  h.vocab = size_field(config, k.vocab), h.d = size_field(config, k.d), h.layers = size_field(config, k.layers);
  h.heads = size_field(config, k.heads), h.positions = size_field(config, k.positions);
  h.max_length = std::min<std::size_t>(h.positions, 512);  // (layers, heads, n, n) attentions grow with n²
  h.dff = k.dff_per_d && !field(config, k.dff) ? k.dff_per_d * h.d : size_field(config, k.dff);
  if (k.types) h.types = field(config, k.types) ? size_field(config, k.types) : 2;  // transformers' default
  h.eps = k.eps_default;
  if (const json::Value* eps = k.eps ? field(config, k.eps) : nullptr) {
    if (eps->type != json::Value::Type::kNumber || !(eps->number > 0 && eps->number < 1)) {
      throw ArgumentError(kConfig, "\"" + std::string(k.eps) + "\" must be a number between 0 and 1");
    }
    h.eps = float(eps->number);
  }
  h.causal = arch.causal;
  h.activation = activation_of(k.activation, string_field(config, k.activation, k.activation_default));
  for (const Refused& r : arch.refused) {
    if (const json::Value* v = field(config, r.key); v && !is_value(*v, r.allowed)) {
      throw ArgumentError(kConfig, "\"" + std::string(r.key) + "\" must be " + r.allowed + "; " + r.why);
    }
  }
  if (h.d % h.heads != 0) throw ArgumentError(kConfig, "the number of heads must divide the hidden size");
  return h;
}

std::vector<TensorSlot> tensor_slots(const Architecture& arch, const Hyperparameters& h) {
  const std::size_t d = h.d, f = h.dff;
  // A matrix of y = x · W (in -> out), as the file stores it.
  const auto matrix = [](Layout layout, std::size_t in, std::size_t out) {
    return layout == Layout::kOutIn ? std::vector<std::size_t>{out, in} : std::vector<std::size_t>{in, out};
  };
  const auto shape_of = [&](const TensorName& t) -> std::vector<std::size_t> {
    switch (t.role) {
      case R::kTokenEmbedding: return {h.vocab, d};
      case R::kPositionEmbedding: return {h.positions, d};
      case R::kTokenTypeEmbedding: return {h.types, d};
      case R::kQueryWeight: case R::kKeyWeight: case R::kValueWeight: case R::kAttentionOutWeight: return matrix(t.layout, d, d);
      case R::kQkvWeight: return matrix(t.layout, d, 3 * d);
      case R::kQkvBias: return {3 * d};
      case R::kUpWeight: return matrix(t.layout, d, f);
      case R::kUpBias: return {f};
      case R::kDownWeight: return matrix(t.layout, f, d);
      case R::kOutputBias: return {h.vocab};
      default: return {d};  // norms and the other biases
    }
  };
  std::vector<TensorSlot> slots;
  for (std::size_t i = 0; i < arch.tensors.size();) {
    const std::string name = arch.tensors[i].name;
    if (name.find("{}") == std::string::npos) {
      slots.push_back({arch.tensors[i].role, 0, name, shape_of(arch.tensors[i]), arch.tensors[i].layout});
      ++i;
      continue;
    }
    // A run of per-layer tensors, layer after layer.
    std::size_t end = i;
    while (end < arch.tensors.size() && std::string(arch.tensors[end].name).find("{}") != std::string::npos) ++end;
    for (std::size_t l = 0; l < h.layers; ++l) {
      for (std::size_t j = i; j < end; ++j) {
        std::string n = arch.tensors[j].name;
        n.replace(n.find("{}"), 2, std::to_string(l));
        slots.push_back({arch.tensors[j].role, l, std::move(n), shape_of(arch.tensors[j]), arch.tensors[j].layout});
      }
    }
    i = end;
  }
  return slots;
}

}  // namespace attn
