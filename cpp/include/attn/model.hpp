// A small pre-LayerNorm transformer encoder (or, with causal, a GPT-style decoder) built on the attention core:
// token + learned position embeddings, layers of [LN → multi-head attention → residual, LN → GELU MLP →
// residual], a final LN and an output layer tied to the token embeddings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace attn {

struct ModelConfig {
  std::string name;
  std::size_t vocabSize = 0, dModel = 0, heads = 0, layers = 0, dFF = 0, maxLength = 0;
  bool causal = false;
  // Set by the models that read text (TextModel): the family (config.json's model_type, or "builtin"), the
  // key/value heads (fewer than heads with grouped-query attention: query head h reads key/value head
  // h / (heads / kvHeads)), each head's dimensions, and whether q and k are rotated by RoPE.
  std::string family;
  std::size_t kvHeads = 0, headDim = 0;
  bool rotary = false;
  bool canPredict = false;  // it has its language-model head (RunOptions::predict)
  std::string maskToken;    // a masked LM's mask token as typed in a text ("[MASK]", "<mask>"); "" for the others
  // How its attention scores are made, for a view that redoes them: QKᵀ times `scale` (1/√headDim unless the
  // model says), capped at softcap · tanh(s / softcap) where softcap > 0 (Gemma 2), and in layer l a sliding
  // window: query i sees keys j > i - windows[l] (0: every key the mask allows).
  double scale = 0, softcap = 0;
  std::vector<std::size_t> windows;
};

// Token ids past the tokenizer's own vocabulary, with a meaning for the model.
struct SpecialTokens {
  std::int32_t bos = 0, eos = 0, mask = 0;  // beginning of text, end of text, [MASK]
};

struct TensorInfo {
  std::string name;
  std::vector<std::size_t> shape;
  std::size_t offset = 0, size = 0;  // into Transformer::parameters()
};

// What run() returns besides the attention weights, and what-if changes to the attention (for exploring how a
// model depends on them; the model was trained with the defaults).
struct RunOptions {
  bool hidden = false, logits = false;
  bool projections = false;    // the queries, keys and values of every layer
  std::optional<bool> causal;  // override the model's own mask
  bool scaled = true;          // divide QKᵀ by sqrt(dk); false leaves the dot products unscaled
  float temperature = 1.0f;    // divide the (scaled) scores by this before the softmax; finite, > 0
  // One head followed past the attention: its output, what W_O makes of it, and the residual stream around.
  struct Head {
    std::size_t layer, head;
  };
  std::optional<Head> trace;
  // The k most probable tokens at every position from the model's own head (for a causal model the next token,
  // for a masked LM the token at that position), after a softmax over the whole vocabulary; at most kMaxPredict.
  std::size_t predict = 0;
  // With predict: each position's target token, whose probability and loss come back (-1: none; empty: none).
  // TextModel::default_targets gives the usual ones.
  std::vector<std::int32_t> targets;
  // Heads whose output is set to zero before W_O (zero ablation): later layers and the predictions change.
  std::vector<Head> ablate;
  // A causal TextModel keeps what its last run computed and recomputes only the rows after the prefix of tokens
  // this run shares with it (the same numbers, in a fraction of the time while a text is typed); false forgets it
  // and computes every row.
  bool reuse = true;
};

constexpr std::size_t kMaxPredict = 100;

struct Predictions {
  std::size_t k = 0;
  std::vector<std::int32_t> ids;    // (n, k): most probable first
  std::vector<float> probs;         // (n, k)
  std::vector<float> target_probs;  // (n): each position's target's probability; NaN where it has none
  double loss = 0;                  // the mean of -log target_probs over the positions with a target (NaN: none)
};

// Where one head's weighted sum goes (RunOptions::trace), all (n, ·) for the n tokens.
struct HeadTrace {
  std::vector<float> head_output;       // (n, dk): the head's weighted sum of the values
  std::vector<float> contribution;      // (n, dModel): head_output · W_O's rows for this head (no bias)
  std::vector<float> attention_output;  // (n, dModel): every head's contribution summed, plus W_O's bias
  std::vector<float> residual_before;   // (n, dModel): the stream entering the layer
  std::vector<float> residual_after;    // (n, dModel): the stream after the attention block (its residual added,
                                        // and normed where the architecture norms after it: post-LN)
};

struct ModelOutput {
  std::vector<float> attentions;              // (layers, heads, n, n)
  std::vector<float> hidden;                  // (layers + 1, n, dModel): the embeddings, then each layer's output
  std::vector<float> logits;                  // (n, vocabSize)
  std::vector<float> queries, keys, values;   // (layers, n, dModel) each; head h owns columns [h·dk, (h+1)·dk)
  HeadTrace trace;                            // when options.trace asks
  Predictions predictions;                    // when options.predict asks
  std::size_t reused = 0;                     // the leading tokens whose rows came from the last run (RunOptions::reuse)
};

struct Network;  // a model ready to run: its architecture, sizes and packed weights (src/model/forward.hpp)

class Transformer {
 public:
  // All parameters zero, LayerNorm gains one. Throws ArgumentError for an impossible config.
  explicit Transformer(ModelConfig config);

  const ModelConfig& config() const { return config_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  std::vector<float>& parameters() { return parameters_; }
  const std::vector<float>& parameters() const { return parameters_; }

  // The parameters as the forward pass reads them (matrices packed): valid until parameters() change.
  Network network() const;

  // ids (n), 1 <= n <= maxLength, each < vocabSize. Fields of ModelOutput other than attentions are filled only
  // when `options` asks for them. Packs the parameters for this one call (the models the page runs are packed once).
  ModelOutput run(const std::vector<std::int32_t>& ids, const RunOptions& options = {}) const;

  // Cross-entropy of predicting targets[i] at position i (targets[i] < 0: no prediction there), summed and
  // multiplied by `weight`. With `gradient` (parameters().size() floats) the gradient of that is added to it.
  // `packed`: network() of the current parameters, to skip packing them again (a training step shares one).
  float loss(const std::vector<std::int32_t>& ids, const std::vector<std::int32_t>& targets, float weight,
             float* gradient, const Network* packed = nullptr) const;

 private:
  ModelConfig config_;
  std::vector<TensorInfo> tensors_;
  std::vector<float> parameters_;
};

}  // namespace attn
