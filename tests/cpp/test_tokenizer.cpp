// The byte-level BPE tokenizer: pieces, learned merges, round trips and offsets for any input.
#include <catch2/catch.hpp>

#include <map>

#include "attn/attention.hpp"
#include "attn/tokenizer.hpp"

namespace {

using Pieces = std::vector<std::pair<std::size_t, std::size_t>>;

std::vector<std::string> texts_of(std::string_view text, const Pieces& pieces) {
  std::vector<std::string> out;
  for (const auto& [start, end] : pieces) out.emplace_back(text.substr(start, end - start));
  return out;
}

std::vector<std::int32_t> ids_of(const std::vector<attn::Token>& tokens) {
  std::vector<std::int32_t> ids;
  for (const auto& t : tokens) ids.push_back(t.id);
  return ids;
}

// A small corpus where " the", " cat" and "at" are frequent.
const std::vector<std::string> kCorpus = {
    "The cat sat on the mat.", "the cat ate the rat", "a cat, the hat and the bat", "that cat sat flat",
    "the mat is flat; the cat is fat", "the rat sat at the mat",
};

constexpr char kInvalidUtf8[] = "bytes \xff\xfe\x00 invalid UTF-8";

}  // namespace

TEST_CASE("pretokenize splits words, punctuation and whitespace, a single space joining the next run",
          "[tokenizer]") {
  const std::string text = "The cat,  sat!\n\tHi 42";
  CHECK(texts_of(text, attn::pretokenize(text)) ==
        std::vector<std::string>{"The", " cat", ",", " ", " sat", "!", "\n\t", "Hi", " 42"});
  // Non-ASCII characters are word bytes: a CJK run or an emoji stays whole, and pieces cover every byte.
  const std::string mixed = "猫が座った 🐈‍⬛ שלום";
  const auto pieces = attn::pretokenize(mixed);
  CHECK(texts_of(mixed, pieces) == std::vector<std::string>{"猫が座った", " 🐈‍⬛", " שלום"});
  // An apostrophe between a word byte and a letter stays in the word; elsewhere it is punctuation.
  const std::string quotes = "I didn't see one's 'own' cats' toys, rock 'n' roll";
  CHECK(texts_of(quotes, attn::pretokenize(quotes)) ==
        std::vector<std::string>{"I", " didn't", " see", " one's", " '", "own", "'", " cats", "'", " toys", ",", " rock",
                                 " '", "n", "'", " roll"});
  CHECK(attn::pretokenize("").empty());
  CHECK(texts_of("   ", attn::pretokenize("   ")) == std::vector<std::string>{"   "});
}

TEST_CASE("training learns the most frequent pairs first and is deterministic", "[tokenizer]") {
  const auto tokenizer = attn::BpeTokenizer::train(kCorpus, 300);
  CHECK(tokenizer.vocab_size() <= 300);
  CHECK(tokenizer.vocab_size() > 270);
  // "at" occurs in cat, sat, mat, rat, hat, bat, that, flat, fat, at, ate: it is among the first merges.
  bool at_early = false;
  for (std::size_t i = 0; i < 3; ++i) at_early |= tokenizer.token_bytes(std::int32_t(256 + i)) == "at";
  CHECK(at_early);
  const auto again = attn::BpeTokenizer::train(kCorpus, 300);
  CHECK(again.merges() == tokenizer.merges());
  // Frequent words become single tokens.
  const auto tokens = tokenizer.encode(" the cat");
  REQUIRE(tokens.size() == 2);
  CHECK(tokenizer.token_bytes(tokens[0].id) == " the");
  CHECK(tokenizer.token_bytes(tokens[1].id) == " cat");
}

TEST_CASE("weighted training merges the heaviest pairs and leaves out pieces of weight 0", "[tokenizer]") {
  // By weight, " mat" (5) outweighs " cat" (3); "xyz" (weight 0) takes no part.
  const std::vector<std::pair<std::string, std::int64_t>> pieces = {{" cat", 3}, {" mat", 5}, {"xyz", 0}};
  const auto tokenizer = attn::BpeTokenizer::train(pieces, 1000, 1);
  // " m"/"ma"/"at" (5) before " c"/"ca" (3); "at" is in both (8) and goes first.
  REQUIRE(tokenizer.merges().size() >= 2);
  CHECK(tokenizer.token_bytes(256) == "at");
  CHECK(tokenizer.encode(" mat").size() == 1);
  CHECK(tokenizer.encode(" cat").size() == 1);
  CHECK(tokenizer.encode("xyz").size() == 3);
  // Until no pair is left: " cat" and " mat" take two merges each after the shared "at".
  CHECK(tokenizer.vocab_size() == 256 + 5);
  // A minimum weight stops earlier: only pairs of " mat" (and "at") weigh 5 or more.
  const auto heavy = attn::BpeTokenizer::train(pieces, 1000, 5);
  CHECK(heavy.encode(" mat").size() == 1);
  CHECK(heavy.encode(" cat").size() == 3);  // " ", "c", "at"
  // The piece counts of texts give the same merges as training on the texts.
  std::map<std::string, std::int64_t> counts;
  for (const std::string& text : kCorpus) {
    for (const auto& [start, end] : attn::pretokenize(text)) ++counts[text.substr(start, end - start)];
  }
  CHECK(attn::BpeTokenizer::train({counts.begin(), counts.end()}, 300, 2).merges() ==
        attn::BpeTokenizer::train(kCorpus, 300).merges());
}

TEST_CASE("any input round-trips and every token's offsets cover exactly its bytes", "[tokenizer]") {
  const auto tokenizer = attn::BpeTokenizer::train(kCorpus, 320);
  const std::string inputs[] = {
      "The cat sat on the mat.",
      "猫が座った。",                         // CJK: only byte tokens, never a crash
      "I 💜 emoji 🐈‍⬛ and flags 🇫🇷",         // multi-codepoint emoji sequences
      "שלום עולם and مرحبا",                 // right-to-left scripts
      std::string(kInvalidUtf8, sizeof kInvalidUtf8 - 1),  // not even valid UTF-8, with a NUL inside
      "",
      "   leading and trailing   ",
  };
  for (const std::string& text : inputs) {
    INFO(text);
    const auto tokens = tokenizer.encode(text);
    CHECK(tokenizer.decode(ids_of(tokens)) == text);
    std::size_t position = 0;
    for (const auto& token : tokens) {
      CHECK(token.start == position);
      CHECK(text.substr(token.start, token.end - token.start) == tokenizer.token_bytes(token.id));
      position = token.end;
    }
    CHECK(position == text.size());
  }
}

TEST_CASE("bad merges and unknown ids are rejected with errors naming them", "[tokenizer][validation]") {
  CHECK_THROWS_WITH(attn::BpeTokenizer({{97, 300}}), "merges: merge 0 refers to a token that does not exist yet");
  const attn::BpeTokenizer bytes_only({});
  CHECK(bytes_only.vocab_size() == 256);
  CHECK_THROWS_WITH(bytes_only.decode({65, 256}), "ids: element 1 is 256, outside the vocabulary of 256 tokens");
  CHECK(bytes_only.decode({72, 105}) == "Hi");
}
