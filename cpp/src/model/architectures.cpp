// The architectures this playground reads, as records (architecture.hpp), and config.json read by their keys.
#include <algorithm>
#include <cmath>
#include <map>

#include "architecture.hpp"
#include "attn/attention.hpp"

namespace attn {
namespace {

using R = Role;
constexpr Layout kOutIn = Layout::kOutIn, kInOut = Layout::kInOut, kVector = Layout::kVector;

// The built-in models' own file (model_file.hpp): matrices (in, out), LayerNorm "gain"s, and an output layer tied
// to the token embeddings with its own bias. The order is the file's and the trainer's parameter order.
const Architecture kBuiltin = [] {
  Architecture a;
  a.model_type = "builtin";
  a.final_norm = true;
  a.tokenization = Tokenization::kBuiltinBpe;
  a.before = {"[BOS]"};
  a.mask = "[MASK]";
  a.tensors = {{R::kTokenEmbedding, "token_embedding"},
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
               {R::kOutputBias, "output_bias"}};
  return a;
}();

// BERT's encoder under a prefix of names: RoBERTa's are BERT's; `types` says whether it adds token type 0.
std::vector<TensorName> bert_tensors(bool types) {
  std::vector<TensorName> t = {{R::kTokenEmbedding, "embeddings.word_embeddings.weight"},
                               {R::kPositionEmbedding, "embeddings.position_embeddings.weight"}};
  if (types) t.push_back({R::kTokenTypeEmbedding, "embeddings.token_type_embeddings.weight"});
  t.insert(t.end(), {{R::kEmbeddingNormGain, "embeddings.LayerNorm.weight"},
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
                     {R::kMlpNormBias, "encoder.layer.{}.output.LayerNorm.bias"}});
  return t;
}

// BERT (transformers' BertModel): post-LN, learned positions, token type 0 added to every token.
const Architecture kBert = [] {
  Architecture a;
  a.model_type = "bert";
  a.norms = NormPlacement::kPost;
  a.embedding_norm = true;
  a.tokenization = Tokenization::kWordPiece;
  a.before = {"[CLS]"}, a.after = {"[SEP]"};
  a.added = {{"[PAD]"}, {"[UNK]"}, {"[CLS]"}, {"[SEP]"}, {"[MASK]"}};
  a.mask = "[MASK]";
  a.tensors = bert_tensors(true);
  a.tensors.insert(a.tensors.end(), {{R::kOutputTransformWeight, "cls.predictions.transform.dense.weight", kOutIn, Present::kHead},
                                     {R::kOutputTransformBias, "cls.predictions.transform.dense.bias", kVector, Present::kHead},
                                     {R::kOutputNormGain, "cls.predictions.transform.LayerNorm.weight", kVector, Present::kHead},
                                     {R::kOutputNormBias, "cls.predictions.transform.LayerNorm.bias", kVector, Present::kHead},
                                     {R::kOutputBias, "cls.predictions.bias", kVector, Present::kHead}});
  a.prefixes = {"bert."};
  a.keys.types = "type_vocab_size";
  a.keys.eps = "layer_norm_eps", a.keys.eps_default = 1e-12f;
  a.keys.activation = "hidden_act";
  a.refused = {{"position_embedding_type", "\"absolute\"", "relative positions are not supported"}};
  return a;
}();

// RoBERTa: BERT's encoder whose positions start after the padding token's (padding_idx + 1), byte-level BPE.
const Architecture kRoberta = [] {
  Architecture a = kBert;
  a.model_type = "roberta";
  a.tokenization = Tokenization::kByteLevelBpe;
  a.before = {"<s>"}, a.after = {"</s>"};
  a.added = {{"<s>"}, {"<pad>"}, {"</s>"}, {"<unk>"}, {"<mask>", true}};
  a.mask = "<mask>";
  a.tensors = bert_tensors(true);
  a.tensors.insert(a.tensors.end(), {{R::kOutputTransformWeight, "lm_head.dense.weight", kOutIn, Present::kHead},
                                     {R::kOutputTransformBias, "lm_head.dense.bias", kVector, Present::kHead},
                                     {R::kOutputNormGain, "lm_head.layer_norm.weight", kVector, Present::kHead},
                                     {R::kOutputNormBias, "lm_head.layer_norm.bias", kVector, Present::kHead},
                                     {R::kOutputBias, "lm_head.bias", kVector, Present::kHead}});
  a.prefixes = {"roberta."};
  a.position_offset = 2;  // padding_idx (pad_token_id, 1) + 1
  return a;
}();

// DistilBERT: BERT's layers under other names, no token types, LayerNorm eps fixed at 1e-12.
const Architecture kDistilBert = [] {
  Architecture a = kBert;
  a.model_type = "distilbert";
  a.tensors = {{R::kTokenEmbedding, "embeddings.word_embeddings.weight"},
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
               {R::kMlpNormBias, "transformer.layer.{}.output_layer_norm.bias"},
               {R::kOutputTransformWeight, "vocab_transform.weight", kOutIn, Present::kHead},
               {R::kOutputTransformBias, "vocab_transform.bias", kVector, Present::kHead},
               {R::kOutputNormGain, "vocab_layer_norm.weight", kVector, Present::kHead},
               {R::kOutputNormBias, "vocab_layer_norm.bias", kVector, Present::kHead},
               {R::kOutputBias, "vocab_projector.bias", kVector, Present::kHead}};
  a.prefixes = {"distilbert."};
  a.keys = {};
  a.keys.d = "dim", a.keys.layers = "n_layers", a.keys.heads = "n_heads", a.keys.dff = "hidden_dim";
  a.keys.eps_default = 1e-12f, a.keys.activation = "activation";
  a.refused = {};
  return a;
}();

// GPT-2: pre-LN, causal, Conv1D weights (in, out), Q, K and V fused in c_attn, a final LayerNorm. Its tokenizer
// adds no special token; <|endoftext|> goes in front (as TransformerLens does) so the first word has something
// to attend to.
const Architecture kGpt2 = [] {
  Architecture a;
  a.model_type = "gpt2";
  a.final_norm = a.final_norm_in_hidden = a.causal = true;
  a.tokenization = Tokenization::kByteLevelBpe;
  a.before = {"<|endoftext|>"};
  a.added = {{"<|endoftext|>"}};
  a.tensors = {{R::kTokenEmbedding, "wte.weight"},
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
               {R::kFinalNormBias, "ln_f.bias"}};
  a.prefixes = {"transformer."};
  a.keys.vocab = "vocab_size", a.keys.d = "n_embd", a.keys.layers = "n_layer", a.keys.heads = "n_head";
  a.keys.dff = "n_inner", a.keys.positions = "n_positions", a.keys.dff_per_d = 4;
  a.keys.eps = "layer_norm_epsilon", a.keys.activation = "activation_function", a.keys.activation_default = "gelu_new";
  a.refused = {{"scale_attn_by_inverse_layer_idx", "false", "this playground runs GPT-2 without it"},
               {"add_cross_attention", "false", "this playground runs GPT-2 without it"}};
  return a;
}();

// The decoder of Llama and the families built like it (transformers' LlamaModel names; LlamaForCausalLM adds
// "model."): RMSNorm before attention and MLP, RoPE, grouped-query attention, a gated MLP, a final RMSNorm.
std::vector<TensorName> llama_tensors(bool qkv_bias, bool qk_norm, bool sandwich) {
  const Present attention_bias = qkv_bias ? Present::kAlways : Present::kWithAttentionBias;
  std::vector<TensorName> t = {
      {R::kTokenEmbedding, "embed_tokens.weight"},
      {R::kAttentionNormGain, "layers.{}.input_layernorm.weight"},
      {R::kQueryWeight, "layers.{}.self_attn.q_proj.weight", kOutIn},
      {R::kQueryBias, "layers.{}.self_attn.q_proj.bias", kVector, attention_bias},
      {R::kKeyWeight, "layers.{}.self_attn.k_proj.weight", kOutIn},
      {R::kKeyBias, "layers.{}.self_attn.k_proj.bias", kVector, attention_bias},
      {R::kValueWeight, "layers.{}.self_attn.v_proj.weight", kOutIn},
      {R::kValueBias, "layers.{}.self_attn.v_proj.bias", kVector, attention_bias},
      {R::kAttentionOutWeight, "layers.{}.self_attn.o_proj.weight", kOutIn},
      {R::kAttentionOutBias, "layers.{}.self_attn.o_proj.bias", kVector, Present::kWithAttentionBias}};
  if (qk_norm) {
    t.push_back({R::kQueryNormGain, "layers.{}.self_attn.q_norm.weight"});
    t.push_back({R::kKeyNormGain, "layers.{}.self_attn.k_norm.weight"});
  }
  if (sandwich) {  // Gemma 2 names the norm after the attention post_attention_layernorm, and adds two around the MLP
    t.push_back({R::kPostAttentionNormGain, "layers.{}.post_attention_layernorm.weight"});
    t.push_back({R::kMlpNormGain, "layers.{}.pre_feedforward_layernorm.weight"});
    t.push_back({R::kPostMlpNormGain, "layers.{}.post_feedforward_layernorm.weight"});
  } else {
    t.push_back({R::kMlpNormGain, "layers.{}.post_attention_layernorm.weight"});
  }
  t.insert(t.end(), {{R::kGateWeight, "layers.{}.mlp.gate_proj.weight", kOutIn},
                     {R::kGateBias, "layers.{}.mlp.gate_proj.bias", kVector, Present::kWithMlpBias},
                     {R::kUpWeight, "layers.{}.mlp.up_proj.weight", kOutIn},
                     {R::kUpBias, "layers.{}.mlp.up_proj.bias", kVector, Present::kWithMlpBias},
                     {R::kDownWeight, "layers.{}.mlp.down_proj.weight", kOutIn},
                     {R::kDownBias, "layers.{}.mlp.down_proj.bias", kVector, Present::kWithMlpBias},
                     {R::kFinalNormGain, "norm.weight"},
                     {R::kOutputWeight, "lm_head.weight", kOutIn, Present::kHeadUntied}});
  return t;
}

Architecture llama_like(const char* type, bool qkv_bias, bool qk_norm) {
  Architecture a;
  a.model_type = type;
  a.norm = NormKind::kRmsNorm, a.mlp = Mlp::kGated, a.positions = Positions::kRotary;
  a.final_norm = a.final_norm_in_hidden = a.causal = true;
  a.tensors = llama_tensors(qkv_bias, qk_norm, false);
  a.prefixes = {"model."};
  a.keys.kv_heads = "num_key_value_heads", a.keys.head_dim = "head_dim";
  a.keys.eps = "rms_norm_eps", a.keys.eps_default = 1e-6f;
  a.keys.activation = "hidden_act", a.keys.activation_default = "silu";
  a.tied_default = false;
  return a;
}

const Architecture kLlama = llama_like("llama", false, false);
const Architecture kMistral = [] {  // Llama with a sliding window in every layer
  Architecture a = llama_like("mistral", false, false);
  a.sliding = SlidingLayers::kAll;
  return a;
}();
const Architecture kQwen2 = [] {  // biases on q, k and v; a window (when use_sliding_window) from max_window_layers on
  Architecture a = llama_like("qwen2", true, false);
  a.sliding = SlidingLayers::kFromMaxWindowLayers;
  return a;
}();
const Architecture kQwen3 = [] {  // RMSNorm of each head's q and k before the rotation
  Architecture a = llama_like("qwen3", false, true);
  a.sliding = SlidingLayers::kFromMaxWindowLayers;
  return a;
}();
const Architecture kGemma = [] {  // Llama with (1 + w) RMSNorm, embeddings times √d, GeGLU, tied embeddings
  Architecture a = llama_like("gemma", false, false);
  a.norm = NormKind::kRmsNormPlusOne, a.embedding_scale = true;
  a.keys.activation = "hidden_activation", a.keys.activation_default = "gelu_pytorch_tanh";
  a.tied_default = true;
  return a;
}();
const Architecture kGemma2 = [] {  // norms on both sides of each block, soft-capped scores, a window every other layer
  Architecture a = kGemma;
  a.model_type = "gemma2";
  a.norms = NormPlacement::kSandwich;
  a.tensors = llama_tensors(false, false, true);
  a.sliding = SlidingLayers::kEven;
  a.attention_scalar = "query_pre_attn_scalar", a.attention_softcap = "attn_logit_softcapping";
  a.output_softcap = "final_logit_softcapping";
  return a;
}();

// GPT-NeoX (Pythia): LayerNorms with biases, q, k and v fused per head, RoPE on part of each head, exact GELU,
// and (use_parallel_residual, the default) attention and MLP side by side on the same input.
const Architecture kGptNeox = [] {
  Architecture a;
  a.model_type = "gpt_neox";
  a.positions = Positions::kRotary;
  a.final_norm = a.final_norm_in_hidden = a.causal = true;
  a.tensors = {{R::kTokenEmbedding, "embed_in.weight"},
               {R::kAttentionNormGain, "layers.{}.input_layernorm.weight"},
               {R::kAttentionNormBias, "layers.{}.input_layernorm.bias"},
               {R::kMlpNormGain, "layers.{}.post_attention_layernorm.weight"},
               {R::kMlpNormBias, "layers.{}.post_attention_layernorm.bias"},
               {R::kQkvPerHeadWeight, "layers.{}.attention.query_key_value.weight", kOutIn},
               {R::kQkvPerHeadBias, "layers.{}.attention.query_key_value.bias"},
               {R::kAttentionOutWeight, "layers.{}.attention.dense.weight", kOutIn},
               {R::kAttentionOutBias, "layers.{}.attention.dense.bias"},
               {R::kUpWeight, "layers.{}.mlp.dense_h_to_4h.weight", kOutIn},
               {R::kUpBias, "layers.{}.mlp.dense_h_to_4h.bias"},
               {R::kDownWeight, "layers.{}.mlp.dense_4h_to_h.weight", kOutIn},
               {R::kDownBias, "layers.{}.mlp.dense_4h_to_h.bias"},
               {R::kFinalNormGain, "final_layer_norm.weight"},
               {R::kFinalNormBias, "final_layer_norm.bias"},
               {R::kOutputWeight, "embed_out.weight", kOutIn, Present::kHeadUntied}};
  a.prefixes = {"gpt_neox."};
  a.tied_default = false;
  a.keys.eps = "layer_norm_eps", a.keys.activation = "hidden_act";
  a.keys.rope_theta = "rotary_emb_base", a.keys.partial_rotary = "rotary_pct", a.keys.partial_rotary_default = 0.25;
  a.parallel_residual = "use_parallel_residual";
  return a;
}();

const Architecture* const kCheckpointArchitectures[] = {&kBert, &kDistilBert, &kRoberta, &kGpt2, &kLlama, &kMistral,
                                                        &kQwen2, &kQwen3, &kGemma, &kGemma2, &kGptNeox};

const std::string kConfig = "config.json";

const json::Value* field(const json::Value& object, const std::string& key) {
  const auto found = object.object.find(key);
  return found == object.object.end() || found->second.type == json::Value::Type::kNull ? nullptr : &found->second;
}

// Vocabularies (Gemma's 256,000 tokens) and position tables (Llama 3.1's 131,072) outgrow kMaxDimension; what
// they cost is checked against the memory when the weights' sizes are known.
constexpr std::size_t kMaxVocabulary = std::size_t(1) << 22, kMaxPositions = std::size_t(1) << 24;

std::size_t size_field(const json::Value& config, const char* key, std::size_t most = kMaxDimension) {
  const json::Value* v = field(config, key);
  if (!v) throw ArgumentError(kConfig, "has no \"" + std::string(key) + "\"");
  if (v->type != json::Value::Type::kNumber || !(v->number >= 1 && v->number <= double(most)) ||
      std::floor(v->number) != v->number) {
    throw ArgumentError(kConfig, "\"" + std::string(key) + "\" must be an integer in [1, " + std::to_string(most) + "]");
  }
  return std::size_t(v->number);
}

// A number field of `object` (named `where` in errors), in (low, high); `fallback` when absent.
double number_field(const json::Value& object, const char* key, const std::string& where, double low, double high, double fallback) {
  const json::Value* v = field(object, key);
  if (!v) return fallback;
  if (v->type != json::Value::Type::kNumber || !(v->number > low && v->number < high)) {
    throw ArgumentError(kConfig, where + "\"" + key + "\" must be a number above " + format_number(low) +
                                     (std::isinf(high) ? "" : " and below " + format_number(high)));
  }
  return v->number;
}

std::string string_field(const json::Value& config, const char* key, const std::string& fallback) {
  const json::Value* v = field(config, key);
  if (!v) return fallback;
  if (v->type != json::Value::Type::kString) throw ArgumentError(kConfig, "\"" + std::string(key) + "\" must be a string");
  return v->string;
}

bool bool_field(const json::Value& config, const char* key, bool fallback) {
  const json::Value* v = field(config, key);
  if (!v) return fallback;
  if (v->type != json::Value::Type::kBool) throw ArgumentError(kConfig, "\"" + std::string(key) + "\" must be true or false");
  return v->boolean;
}

Activation activation_of(const char* key, const std::string& name) {
  if (name == "gelu") return Activation::kGeluErf;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast") return Activation::kGeluTanh;
  if (name == "silu" || name == "swish") return Activation::kSilu;
  throw ArgumentError(kConfig, "\"" + std::string(key) + "\" is \"" + name +
                                   "\"; this playground runs gelu, gelu_new, gelu_pytorch_tanh and silu");
}

// The same JSON value as `text` (a boolean, a string or a number), for Refused.
bool is_value(const json::Value& v, const std::string& text) {
  const json::Value expected = json::parse(text, "allowed value");
  return v.type == expected.type && v.boolean == expected.boolean && v.number == expected.number && v.string == expected.string;
}

// RoPE from config.json in either generation of the transformers library: rope_parameters {rope_type, rope_theta,
// partial_rotary_factor, factor, …} (newer), or rope_theta (or the family's key) and rope_scaling {rope_type (or
// type), factor, …}.
Rope read_rope(const ConfigKeys& k, const json::Value& config, std::size_t head_dim) {
  Rope rope;
  const json::Value* parameters = field(config, "rope_parameters");
  const char* scaling_key = parameters ? "rope_parameters" : "rope_scaling";
  const json::Value* scaling = parameters ? parameters : field(config, "rope_scaling");
  if (scaling && scaling->type != json::Value::Type::kObject) throw ArgumentError(kConfig, "\"" + std::string(scaling_key) + "\" must be an object");
  const std::string in = "\"" + std::string(scaling_key) + "\".";
  const double huge = INFINITY;
  rope.theta = number_field(config, "rope_theta", "", 0, huge, number_field(config, k.rope_theta, "", 0, huge, k.rope_theta_default));
  double partial = number_field(config, "partial_rotary_factor", "", 0, 1.0000001, number_field(config, k.partial_rotary, "", 0, 1.0000001, k.partial_rotary_default));
  if (parameters) {
    rope.theta = number_field(*parameters, "rope_theta", in, 0, huge, rope.theta);
    partial = number_field(*parameters, "partial_rotary_factor", in, 0, 1.0000001, partial);
  }
  rope.dims = std::size_t(double(head_dim) * partial);
  if (rope.dims < 2 || rope.dims % 2) {
    throw ArgumentError(kConfig, "RoPE would rotate " + std::to_string(rope.dims) + " of each head's " + std::to_string(head_dim) +
                                     " dimensions; it needs an even number of at least 2");
  }
  if (!scaling) return rope;
  const json::Value* type = field(*scaling, "rope_type") ? field(*scaling, "rope_type") : field(*scaling, "type");
  const std::string name = type && type->type == json::Value::Type::kString ? type->string : "default";
  if (name == "default") return rope;
  const auto required = [&](const char* key, double low) {
    if (!field(*scaling, key)) throw ArgumentError(kConfig, in + "\"" + key + "\" is required by rope_type \"" + name + "\"");
    return number_field(*scaling, key, in, low, huge, 0);
  };
  rope.factor = required("factor", 0);
  if (name == "linear") {
    rope.scaling = Rope::Scaling::kLinear;
  } else if (name == "llama3") {
    rope.scaling = Rope::Scaling::kLlama3;
    rope.low_freq_factor = required("low_freq_factor", 0);
    rope.high_freq_factor = required("high_freq_factor", 0);
    rope.original_positions = required("original_max_position_embeddings", 0);
    if (rope.high_freq_factor <= rope.low_freq_factor) throw ArgumentError(kConfig, in + "\"high_freq_factor\" must be above \"low_freq_factor\"");
  } else {
    throw ArgumentError(kConfig, in + "\"rope_type\" is \"" + name + "\"; this playground runs default, linear and llama3");
  }
  return rope;
}

// Which layers the sliding window applies to: config.json's layer_types when it has them, else the family's rule.
std::vector<bool> sliding_layers(const Architecture& arch, const json::Value& config, std::size_t layers, bool& enabled) {
  std::vector<bool> sliding(layers, false);
  if (const json::Value* types = field(config, "layer_types")) {
    if (types->type != json::Value::Type::kArray || types->array.size() != layers) {
      throw ArgumentError(kConfig, "\"layer_types\" must list one type per layer");
    }
    for (std::size_t l = 0; l < layers; ++l) {
      const json::Value& t = types->array[l];
      if (t.type != json::Value::Type::kString || (t.string != "sliding_attention" && t.string != "full_attention")) {
        throw ArgumentError(kConfig, "\"layer_types\"[" + std::to_string(l) + "] must be \"sliding_attention\" or \"full_attention\"");
      }
      sliding[l] = t.string == "sliding_attention";
    }
    return sliding;
  }
  for (std::size_t l = 0; l < layers; ++l) {
    switch (arch.sliding) {
      case SlidingLayers::kNone: break;
      case SlidingLayers::kAll: sliding[l] = true; break;
      case SlidingLayers::kEven: sliding[l] = l % 2 == 0; break;
      case SlidingLayers::kFromMaxWindowLayers:
        enabled = enabled && bool_field(config, "use_sliding_window", false);
        sliding[l] = field(config, "max_window_layers") ? l >= size_field(config, "max_window_layers") : true;
        break;
    }
  }
  return sliding;
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
  h.vocab = size_field(config, k.vocab, kMaxVocabulary), h.d = size_field(config, k.d), h.layers = size_field(config, k.layers);
  h.heads = size_field(config, k.heads), h.positions = size_field(config, k.positions, kMaxPositions);
  h.dff = k.dff_per_d && !field(config, k.dff) ? k.dff_per_d * h.d : size_field(config, k.dff);
  if (k.types) h.types = field(config, k.types) ? size_field(config, k.types) : 2;  // transformers' default
  h.kv_heads = k.kv_heads && field(config, k.kv_heads) ? size_field(config, k.kv_heads) : h.heads;
  if (h.heads % h.kv_heads != 0) throw ArgumentError(kConfig, "\"" + std::string(k.kv_heads) + "\" must divide the number of heads");
  if (k.head_dim && field(config, k.head_dim)) {
    h.head_dim = size_field(config, k.head_dim);
  } else {
    if (h.d % h.heads != 0) throw ArgumentError(kConfig, "the number of heads must divide the hidden size");
    h.head_dim = h.d / h.heads;
  }
  if (h.positions <= arch.position_offset) throw ArgumentError(kConfig, "\"" + std::string(k.positions) + "\" leaves no position for a token");
  h.max_length = std::min<std::size_t>(h.positions - arch.position_offset, 512);  // (layers, heads, n, n) attentions grow with n²
  h.eps = k.eps ? float(number_field(config, k.eps, "", 0, 1, k.eps_default)) : k.eps_default;
  h.causal = arch.causal;
  h.activation = activation_of(k.activation ? k.activation : "activation", string_field(config, k.activation ? k.activation : "", k.activation_default));
  h.norms = arch.parallel_residual && !bool_field(config, arch.parallel_residual, true) ? NormPlacement::kPre
            : arch.parallel_residual ? NormPlacement::kParallel : arch.norms;
  h.attention_bias = bool_field(config, "attention_bias", false);
  h.mlp_bias = bool_field(config, "mlp_bias", false);
  if (arch.positions == Positions::kRotary) h.rope = read_rope(k, config, h.head_dim);
  if (arch.sliding != SlidingLayers::kNone || field(config, "layer_types")) {
    bool enabled = field(config, "sliding_window") != nullptr;
    h.sliding_layers = sliding_layers(arch, config, h.layers, enabled);
    if (enabled && std::count(h.sliding_layers.begin(), h.sliding_layers.end(), true)) {
      h.sliding_window = std::size_t(number_field(config, "sliding_window", "", 0, 1e15, 0));
      if (double(h.sliding_window) != field(config, "sliding_window")->number) throw ArgumentError(kConfig, "\"sliding_window\" must be a whole number");
    }
  }
  if (arch.attention_scalar && field(config, arch.attention_scalar)) {
    h.attention_scale = 1 / std::sqrt(number_field(config, arch.attention_scalar, "", 0, INFINITY, 1));
  }
  if (arch.attention_softcap) h.attention_softcap = float(number_field(config, arch.attention_softcap, "", 0, INFINITY, 0));
  if (arch.output_softcap) h.output_softcap = float(number_field(config, arch.output_softcap, "", 0, INFINITY, 0));
  h.tied = bool_field(config, "tie_word_embeddings", arch.tied_default);
  for (const Refused& r : arch.refused) {
    if (const json::Value* v = field(config, r.key); v && !is_value(*v, r.allowed)) {
      throw ArgumentError(kConfig, "\"" + std::string(r.key) + "\" must be " + r.allowed + "; " + r.why);
    }
  }
  return h;
}

std::vector<TensorSlot> tensor_slots(const Architecture& arch, const Hyperparameters& h) {
  const std::size_t d = h.d, f = h.dff, q = h.heads * h.head_dim, kv = h.kv_heads * h.head_dim;
  // A matrix of y = x · W (in -> out), as the file stores it.
  const auto matrix = [](Layout layout, std::size_t in, std::size_t out) {
    return layout == Layout::kOutIn ? std::vector<std::size_t>{out, in} : std::vector<std::size_t>{in, out};
  };
  const auto shape_of = [&](const TensorName& t) -> std::vector<std::size_t> {
    switch (t.role) {
      case R::kTokenEmbedding: return {h.vocab, d};
      case R::kPositionEmbedding: return {h.positions, d};
      case R::kTokenTypeEmbedding: return {h.types, d};
      case R::kQueryWeight: return matrix(t.layout, d, q);
      case R::kKeyWeight: case R::kValueWeight: return matrix(t.layout, d, kv);
      case R::kQueryBias: return {q};
      case R::kKeyBias: case R::kValueBias: return {kv};
      case R::kQkvWeight: case R::kQkvPerHeadWeight: return matrix(t.layout, d, 3 * q);
      case R::kQkvBias: case R::kQkvPerHeadBias: return {3 * q};
      case R::kQueryNormGain: case R::kKeyNormGain: return {h.head_dim};
      case R::kAttentionOutWeight: return matrix(t.layout, q, d);
      case R::kGateWeight: case R::kUpWeight: return matrix(t.layout, d, f);
      case R::kGateBias: case R::kUpBias: return {f};
      case R::kDownWeight: return matrix(t.layout, f, d);
      case R::kOutputBias: return {h.vocab};
      case R::kOutputTransformWeight: return matrix(t.layout, d, d);
      case R::kOutputWeight: return matrix(t.layout, d, h.vocab);
      default: return {d};  // norms and the other biases
    }
  };
  const auto present = [&](const TensorName& t) {
    return t.present == Present::kAlways || t.present == Present::kHead || (t.present == Present::kHeadUntied && !h.tied) ||
           (t.present == Present::kWithAttentionBias && h.attention_bias) || (t.present == Present::kWithMlpBias && h.mlp_bias);
  };
  const auto slot = [&](const TensorName& t, std::size_t layer, std::string name) {
    return TensorSlot{t.role, layer, std::move(name), shape_of(t), t.layout, t.present == Present::kHead || t.present == Present::kHeadUntied};
  };
  std::vector<TensorSlot> slots;
  for (std::size_t i = 0; i < arch.tensors.size();) {
    const std::string name = arch.tensors[i].name;
    if (name.find("{}") == std::string::npos) {
      if (present(arch.tensors[i])) slots.push_back(slot(arch.tensors[i], 0, name));
      ++i;
      continue;
    }
    // A run of per-layer tensors, layer after layer.
    std::size_t end = i;
    while (end < arch.tensors.size() && std::string(arch.tensors[end].name).find("{}") != std::string::npos) ++end;
    for (std::size_t l = 0; l < h.layers; ++l) {
      for (std::size_t j = i; j < end; ++j) {
        if (!present(arch.tensors[j])) continue;
        std::string n = arch.tensors[j].name;
        n.replace(n.find("{}"), 2, std::to_string(l));
        slots.push_back(slot(arch.tensors[j], l, std::move(n)));
      }
    }
    i = end;
  }
  return slots;
}

}  // namespace attn
