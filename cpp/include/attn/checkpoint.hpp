// Hugging Face checkpoints from their own files, without Python: BERT and DistilBERT encoders (post-LayerNorm,
// GELU, learned positions, BERT's token type 0) and GPT-2 (pre-LayerNorm, causal, Conv1D weights stored as
// (in, out)), with float32, float16 or bfloat16 weights in model.safetensors. Loading goes in steps, so that
// model.safetensors is never in memory whole (a browser reads it slice by slice):
//
//   1. safetensors_header_length(its first 8 bytes, its size)  -> N: the header is bytes [8, 8 + N)
//   2. CheckpointLoader(the small files, bytes [0, 8 + N), size) -> needed(): the byte ranges of the tensors used
//   3. put(name, bytes) for every needed range, in any order      -> converted to float32 in the model's layout
//   4. finish()                                                   -> a TextModel
//
// Every file is checked, and every error is an ArgumentError whose message starts with the file at fault
// ("config.json: …", "vocab.txt: …", "model.safetensors: tensor h.0.attn.c_attn.weight: …").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "attn/text_model.hpp"

namespace attn {

// The small files, as text ("" when not given). config.json, then the tokenizer: tokenizer.json when given,
// else vocab.txt (+ tokenizer_config.json for its do_lower_case) for BERT and DistilBERT, vocab.json +
// merges.txt for GPT-2.
struct CheckpointFiles {
  std::string config, tokenizer_json, vocab_txt, tokenizer_config, vocab_json, merges_txt;
};

constexpr std::uint64_t kMaxSafetensorsHeader = 100u << 20;

std::uint64_t safetensors_header_length(const std::uint8_t* first8, std::uint64_t file_size);

class CheckpointLoader {
 public:
  struct Range {
    std::string name;
    std::uint64_t begin, end;  // byte offsets in model.safetensors
  };

  CheckpointLoader(const CheckpointFiles& files, const std::uint8_t* header, std::size_t header_size,
                   std::uint64_t file_size);
  ~CheckpointLoader();
  CheckpointLoader(CheckpointLoader&&) noexcept;

  const std::vector<Range>& needed() const;
  void put(const std::string& name, const std::uint8_t* bytes, std::size_t size);
  std::unique_ptr<TextModel> finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace attn
