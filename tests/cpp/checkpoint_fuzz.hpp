// The checkpoint fixtures (tests/fixtures/checkpoints, made by tools/fixtures/make_checkpoint_fixtures.py) read from
// disk, loaded the way a browser does it (header, then each needed range), and mutation testing of that loading:
// shared by the Catch2 suite (a short run) and tools/fuzz/fuzz_checkpoint.cpp (a long run under ASan + UBSan).
#pragma once

#include <cctype>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "attn/attention.hpp"
#include "attn/checkpoint.hpp"
#include "helpers.hpp"

inline std::string fixture_path(const std::string& model, const std::string& file) {
  return std::string(ATTN_SOURCE_DIR) + "/tests/fixtures/checkpoints/" + model + "/" + file;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return in ? std::string(std::istreambuf_iterator<char>(in), {}) : std::string();
}

struct CheckpointOnDisk {
  attn::CheckpointFiles files;
  std::vector<std::uint8_t> weights;  // model.safetensors
};

inline CheckpointOnDisk checkpoint_fixture(const std::string& model) {
  CheckpointOnDisk c;
  for (const std::string& name : attn::checkpoint_text_files()) {
    if (std::string text = read_text(fixture_path(model, name)); !text.empty()) c.files[name] = std::move(text);
  }
  const std::string weights = read_text(fixture_path(model, attn::kWeightsFile));
  c.weights.assign(weights.begin(), weights.end());
  return c;
}

// As the JS loader does it: the header's length, the header, then every needed range.
inline std::unique_ptr<attn::TextModel> load_checkpoint(const attn::CheckpointFiles& files, const std::vector<std::uint8_t>& weights) {
  const std::uint8_t* bytes = weights.data();
  const std::uint64_t size = weights.size();
  std::uint8_t first8[8] = {};
  std::copy_n(bytes, std::min<std::uint64_t>(size, 8), first8);
  const std::uint64_t header = attn::safetensors_header_length(first8, size);
  attn::CheckpointLoader loader(files, bytes, std::size_t(8 + header), size);
  for (const auto& range : loader.needed()) loader.put(range.name, bytes + range.begin, std::size_t(range.end - range.begin));
  return loader.finish();
}

// Loads `rounds` mutations of a checkpoint (bytes of model.safetensors' header and data changed or cut, digits and
// JSON punctuation in config.json and the tokenizer's files changed). Each must load and run, or throw
// ArgumentError; anything else escapes or crashes. Returns how many were rejected.
inline std::size_t fuzz_checkpoint(const CheckpointOnDisk& original, std::uint64_t seed, std::size_t rounds) {
  testing::Random random(seed);
  std::size_t rejected = 0;
  auto mutate_text = [&](std::string& text) {
    if (text.empty()) return;
    const std::size_t at = random.next() % text.size();
    switch (random.next() % 3) {
      case 0: text[at] = char("{}[]\":,0123456789e-"[random.next() % 19]); break;
      case 1: if (std::isdigit(static_cast<unsigned char>(text[at]))) text[at] = char('0' + random.next() % 10); break;
      case 2: text.resize(at); break;
    }
  };
  for (std::size_t round = 0; round < rounds; ++round) {
    CheckpointOnDisk c = original;
    const std::size_t header = 8 + std::size_t(c.weights[0] | c.weights[1] << 8);
    const int edits = 1 + int(random.next() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t header_end = std::min(header, c.weights.size());
      if (header_end <= 8) break;
      switch (random.next() % 6) {
        case 0: c.weights[random.next() % header_end] = std::uint8_t(random.next()); break;
        case 1: {  // a digit of the header (offsets, shapes)
          const std::size_t at = 8 + random.next() % (header_end - 8);
          if (std::isdigit(c.weights[at])) c.weights[at] = std::uint8_t('0' + random.next() % 10);
          break;
        }
        case 2: c.weights[random.next() % c.weights.size()] = std::uint8_t(random.next()); break;
        case 3: c.weights.resize(random.next() % c.weights.size()); break;
        case 4: mutate_text(c.files["config.json"]); break;
        case 5: mutate_text(c.files.count("vocab.json") ? c.files["vocab.json"] : c.files.count("tokenizer.json") ? c.files["tokenizer.json"] : c.files["vocab.txt"]); break;
      }
    }
    try {
      const auto model = load_checkpoint(c.files, c.weights);
      std::vector<std::int32_t> ids;
      for (const auto& s : model->before()) ids.push_back(s.id);
      for (const auto& t : model->tokenize("The cat sat.")) ids.push_back(t.id);
      (void)model->run(ids, {});
    } catch (const attn::ArgumentError&) {
      ++rejected;
    }
  }
  return rejected;
}
