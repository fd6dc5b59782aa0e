// A model's weights in the layout the forward pass wants, whatever file they came from: the built-in model file
// and Hugging Face checkpoints both fill this through place(). Matrices are packed once into the matmul kernel's
// panels, so y = x · W + b never repacks them. Shapes: d = dModel, f = dFF, V = vocab, P = positions.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "architecture.hpp"
#include "kernels.hpp"

namespace attn {

struct Linear {            // y (n, out) = x (n, in) · W + b
  kernels::Panels w;       // W (in, out), packed
  std::vector<float> b;    // (out), or empty for no bias
  std::size_t in = 0, out = 0;
};

struct Norm {
  std::vector<float> gain, bias;  // (d) each; an RMSNorm has no bias
};

// H query heads and KV key/value heads of hd dimensions each (KV = H without grouped-query attention).
struct LayerWeights {
  Norm attention_norm;     // the norm of the attention block: before it (pre-LN) or after its residual (post-LN)
  Linear q, k, v, o;       // d -> H·hd, d -> KV·hd, d -> KV·hd, H·hd -> d; head h owns columns [h·hd, (h+1)·hd)
  Norm q_norm, k_norm;     // (hd): each head's q and k normed before RoPE (Qwen 3); empty: none
  Norm post_attention_norm;  // on the attention's output before the residual (Gemma 2's sandwich); empty: none
  Norm mlp_norm;           // likewise for the MLP block
  Linear gate, up, down;   // d -> f (gate: a gated MLP only), d -> f, f -> d
  Norm post_mlp_norm;
};

// A table of rows (token embeddings, the largest tensor of most models), kept as the file stores it: float32, or
// the 16 bits of float16 / bfloat16, widened row by row as rows are read.
struct Table {
  std::vector<float> f32;
  std::vector<std::uint16_t> half;
  kernels::Storage storage = kernels::Storage::kF32;
  std::size_t columns = 0;
  // out (columns) = row i.
  void row(std::size_t i, float* out) const {
    if (storage == kernels::Storage::kF32) std::copy_n(f32.data() + i * columns, columns, out);
    else kernels::widen(half.data() + i * columns, columns, storage, out);
  }
};

// The language-model head (the Role::kOutput* tensors): logits = x' · Eᵀ + bias, where x' is the final hidden
// state through the transform, its activation and norm when the model has them (BERT's cls.predictions), and E
// is the untied table or else the token embeddings.
struct OutputHead {
  Linear transform;         // d -> d, or empty (out == 0)
  Norm norm;                // after the transform's activation
  Table untied;             // (V, d): lm_head.weight's rows, when not tied to the token embeddings
  std::vector<float> bias;  // (V) or empty
};

struct Weights {
  Table token_embedding;                  // (V, d)
  std::vector<float> position_embedding;  // (P, d)
  std::vector<float> token_type;          // (types, d): row 0 is added to every token (BERT's token type 0)
  Norm embedding_norm, final_norm;
  std::vector<LayerWeights> layers;
  OutputHead head;
  Linear output;                          // d -> V: the built-in models' tied head packed for the trainer's loss
  std::vector<float> rope_cos, rope_sin;  // (max_length, rotated dims / 2): RoPE's table, for rotary models
};

// Puts one tensor, given in the file's layout (slot.shape), where the forward pass reads it: as float32 values,
// or as the 16 bits of float16 or bfloat16 ones (`storage`), which matrices and the token embeddings keep (the
// rest is widened). Every slot of tensor_slots() must be placed once before the weights are used.
template <class T>
void place(const TensorSlot& slot, const T* values, kernels::Storage storage, const Hyperparameters& h, Weights& w);
inline void place(const TensorSlot& slot, const float* values, const Hyperparameters& h, Weights& w) {
  place(slot, values, kernels::Storage::kF32, h, w);
}

// After every slot is placed: what follows from them (the built-in models' output layer, tied to the token
// embeddings: logits = x · token_embeddingᵀ + output_bias).
void finish_weights(const Architecture& arch, const Hyperparameters& h, Weights& w);

}  // namespace attn
