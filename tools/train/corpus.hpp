// The training corpus: WordNet's glosses (definitions) and the example sentences quoted in them, from Debian's
// wordnet-base package (WordNet 3.0 licence: use, copy, modify and distribute with its notice).
#pragma once

#include <string>
#include <vector>

namespace attn::corpus {

// Every definition and example sentence of data.noun, data.verb, data.adj and data.adv under `folder`, in file
// order. Throws std::runtime_error naming the file when one cannot be read.
std::vector<std::string> read_wordnet(const std::string& folder);

// Deterministic split: every `every`-th sentence (after a seeded shuffle) is held out.
struct Split {
  std::vector<std::string> train, held_out;
};
Split split(std::vector<std::string> sentences, std::size_t every, unsigned long long seed);

}  // namespace attn::corpus
