// Hugging Face checkpoints from their own files, without Python: every architecture of the table in
// src/model/architectures.cpp, with float32, float16 or bfloat16 weights in
// model.safetensors. Loading goes in steps, so that model.safetensors is never in memory whole (a browser reads
// it slice by slice):
//
//   0. weights_files(the small files)                           -> model.safetensors, or the shards that
//                                                                  model.safetensors.index.json names
//   1. safetensors_header_length(a file's first 8 bytes, its size) -> N: its header is bytes [8, 8 + N)
//   2. CheckpointLoader(the small files, each file's bytes [0, 8 + N) and size)
//                                                               -> needed(): the byte ranges of the tensors used
//   3. put(name, bytes) for every needed range, in any order      -> converted and placed for the forward pass
//   4. finish()                                                   -> a TextModel
//
// Every file is checked, and every error is an ArgumentError whose message starts with the file at fault
// ("config.json: …", "vocab.txt: …", "model.safetensors: tensor h.0.attn.c_attn.weight: …").
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "attn/text_model.hpp"

namespace attn {

// The small files (config.json and the tokenizer's), as text, by the names they are published under.
using CheckpointFiles = std::map<std::string, std::string>;

// Those names: config.json, the shards' index (model.safetensors.index.json), then the tokenizer's files
// (tokenizer.json; or vocab.txt and tokenizer_config.json for WordPiece; or vocab.json and merges.txt for
// byte-level BPE). Any other file is not read.
const std::vector<std::string>& checkpoint_text_files();

constexpr std::uint64_t kMaxTextFileBytes = std::uint64_t(64) << 20;  // the largest tokenizer.json known is 33 MB
constexpr std::uint64_t kMaxSafetensorsHeader = 100u << 20;
const std::string kWeightsFile = "model.safetensors";
const std::string kWeightsIndexFile = "model.safetensors.index.json";

// The safetensors files a checkpoint's weights are in: model.safetensors, or the shards its index names (each
// once, in order). An ArgumentError names the index when it is malformed.
std::vector<std::string> weights_files(const CheckpointFiles& files);

// Checks, before it is read, that a file of this name and size is one of checkpoint_text_files() and not over
// kMaxTextFileBytes; the ArgumentError names the file.
void check_text_file(const std::string& name, std::uint64_t size);

// `file` names the safetensors file in errors.
std::uint64_t safetensors_header_length(const std::uint8_t* first8, std::uint64_t file_size,
                                        const std::string& file = kWeightsFile);

// A checkpoint's tokenizer alone, from its tokenizer files: with config.json, as its architecture reads them
// (and with its special tokens); without, from tokenizer.json, with the special tokens its post-processor adds.
std::unique_ptr<TextReader> load_tokenizer(const CheckpointFiles& files);

class CheckpointLoader {
 public:
  struct Range {
    std::string file;          // the safetensors file it is in
    std::string name;
    std::uint64_t begin, end;  // byte offsets in that file
  };
  // One safetensors file: its name (as weights_files() gives it), bytes [0, 8 + N) and size.
  struct Header {
    std::string file;
    const std::uint8_t* bytes;
    std::size_t size;
    std::uint64_t file_size;
  };

  // memory_limit: the bytes the model may take once loaded (its weights as float32); a checkpoint that needs
  // more is refused here, before any tensor is read.
  CheckpointLoader(const CheckpointFiles& files, const std::vector<Header>& headers,
                   std::uint64_t memory_limit = std::numeric_limits<std::uint64_t>::max());
  // One model.safetensors.
  CheckpointLoader(const CheckpointFiles& files, const std::uint8_t* header, std::size_t header_size,
                   std::uint64_t file_size, std::uint64_t memory_limit = std::numeric_limits<std::uint64_t>::max());
  ~CheckpointLoader();
  CheckpointLoader(CheckpointLoader&&) noexcept;

  const std::vector<Range>& needed() const;  // file by file, in each file's order
  std::uint64_t memory_needed() const;       // bytes
  void put(const std::string& name, const std::uint8_t* bytes, std::size_t size);
  std::unique_ptr<TextModel> finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace attn
