// The training corpus: WordNet's glosses (definitions) and the example sentences quoted in them, from Debian's
// wordnet-base package (WordNet 3.0 licence: use, copy, modify and distribute with its notice), and the verses of
// the King James Bible, from Debian's bible-kjv (public domain; its data file may be copied "at will"). Licences:
// tools/train/CORPUS.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attn/tokenizer.hpp"

namespace attn::corpus {

// Every definition and example sentence of data.noun, data.verb, data.adj and data.adv under `folder`, in file
// order. Throws std::runtime_error naming the file when one cannot be read.
std::vector<std::string> read_wordnet(const std::string& folder);

// The King James Bible's verses, one a line as tools/build/setup.sh --corpus writes them with Debian's `bible`
// ("Ge1:1 In the beginning God created the heaven and the earth."), without their references. Throws
// std::runtime_error naming the file when it cannot be read or holds no verse.
std::vector<std::string> read_bible(const std::string& path);

// Deterministic split: every `every`-th sentence (after a seeded shuffle) is held out.
struct Split {
  std::vector<std::string> train, held_out;
};
Split split(std::vector<std::string> sentences, std::size_t every, unsigned long long seed);

// The built-in models' corpus: each source split on its own (every 50th held out, seed 7), so that adding a
// source leaves the other's held-out sentences as they were; `all` joins them, WordNet first.
struct Corpus {
  Split wordnet, bible, all;
};
Corpus load(const std::string& wordnet_folder, const std::string& bible_file);

// Each sentence's token ids, at most 126 of them (room for [BOS] and [EOS] within the models' maxLength of 128).
// Sentences are never empty, so neither is any result.
std::vector<std::vector<std::int32_t>> encode(const BpeTokenizer& tokenizer, const std::vector<std::string>& sentences);

}  // namespace attn::corpus
