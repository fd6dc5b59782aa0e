// The one inference forward pass, for every architecture: a straight line of named layer calls on named
// buffers (llm.c's gpt2_forward is the model). The trainer's forward is the same code: it keeps each layer's
// buffers for its backward pass, where inference reuses one set.
// Shapes: n tokens, d = dModel, f = dFF, H heads of dk = d / H columns each.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "architecture.hpp"
#include "attn/attention.hpp"
#include "attn/model.hpp"
#include "weights.hpp"

namespace attn {

// A model ready to run: what it is, its sizes, and its weights.
struct Network {
  const Architecture* arch;
  Hyperparameters hyper;
  Weights weights;
};

// One layer's buffers, each named once.
struct LayerActivations {
  std::vector<float> input;                  // (n, d): the residual stream entering the layer
  std::vector<float> attention_in;           // (n, d): the normed input the attention reads (pre-LN only)
  std::vector<float> mean1, rstd1;           // (n): that norm's statistics (pre-LN), or the attention norm's (post-LN)
  std::vector<float> q, k, v;                // (n, d) each; head h owns columns [h·dk, (h+1)·dk)
  std::vector<float> weights;                // (H, n, n): each head's softmax(q kᵀ · scale)
  std::vector<float> heads;                  // (n, d): the heads' outputs, concatenated
  std::vector<float> attention_out;          // (n, d): heads · W_O + b_O
  std::vector<float> middle;                 // (n, d): input + attention_out (normed, post-LN)
  std::vector<float> mlp_in, mean2, rstd2;   // (n, d), (n), (n): the normed stream the MLP reads (pre-LN only)
  std::vector<float> pre_activation;         // (n, f): mlp_in · W_up + b_up
  std::vector<float> post_activation;        // (n, f): GELU of it
  std::vector<float> mlp_out;                // (n, d): post_activation · W_down + b_down
  std::vector<float> output;                 // (n, d): middle + mlp_out (normed, post-LN)
};

struct Activations {
  std::vector<float> embeddings;             // (n, d): token + position (+ token type), normed when the
                                             // architecture norms them: the first layer's input
  std::vector<LayerActivations> layers;      // one per layer (for a backward pass), or one that every layer reuses
  std::vector<float> normed, mean, rstd;     // the final norm of the last layer's output: (n, d), (n), (n)
};

// ids (n), 1 <= n <= the model's positions, each < vocab; the ArgumentError otherwise names "ids".
void check_ids(const Hyperparameters& h, const std::vector<std::int32_t>& ids);

// The forward pass into `a`. After each layer, observe(layer, its buffers) sees them (run() collects attentions,
// hidden states and projections there, so that inference keeps one layer's buffers at a time).
void forward(const Network& net, const std::vector<std::int32_t>& ids, const AttentionOptions& options, Activations& a,
             const std::function<void(std::size_t, const LayerActivations&)>& observe = {});

// What run() returns: attentions always, the rest when `options` asks (model.hpp).
ModelOutput run(const Network& net, const std::vector<std::int32_t>& ids, const RunOptions& options);

// y (n, out) = x (n, in) · W + b.
void linear_forward(const float* x, std::size_t n, const Linear& l, float* y);

}  // namespace attn
