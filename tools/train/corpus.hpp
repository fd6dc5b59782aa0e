// The training corpus: WordNet's glosses (definitions) and the example sentences quoted in them, from Debian's
// wordnet-base package (WordNet 3.0 licence: use, copy, modify and distribute with its notice).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attn/tokenizer.hpp"

namespace attn::corpus {

// Every definition and example sentence of data.noun, data.verb, data.adj and data.adv under `folder`, in file
// order. Throws std::runtime_error naming the file when one cannot be read.
std::vector<std::string> read_wordnet(const std::string& folder);

// Deterministic split: every `every`-th sentence (after a seeded shuffle) is held out.
struct Split {
  std::vector<std::string> train, held_out;
};
Split split(std::vector<std::string> sentences, std::size_t every, unsigned long long seed);

// Each sentence's token ids, at most 126 of them (room for [BOS] and [EOS] within the models' maxLength of 128).
// Sentences are never empty, so neither is any result.
std::vector<std::vector<std::int32_t>> encode(const BpeTokenizer& tokenizer, const std::vector<std::string>& sentences);

}  // namespace attn::corpus
