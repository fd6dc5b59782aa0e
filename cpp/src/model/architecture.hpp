// An architecture is data: which tensors a model has and what a file calls them, which kind of norm it uses and
// where, its MLP and positions, its special tokens, and how its config.json names each size and option. One
// forward pass (forward.hpp) runs every architecture from such a record. To add one, see "Adding an
// architecture" in the README.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "json.hpp"

namespace attn {

// Where the norms sit in a layer:
//   kPre (GPT-2, Llama, the built-in models):  x += attention(norm1(x)); x += mlp(norm2(x))
//   kPost (BERT, RoBERTa):                      x = norm1(x + attention(x)); x = norm2(x + mlp(x))
//   kParallel (GPT-NeoX's use_parallel_residual): x += attention(norm1(x)) + mlp(norm2(x))
//   kSandwich (Gemma 2):                         x += norm1b(attention(norm1(x))); x += norm2b(mlp(norm2(x)))
enum class NormPlacement { kPre, kPost, kParallel, kSandwich };

// LayerNorm (x - mean) / σ · gain + bias; RMSNorm x / rms · gain; Gemma's RMSNorm x / rms · (1 + gain).
enum class NormKind { kLayerNorm, kRmsNorm, kRmsNormPlusOne };

// GELU's tanh approximation, the exact one with erf, and SiLU (x · sigmoid(x)).
enum class Activation { kGeluTanh, kGeluErf, kSilu };

// kPlain: down(act(up(x))). kGated (Llama's SwiGLU, Gemma's GeGLU): down(act(gate(x)) · up(x)).
enum class Mlp { kPlain, kGated };

// kLearned: a table of position embeddings added to the tokens'. kRotary: RoPE, q and k rotated per position.
enum class Positions { kLearned, kRotary };

// Which tokenizer files an architecture reads: tokenizer.json always; besides it, the older vocab.txt
// (+ tokenizer_config.json) for kWordPiece and vocab.json + merges.txt for kByteLevelBpe; kTokenizerJson:
// tokenizer.json only. The built-in models carry their own.
enum class Tokenization { kBuiltinBpe, kWordPiece, kByteLevelBpe, kTokenizerJson };

// What a weight does, whatever a file calls it (llama.cpp's LLM_TENSOR_* idea). Matrices are the weights of
// y = x · W + b. kQkv is the fused projection GPT-2 stores as one (in, 3·out) matrix (Q, K, V side by side);
// kQkvPerHead is GPT-NeoX's, whose output columns hold each head's q, k and v in turn.
enum class Role {
  kTokenEmbedding, kPositionEmbedding, kTokenTypeEmbedding, kEmbeddingNormGain, kEmbeddingNormBias,
  kAttentionNormGain, kAttentionNormBias, kQueryWeight, kQueryBias, kKeyWeight, kKeyBias, kValueWeight,
  kValueBias, kQkvWeight, kQkvBias, kQkvPerHeadWeight, kQkvPerHeadBias, kQueryNormGain, kKeyNormGain,
  kAttentionOutWeight, kAttentionOutBias, kPostAttentionNormGain, kMlpNormGain, kMlpNormBias, kGateWeight,
  kGateBias, kUpWeight, kUpBias, kDownWeight, kDownBias, kPostMlpNormGain, kFinalNormGain, kFinalNormBias,
  // The language-model head: logits = norm(act(x · W_transform + b)) · W_output + b_output (BERT's
  // cls.predictions), or x · W_output (+ b), with W_output the token embeddings' transpose when tied.
  kOutputTransformWeight, kOutputTransformBias, kOutputNormGain, kOutputNormBias, kOutputWeight, kOutputBias,
};

// How a file stores a matrix: PyTorch's Linear as (out, in), GPT-2's Conv1D and the built-in model file as (in, out).
enum class Layout { kVector, kOutIn, kInOut };

// When a tensor is in a checkpoint: always, when config.json's attention_bias / mlp_bias say so, or (the
// language-model head) when the file has it: a checkpoint without one (BertModel, GPT2Model) shows attention but
// cannot predict. kHeadUntied: the head's matrix, when config.json does not tie it to the token embeddings.
enum class Present { kAlways, kWithAttentionBias, kWithMlpBias, kHead, kHeadUntied };

struct TensorName {
  Role role;
  const char* name;  // as the file names it; "{}" stands for the layer's number
  Layout layout = Layout::kVector;
  Present present = Present::kAlways;
};

// config.json's key for each size and option (nullptr: the architecture has none) and the defaults
// transformers uses for each family.
struct ConfigKeys {
  const char *vocab = "vocab_size", *d = "hidden_size", *layers = "num_hidden_layers",
             *heads = "num_attention_heads", *dff = "intermediate_size", *positions = "max_position_embeddings";
  const char* types = nullptr;          // BERT's type_vocab_size
  const char* kv_heads = nullptr;       // num_key_value_heads (default: heads)
  const char* head_dim = nullptr;       // head_dim (default: d / heads)
  std::size_t dff_per_d = 0;            // dff when its key is absent or null: this many times d (GPT-2: 4); 0: required
  const char* eps = nullptr;            // nullptr: always eps_default
  float eps_default = 1e-5f;
  const char* activation = nullptr;     // nullptr: always activation_default
  const char* activation_default = "gelu";
  const char* rope_theta = "rope_theta";
  double rope_theta_default = 10000;
  const char* partial_rotary = "partial_rotary_factor";  // the share of each head's dimensions RoPE rotates
  double partial_rotary_default = 1;
};

// Which layers a sliding window (config.json's sliding_window) applies to, unless config.json's layer_types says.
enum class SlidingLayers { kNone, kAll, kFromMaxWindowLayers, kEven };

// A config.json value this playground does not run, so refuses: `key` must be absent, null or `allowed`.
struct Refused {
  const char* key;
  const char* allowed;  // a JSON value as text: "false", "\"absolute\""
  const char* why;
};

struct Architecture {
  const char* model_type = "";        // config.json's "model_type", or "builtin"
  NormPlacement norms = NormPlacement::kPre;
  NormKind norm = NormKind::kLayerNorm;
  Mlp mlp = Mlp::kPlain;
  Positions positions = Positions::kLearned;
  bool embedding_norm = false;        // a norm right after the embeddings (post-LN encoders)
  bool embedding_scale = false;       // the embeddings times √d (Gemma)
  bool final_norm = false;            // a norm after the last layer (pre-LN models)
  bool final_norm_in_hidden = false;  // report the last hidden state after the final norm, as transformers does
  bool causal = false;                // the family's mask (the built-in models say their own)
  std::size_t position_offset = 0;    // learned positions start at this row (RoBERTa: padding_idx + 1)
  Tokenization tokenization = Tokenization::kTokenizerJson;
  // The special tokens around every text when the tokenizer's post-processor adds none (or it has no
  // tokenizer.json): BERT's [CLS] … [SEP], GPT-2's documented <|endoftext|> in front. Empty for families whose
  // tokenizer.json says what they add (kTokenizerJson), so none are invented.
  std::vector<const char*> before, after;
  // Without tokenizer.json (vocab.txt, vocab.json + merges.txt): the tokens its converted tokenizer.json would
  // list as added tokens, so that a typed "[MASK]" or "<|endoftext|>" is that token (lstrip: it takes the
  // spaces before it, as RoBERTa's <mask> does); and the masked-LM families' mask token.
  struct Added {
    const char* text;
    bool lstrip = false;
  };
  std::vector<Added> added;
  const char* mask = nullptr;
  std::vector<TensorName> tensors;    // in file order: the ones before the layers, a layer's, the ones after
  std::vector<const char*> prefixes;  // what a task model puts before the names ("bert." in BertForMaskedLM)
  ConfigKeys keys;
  SlidingLayers sliding = SlidingLayers::kNone;
  const char* parallel_residual = nullptr;  // GPT-NeoX's use_parallel_residual: kParallel when true, else kPre
  const char* attention_scalar = nullptr;   // Gemma 2's query_pre_attn_scalar: the scale is its -1/2 power
  const char* attention_softcap = nullptr;  // Gemma 2's attn_logit_softcapping
  const char* output_softcap = nullptr;     // Gemma 2's final_logit_softcapping
  bool tied_default = true;                 // tie_word_embeddings when config.json does not say
  std::vector<Refused> refused;
};

// RoPE as transformers computes its frequencies: inv_freq[i] = theta^(-2i / dims), i < dims / 2, rescaled by
// rope_type "linear" (all divided by factor) or "llama3" (long wavelengths divided by factor, short ones kept,
// those between interpolated).
struct Rope {
  enum class Scaling { kNone, kLinear, kLlama3 };
  double theta = 10000;
  std::size_t dims = 0;  // the rotated dimensions of each head: its first `dims`
  Scaling scaling = Scaling::kNone;
  double factor = 1, low_freq_factor = 1, high_freq_factor = 4, original_positions = 8192;
};

// The model's sizes and the per-model choices, as its config says them.
struct Hyperparameters {
  std::string name;  // the class in config.json's "architectures", else the model type
  std::size_t vocab = 0, d = 0, layers = 0, heads = 0, dff = 0, positions = 0, types = 0;
  std::size_t kv_heads = 0, head_dim = 0;  // grouped-query attention: query head h reads key/value head h / (heads / kv_heads)
  std::size_t max_length = 0;  // the most tokens a run takes: the positions, for checkpoints at most 512
  float eps = 1e-5f;
  Activation activation = Activation::kGeluTanh;
  bool causal = false;  // trained with a causal mask
  NormPlacement norms = NormPlacement::kPre;
  bool attention_bias = false, mlp_bias = false;
  Rope rope;
  std::size_t sliding_window = 0;    // a query sees this many keys, itself included, in the layers marked; 0: all
  std::vector<bool> sliding_layers;  // (layers)
  double attention_scale = 0;        // multiplies q·k; 0: 1 / √head_dim
  float attention_softcap = 0;       // scores become cap · tanh(scores / cap); 0: none
  bool tied = true;                  // the head's matrix is the token embeddings' transpose
  float output_softcap = 0;          // logits become cap · tanh(logits / cap); 0: none
};

const Architecture& builtin_architecture();
// The architecture config.json's "model_type" names; an ArgumentError naming config.json when there is none.
const Architecture& architecture_of(const json::Value& config);
// Reads and checks the sizes and options from config.json (parsed) for that architecture.
Hyperparameters read_hyperparameters(const Architecture& arch, const json::Value& config);

// One tensor the forward pass needs: its role, layer, the name and shape the file must have, and its layout.
struct TensorSlot {
  Role role;
  std::size_t layer;  // for per-layer roles
  std::string name;
  std::vector<std::size_t> shape;
  Layout layout;
  bool head = false;  // part of the language-model head: a checkpoint may lack it (and then cannot predict)
};
// Every tensor of a model, in the architecture's file order (per-layer ones layer by layer).
std::vector<TensorSlot> tensor_slots(const Architecture& arch, const Hyperparameters& h);

}  // namespace attn
