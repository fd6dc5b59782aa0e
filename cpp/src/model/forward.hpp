// The one inference forward pass, for every architecture: a straight line of named layer calls on named
// buffers (llm.c's gpt2_forward is the model). The trainer's forward is the same code: it keeps each layer's
// buffers for its backward pass, where inference reuses one set.
// Shapes: n tokens, d = dModel, f = dFF; H query heads and KV key/value heads of hd dimensions each (hd = d / H
// unless config.json says; KV < H with grouped-query attention); Q = H·hd, K = KV·hd.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "architecture.hpp"
#include "attn/attention.hpp"
#include "attn/model.hpp"
#include "weights.hpp"

namespace attn {

// A model ready to run: what it is, its sizes, and its weights (RoPE's table among them).
struct Network {
  const Architecture* arch;
  Hyperparameters hyper;
  Weights weights;
  std::string cannot_predict;  // why it has no language-model head ("model.safetensors has no …"); "" when it has
};

// RoPE's cos and sin of every position's angles, (positions, dims / 2) each: finish_weights makes them.
void rotary_table(const Rope& rope, std::size_t positions, std::vector<float>& cos, std::vector<float>& sin);

// One layer's buffers, each named once.
struct LayerActivations {
  std::vector<float> input;                  // (n, d): the residual stream entering the layer
  std::vector<float> attention_in;           // (n, d): the normed input the attention reads (not post-LN)
  std::vector<float> mean1, rstd1;           // (n): that norm's statistics, or the attention norm's (post-LN)
  std::vector<float> q;                      // (n, Q): head h owns columns [h·hd, (h+1)·hd); rotated by RoPE
  std::vector<float> k, v;                   // (n, K): key/value head g likewise; k rotated by RoPE
  std::vector<float> weights;                // (H, n, n): each head's softmax(q kᵀ · scale)
  std::vector<float> heads;                  // (n, Q): the heads' outputs, concatenated
  std::vector<float> attention_out;          // (n, d): heads · W_O + b_O (normed, sandwich)
  std::vector<float> middle;                 // (n, d): input + attention_out (normed, post-LN)
  std::vector<float> mlp_in, mean2, rstd2;   // (n, d), (n), (n): the normed stream the MLP reads (not post-LN)
  std::vector<float> pre_activation;         // (n, f): mlp_in · W_up + b_up, or · W_gate + b_gate when gated
  std::vector<float> up;                     // (n, f): mlp_in · W_up + b_up, when gated
  std::vector<float> post_activation;        // (n, f): the activation of pre_activation (times up, when gated)
  std::vector<float> mlp_out;                // (n, d): post_activation · W_down + b_down (normed, sandwich)
  std::vector<float> output;                 // (n, d): middle + mlp_out (normed, post-LN); parallel: input +
                                             // attention_out + mlp_out
};

struct Activations {
  std::vector<float> embeddings;             // (n, d): token + position (+ token type), normed when the
                                             // architecture norms them: the first layer's input
  std::vector<LayerActivations> layers;      // one per layer (for a backward pass), or one that every layer reuses
  std::vector<float> normed, mean, rstd;     // the final norm of the last layer's output: (n, d), (n), (n)
};

// What a causal model's last run computed, which its TextModel keeps so that the next run of a text beginning
// with the same tokens computes only the rows after them: typing at the end of a text recomputes one or two rows
// of every layer, an edit in the middle the rows from there on. Valid for the same options (what the numbers
// depend on: mask, scale, soft cap, temperature, switched-off heads).
struct PrefixCache {
  std::vector<std::int32_t> ids;
  AttentionOptions options;
  std::vector<std::uint8_t> ablated;
  struct Layer {
    std::vector<float> q, k, v;  // (n, Q), (n, K), (n, K)
  };
  std::vector<Layer> layers;
  std::vector<float> attentions, hidden;  // as run() returns them: (layers, heads, n, n), (layers + 1, n, d)
  std::vector<float> last;                // (n, d): what the head reads
  // The predictions of rows [0, predicted), with k tokens each and the targets they were judged on.
  std::size_t predicted = 0, k = 0;
  std::vector<std::int32_t> top_ids, targets;
  std::vector<float> top_probs, target_probs;
  std::vector<double> losses;  // per row: -log of its target's probability, NaN for none
};

// ids (n), 1 <= n <= the model's positions, each < vocab; the ArgumentError otherwise names "ids".
void check_ids(const Hyperparameters& h, const std::vector<std::int32_t>& ids);

// The forward pass into `a`. After each layer, observe(layer, its buffers) sees them (run() collects attentions,
// hidden states and projections there, so that inference keeps one layer's buffers at a time).
// ablated: (layers, heads), 1 for a head whose output is zeroed before W_O; empty for none.
// With a cache, rows [first, n) alone are computed (every buffer but k and v holds those n - first rows; k and v
// hold all n, rows [0, first) from cache->layers, which gets them back with the new rows after each layer).
void forward(const Network& net, const std::vector<std::int32_t>& ids, const AttentionOptions& options, Activations& a,
             const std::function<void(std::size_t, const LayerActivations&)>& observe = {},
             const std::vector<std::uint8_t>& ablated = {}, std::size_t first = 0, PrefixCache* cache = nullptr);

// The language-model head on the final hidden states x (n, d): the k most probable tokens of every row and the
// probabilities of `targets` (n; -1: none), the logits streamed through in blocks of the vocabulary so that no
// (n, V) buffer exists. An ArgumentError naming "predict" when the model has no head.
// losses (n), when given: each row's -log of its target's probability (NaN for none), whose mean is the loss.
Predictions predict(const Network& net, const float* x, std::size_t n, std::size_t k, const std::vector<std::int32_t>& targets,
                    std::vector<double>* losses = nullptr);
// The head's logits of x (n, d), block by block of the vocabulary: each(first token, count, logits (count, n)).
void head_logits(const Network& net, const float* x, std::size_t n,
                 const std::function<void(std::size_t, std::size_t, const float*)>& each);

// What run() returns: attentions always, the rest when `options` asks (model.hpp). With a cache (a causal
// model's, kept between runs), the rows of the prefix it shares with the last run come from there.
ModelOutput run(const Network& net, const std::vector<std::int32_t>& ids, const RunOptions& options, PrefixCache* cache = nullptr);

// y (n, out) = x (n, in) · W + b.
void linear_forward(const float* x, std::size_t n, const Linear& l, float* y);

}  // namespace attn
