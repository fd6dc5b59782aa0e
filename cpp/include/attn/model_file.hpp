// The model file: a transformer's config, its special tokens, its tokenizer's merges and its weights.
//
//   bytes 0-7    magic "ATTNMODL"
//   bytes 8-11   version, u32 little-endian (1)
//   bytes 12-15  header length H, u32 little-endian
//   H bytes      header: UTF-8 JSON
//                  {"config": {"name", "vocabSize", "dModel", "heads", "layers", "dFF", "maxLength", "causal"},
//                   "special": {"bos", "eos", "mask"},
//                   "tensors": [{"name", "dtype", "shape": [...], "offset", "bytes"}, ...]}
//   the rest     tensor data; offsets count from the first byte after the header.
//
// dtypes: "float32"; "int32" (tokenizer.merges, shape (M, 2)); "int8" for matrices: per row, a float32 scale
// (all rows' scales first), then the rows as int8, value = int8 · scale. All numbers little-endian.
// The loader checks every field, length and offset, and rejects a truncated or corrupt file with an
// ArgumentError naming the problem; it never reads outside the bytes it is given.
#pragma once

#include <cstdint>
#include <vector>

#include "attn/model.hpp"
#include "attn/text_model.hpp"
#include "attn/tokenizer.hpp"

namespace attn {

struct LoadedModel {
  Transformer model;
  BpeTokenizer tokenizer;
  SpecialTokens special;
};

// quantize: store matrices as int8 with per-row scales (about 4x smaller), vectors as float32.
std::vector<std::uint8_t> save_model(const LoadedModel& model, bool quantize);
LoadedModel load_model(const std::uint8_t* bytes, std::size_t size);

// A built-in model as a TextModel: [BOS] before the text, tokens shown as the text's own characters.
std::unique_ptr<TextModel> as_text_model(LoadedModel model);

}  // namespace attn
