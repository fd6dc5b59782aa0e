// place(): each tensor from its file layout into the forward pass's, matrices packed into panels.
#include "weights.hpp"

#include "build_arch.hpp"
#include "forward.hpp"

namespace attn {
namespace {

// W (in, out) packed from a matrix stored (out, in) (PyTorch's Linear) or (in, out), with `columns` the stored
// row length: for a fused (in, 3·out) matrix, `first` picks the block of columns [first, first + out).
template <class T>
void pack(const T* values, kernels::Storage storage, Layout layout, std::size_t in, std::size_t out, std::size_t columns,
          std::size_t first, Linear& to) {
  to.in = in, to.out = out;
  if (layout == Layout::kOutIn) kernels::pack_panels<BuildArch>(values + first * columns, 1, columns, in, out, to.w, storage);
  else kernels::pack_panels<BuildArch>(values + first, columns, 1, in, out, to.w, storage);
}

}  // namespace

template <class T>
void place(const TensorSlot& slot, const T* values, kernels::Storage storage, const Hyperparameters& h, Weights& w) {
  if (slot.layer >= w.layers.size()) w.layers.resize(slot.layer + 1);
  LayerWeights& l = w.layers[slot.layer];
  std::size_t count = 1;
  for (const std::size_t dim : slot.shape) count *= dim;
  const auto copy = [&](std::vector<float>& to) {
    if constexpr (std::is_same_v<T, float>) to.assign(values, values + count);
    else to.resize(count), kernels::widen(values, count, storage, to.data());
  };
  const auto pack = [&](const T* from, Layout layout, std::size_t in, std::size_t out, std::size_t columns, std::size_t first, Linear& to) {
    attn::pack(from, storage, layout, in, out, columns, first, to);
  };
  const auto table = [&](Table& t) {  // rows as the file stores them
    t.storage = storage, t.columns = slot.shape[1];
    if constexpr (std::is_same_v<T, float>) t.f32.assign(values, values + count);
    else t.half.assign(values, values + count);
  };
  // A matrix of y = x · W: its in and out from the stored shape.
  const auto matrix = [&](Linear& to) {
    const std::size_t rows = slot.shape[0], columns = slot.shape[1];
    if (slot.layout == Layout::kOutIn) pack(values, slot.layout, columns, rows, columns, 0, to);
    else pack(values, slot.layout, rows, columns, columns, 0, to);
  };
  switch (slot.role) {
    case Role::kTokenEmbedding: return table(w.token_embedding);
    case Role::kOutputWeight: return table(w.head.untied);
    case Role::kOutputTransformWeight: return matrix(w.head.transform);
    case Role::kOutputTransformBias: return copy(w.head.transform.b);
    case Role::kOutputNormGain: return copy(w.head.norm.gain);
    case Role::kOutputNormBias: return copy(w.head.norm.bias);
    case Role::kPositionEmbedding: return copy(w.position_embedding);
    case Role::kTokenTypeEmbedding: return copy(w.token_type);
    case Role::kEmbeddingNormGain: return copy(w.embedding_norm.gain);
    case Role::kEmbeddingNormBias: return copy(w.embedding_norm.bias);
    case Role::kFinalNormGain: return copy(w.final_norm.gain);
    case Role::kFinalNormBias: return copy(w.final_norm.bias);
    case Role::kOutputBias: return copy(w.head.bias);
    case Role::kAttentionNormGain: return copy(l.attention_norm.gain);
    case Role::kAttentionNormBias: return copy(l.attention_norm.bias);
    case Role::kMlpNormGain: return copy(l.mlp_norm.gain);
    case Role::kMlpNormBias: return copy(l.mlp_norm.bias);
    case Role::kQueryNormGain: return copy(l.q_norm.gain);
    case Role::kKeyNormGain: return copy(l.k_norm.gain);
    case Role::kPostAttentionNormGain: return copy(l.post_attention_norm.gain);
    case Role::kPostMlpNormGain: return copy(l.post_mlp_norm.gain);
    case Role::kQueryWeight: return matrix(l.q);
    case Role::kKeyWeight: return matrix(l.k);
    case Role::kValueWeight: return matrix(l.v);
    case Role::kAttentionOutWeight: return matrix(l.o);
    case Role::kGateWeight: return matrix(l.gate);
    case Role::kUpWeight: return matrix(l.up);
    case Role::kDownWeight: return matrix(l.down);
    case Role::kQueryBias: return copy(l.q.b);
    case Role::kKeyBias: return copy(l.k.b);
    case Role::kValueBias: return copy(l.v.b);
    case Role::kAttentionOutBias: return copy(l.o.b);
    case Role::kGateBias: return copy(l.gate.b);
    case Role::kUpBias: return copy(l.up.b);
    case Role::kDownBias: return copy(l.down.b);
    case Role::kQkvWeight: {  // GPT-2's c_attn: columns [0, d) are Q, [d, 2d) K, [2d, 3d) V
      const bool out_in = slot.layout == Layout::kOutIn;
      const std::size_t in = out_in ? slot.shape[1] : slot.shape[0], out = (out_in ? slot.shape[0] : slot.shape[1]) / 3;
      const std::size_t columns = slot.shape[1];
      Linear* parts[] = {&l.q, &l.k, &l.v};
      for (std::size_t p = 0; p < 3; ++p) pack(values, slot.layout, in, out, columns, p * out, *parts[p]);
      return;
    }
    case Role::kQkvBias: {
      const std::size_t out = count / 3;
      std::vector<float>* parts[] = {&l.q.b, &l.k.b, &l.v.b};
      for (std::size_t p = 0; p < 3; ++p) parts[p]->resize(out), kernels::widen_or_copy(values + p * out, out, storage, parts[p]->data());
      return;
    }
    case Role::kQkvPerHeadWeight: case Role::kQkvPerHeadBias: {
      // GPT-NeoX's rows (out) go head by head, each head's q, k and v in turn: gather each part's rows.
      const std::size_t rows = slot.shape[0], columns = slot.role == Role::kQkvPerHeadBias ? 1 : slot.shape[1];
      const std::size_t head_dim = h.head_dim, part_rows = rows / 3;
      std::vector<T> part(part_rows * columns);
      Linear* parts[] = {&l.q, &l.k, &l.v};
      for (std::size_t p = 0; p < 3; ++p) {
        for (std::size_t r = 0; r < part_rows; ++r) {
          const std::size_t head = r / head_dim, c = r % head_dim, from = head * 3 * head_dim + p * head_dim + c;
          std::copy_n(values + from * columns, columns, part.data() + r * columns);
        }
        if (slot.role == Role::kQkvPerHeadBias) parts[p]->b.resize(part_rows), kernels::widen_or_copy(part.data(), part_rows, storage, parts[p]->b.data());
        else pack(part.data(), Layout::kOutIn, columns, part_rows, columns, 0, *parts[p]);
      }
      return;
    }
  }
}

template void place(const TensorSlot&, const float*, kernels::Storage, const Hyperparameters&, Weights&);
template void place(const TensorSlot&, const std::uint16_t*, kernels::Storage, const Hyperparameters&, Weights&);

void finish_weights(const Architecture& arch, const Hyperparameters& h, Weights& w) {
  if (arch.positions == Positions::kRotary) rotary_table(h.rope, h.max_length, w.rope_cos, w.rope_sin);
  if (&arch == &builtin_architecture()) {  // W (d, V) = token_embeddingᵀ, read straight from the (V, d) rows
    w.output.in = h.d, w.output.out = h.vocab, w.output.b = w.head.bias;
    kernels::pack_panels<BuildArch>(w.token_embedding.f32.data(), 1, h.d, h.d, h.vocab, w.output.w);
  }
}

}  // namespace attn
