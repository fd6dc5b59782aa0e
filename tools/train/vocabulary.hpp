// The built-in models' vocabulary: what counts as a word for the target the models are held to (the held-out
// sentences' most frequent words, each one token), and merges learned to make the training text's most frequent
// pieces whole.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attn/tokenizer.hpp"

namespace attn::vocabulary {

// The words of a text: maximal runs of ASCII letters and digits, with an apostrophe inside between a letter or
// digit and a letter ("didn't", "one's"), keeping the runs without digits ("3rd" and "1990s" are no words).
// A hyphen or any other punctuation ends a word: "well-known" is "well" and "known".
std::vector<std::string> words(std::string_view text);

// The `count` most frequent words of `sentences` (as written: "The" and "the" are two words), most frequent
// first, ties in byte order; fewer when the sentences have fewer distinct words.
std::vector<std::pair<std::string, std::size_t>> frequent_words(const std::vector<std::string>& sentences,
                                                                std::size_t count);

// Byte-level BPE merges that make the `whole` most frequent pieces of `sentences` (as pretokenize cuts them,
// every sentence's first piece counted as written and in its mid-sentence form, with a space before it) single
// tokens. Each merge joins the pair found in the most of those pieces (each weighs 1, however frequent), which
// spends merges on what the pieces share: about 1.6 merges per whole piece, where frequency-weighted BPE spends
// most of them on parts of the commonest pieces. Other text is spelled with the same tokens, or bytes.
// Deterministic.
BpeTokenizer learn(const std::vector<std::string>& sentences, std::size_t whole);

}  // namespace attn::vocabulary
