// BPE's merging, shared by the built-in models' tokenizer (tokenizer.cpp) and tokenizer.json's BPE model
// (hf_tokenizers.cpp): the tokenizers library's Word::merge_all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "attn/tokenizer.hpp"

namespace attn {

using MergeMap = std::unordered_map<std::uint64_t, Merge>;  // by merge_key(left, right)

inline std::uint64_t merge_key(std::int32_t left, std::int32_t right) {
  return (std::uint64_t(std::uint32_t(left)) << 32) | std::uint32_t(right);
}

struct Symbol {
  std::int32_t id;
  std::size_t length;  // bytes of the piece it covers
};

// Merges neighbours in place, the pair of lowest rank first (the leftmost among equals), until no pair merges.
void merge_symbols(std::vector<Symbol>& symbols, const MergeMap& merges);

}  // namespace attn
