// An architecture is data: which tensors a model has and what a file calls them, where its norms go, its
// activation, its special tokens, and how its config.json names each size. One forward pass (forward.hpp) runs
// every architecture from such a record. To add one, see "Adding an architecture" in the README.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "json.hpp"

namespace attn {

// Where the norms sit in a layer. kPre (GPT-2, the built-in models): x + attention(norm(x)), then x + mlp(norm(x)).
// kPost (BERT): norm(x + attention(x)), then norm(x + mlp(x)).
enum class NormPlacement { kPre, kPost };

enum class Activation { kGeluTanh, kGeluErf };  // GELU's tanh approximation, or the exact one with erf

// Which tokenizer files an architecture reads: tokenizer.json always; besides it, the older vocab.txt
// (+ tokenizer_config.json) for kWordPiece and vocab.json + merges.txt for kByteLevelBpe; kTokenizerJson:
// tokenizer.json only. The built-in models carry their own.
enum class Tokenization { kBuiltinBpe, kWordPiece, kByteLevelBpe, kTokenizerJson };

// What a weight does, whatever a file calls it (llama.cpp's LLM_TENSOR_* idea). Matrices are the weights of
// y = x · W + b; "Qkv" is the fused projection that GPT-2 stores as one (in, 3·out) matrix.
enum class Role {
  kTokenEmbedding, kPositionEmbedding, kTokenTypeEmbedding, kEmbeddingNormGain, kEmbeddingNormBias,
  kAttentionNormGain, kAttentionNormBias, kQueryWeight, kQueryBias, kKeyWeight, kKeyBias, kValueWeight,
  kValueBias, kQkvWeight, kQkvBias, kAttentionOutWeight, kAttentionOutBias, kMlpNormGain, kMlpNormBias,
  kUpWeight, kUpBias, kDownWeight, kDownBias, kFinalNormGain, kFinalNormBias, kOutputBias,
};

// How a file stores a matrix: PyTorch's Linear as (out, in), GPT-2's Conv1D and the built-in model file as (in, out).
enum class Layout { kVector, kOutIn, kInOut };

struct TensorName {
  Role role;
  const char* name;  // as the file names it; "{}" stands for the layer's number
  Layout layout = Layout::kVector;
};

// config.json's key for each size (nullptr: the architecture has none) and the defaults transformers uses.
struct ConfigKeys {
  const char *vocab, *d, *layers, *heads, *dff, *positions, *types;
  std::size_t dff_per_d;        // dff when the key is absent or null: this many times d (GPT-2's n_inner: 4); 0: required
  const char* eps;              // nullptr: always eps_default
  float eps_default;
  const char* activation;       // nullptr: always activation_default
  const char* activation_default;
};

// A config.json value this playground does not run, so refuses: `key` must be absent, null or `allowed`.
struct Refused {
  const char* key;
  const char* allowed;  // a JSON value as text: "false", "\"absolute\""
  const char* why;
};

struct Architecture {
  const char* model_type;             // config.json's "model_type", or "builtin"
  NormPlacement norms;
  bool embedding_norm;                // a norm right after the embeddings (post-LN encoders)
  bool final_norm;                    // a norm after the last layer (pre-LN models)
  bool final_norm_in_hidden;          // report the last hidden state after the final norm, as transformers does
  bool causal;                        // the family's mask (the built-in models say their own)
  Tokenization tokenization;
  // The special tokens around every text when the tokenizer's post-processor adds none (or it has no
  // tokenizer.json): BERT's [CLS] … [SEP], GPT-2's documented <|endoftext|> in front. Empty for families whose
  // tokenizer.json says what they add (kTokenizerJson), so none are invented.
  std::vector<const char*> before, after;
  std::vector<TensorName> tensors;    // in file order: the ones before the layers, a layer's, the ones after
  std::vector<const char*> prefixes;  // what a task model puts before the names ("bert." in BertForMaskedLM)
  ConfigKeys keys;
  std::vector<Refused> refused;
};

// The model's sizes and the per-model choices, as its config says them.
struct Hyperparameters {
  std::string name;  // the class in config.json's "architectures", else the model type
  std::size_t vocab = 0, d = 0, layers = 0, heads = 0, dff = 0, positions = 0, types = 0;
  std::size_t max_length = 0;  // the most tokens a run takes: the positions, for checkpoints at most 512
  float eps = 1e-5f;
  Activation activation = Activation::kGeluTanh;
  bool causal = false;  // trained with a causal mask
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
};
// Every tensor of a model, in the architecture's file order (per-layer ones layer by layer).
std::vector<TensorSlot> tensor_slots(const Architecture& arch, const Hyperparameters& h);

}  // namespace attn
