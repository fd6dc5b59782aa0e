// Mutation testing of the model-file loader, shared by the Catch2 suite (a short run) and
// tools/fuzz/fuzz_model_file.cpp (a long run under ASan + UBSan).
#pragma once

#include <cctype>
#include <cstdint>
#include <vector>

#include "attn/attention.hpp"
#include "attn/model_file.hpp"
#include "helpers.hpp"

// A small model with random weights and a three-merge tokenizer.
inline attn::LoadedModel small_model(bool causal) {
  attn::ModelConfig config;
  config.name = "test \"model\"";
  config.vocabSize = 256 + 3 + 3, config.dModel = 8, config.heads = 2, config.layers = 1, config.dFF = 16;
  config.maxLength = 12, config.causal = causal;
  attn::Transformer model(config);
  testing::Random random(5);
  for (float& x : model.parameters()) x = random.uniform(-1.0f, 1.0f);
  attn::BpeTokenizer tokenizer({{'a', 't'}, {'c', 256}, {' ', 257}});
  return {std::move(model), std::move(tokenizer), {259, 260, 261}};
}

// Loads `rounds` mutations of `original` (byte changes, truncations, changed digits and JSON punctuation in
// the header). Each load must succeed, and then run, or throw ArgumentError; anything else escapes or crashes.
// Returns how many were rejected.
inline std::size_t fuzz_model_file(const std::vector<std::uint8_t>& original, std::uint64_t seed, std::size_t rounds) {
  testing::Random random(seed);
  std::size_t rejected = 0;
  for (std::size_t round = 0; round < rounds; ++round) {
    auto bytes = original;
    const int edits = 1 + int(random.next() % 4);
    for (int e = 0; e < edits && !bytes.empty(); ++e) {
      const std::size_t at = random.next() % bytes.size();
      switch (random.next() % 4) {
        case 0: bytes[at] = std::uint8_t(random.next()); break;
        case 1: bytes.resize(at); break;
        case 2: if (std::isdigit(bytes[at])) bytes[at] = std::uint8_t('0' + random.next() % 10); break;
        case 3: bytes[at % 400] = std::uint8_t("{}[]\":,0-9e"[random.next() % 11]); break;
      }
    }
    try {
      const auto loaded = attn::load_model(bytes.data(), bytes.size());
      (void)loaded.model.run({1, 2});
    } catch (const attn::ArgumentError&) {
      ++rejected;
    }
  }
  return rejected;
}
