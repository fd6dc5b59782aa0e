// A model's weights in the layout the forward pass wants, whatever file they came from: the built-in model file
// and Hugging Face checkpoints both fill this through place(). Matrices are packed once into the matmul kernel's
// panels, so y = x · W + b never repacks them. Shapes: d = dModel, f = dFF, V = vocab, P = positions.
#pragma once

#include <cstddef>
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

struct Weights {
  std::vector<float> token_embedding;     // (V, d)
  std::vector<float> position_embedding;  // (P, d)
  std::vector<float> token_type;          // (types, d): row 0 is added to every token (BERT's token type 0)
  Norm embedding_norm, final_norm;
  std::vector<LayerWeights> layers;
  Linear output;                          // d -> V: the language-model head, when the model has one in use
  std::vector<float> rope_cos, rope_sin;  // (max_length, rotated dims / 2): RoPE's table, for rotary models
};

// Puts one tensor, given as float32 in the file's layout (slot.shape), where the forward pass reads it. Every
// slot of tensor_slots() must be placed once before the weights are used.
void place(const TensorSlot& slot, const float* values, const Hyperparameters& h, Weights& w);

// After every slot is placed: what follows from them (the built-in models' output layer, tied to the token
// embeddings: logits = x · token_embeddingᵀ + output_bias).
void finish_weights(const Architecture& arch, const Hyperparameters& h, Weights& w);

}  // namespace attn
