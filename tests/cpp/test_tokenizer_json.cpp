// tokenizer.json's pipeline: what the tokenizers library gives on real files (tests/fixtures/tokenizers/cases.json,
// written from the library itself by tools/fixtures/make_tokenizer_cases.mjs; the JS suite compares 2,000 texts
// per tokenizer), here natively, under the sanitizers and in both wasm builds; the regular expressions' rewriting
// for PCRE2; the alignments; and the errors that name tokenizer.json and the component.
#include <catch2/catch.hpp>

#include "attn/attention.hpp"
#include "attn/checkpoint.hpp"
#include "checkpoint_fuzz.hpp"
#include "model/architecture.hpp"
#include "model/hf_tokenizers.hpp"
#include "model/json.hpp"
#include "model/regex.hpp"
#include "model/tokenizer_files.hpp"

namespace {

using Ranges = std::vector<std::pair<std::size_t, std::size_t>>;

std::string repository_file(const std::string& path) {
  const std::string text = read_text(std::string(ATTN_SOURCE_DIR) + "/" + path);
  REQUIRE_FALSE(text.empty());  // npm ci installs the packages these files come from
  return text;
}

std::string error_of(const attn::CheckpointFiles& files) {
  try {
    attn::load_tokenizer(files);
  } catch (const attn::ArgumentError& e) {
    return e.what();
  }
  return "no error";
}

// A tokenizer.json around `parts` (JSON members), with a small WordLevel model unless `parts` has one.
std::string tokenizer_json(const std::string& parts) {
  const std::string model = R"("model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "a": 1, "b": 2}, "unk_token": "[UNK]"})";
  return "{" + parts + (parts.find("\"model\"") == std::string::npos ? std::string(parts.empty() ? "" : ", ") + model : "") + "}";
}

std::vector<std::string> texts_of(std::string_view text, const Ranges& ranges) {
  std::vector<std::string> out;
  for (const auto& [start, end] : ranges) out.emplace_back(text.substr(start, end - start));
  return out;
}

}  // namespace

TEST_CASE("tokenizer.json files give the tokenizers library's ids and offsets", "[tokenizer][tokenizer-json]") {
  const auto cases = attn::json::parse(repository_file("tests/fixtures/tokenizers/cases.json"), "cases.json");
  std::size_t compared = 0;
  for (const auto& tokenizer : cases.at("tokenizers", "cases").array) {
    const std::string& name = tokenizer.at("name", "tokenizer").string;
    attn::CheckpointFiles files;
    for (const auto& [file, where] : tokenizer.at("files", name).object) {
      files[file] = where.type == attn::json::Value::Type::kString ? repository_file(where.string) : where.at("text", file).string;
    }
    const auto reader = attn::load_tokenizer(files);
    for (const auto& c : tokenizer.at("cases", name).array) {
      const std::string& text = c.at("text", name).string;
      INFO(name << ": " << text);
      attn::EncodeOptions plain;
      plain.specials = false;
      const attn::Encoding e = reader->encode(text, plain, 0);
      std::vector<double> ids(e.ids.begin(), e.ids.end()), offsets(e.offsets.begin(), e.offsets.end());
      std::vector<double> want_ids, want_offsets, want_full;
      for (const auto& x : c.at("ids", name).array) want_ids.push_back(x.number);
      for (const auto& x : c.at("offsets", name).array) want_offsets.push_back(x.number);
      for (const auto& x : c.at("withSpecials", name).array) want_full.push_back(x.number);
      CHECK(ids == want_ids);
      CHECK(offsets == want_offsets);
      const attn::Encoding full = reader->encode(text, attn::EncodeOptions{}, 0);
      CHECK(std::vector<double>(full.ids.begin(), full.ids.end()) == want_full);
      ++compared;
    }
  }
  CHECK(compared >= 1500);
}

TEST_CASE("Oniguruma's patterns are rewritten where PCRE2 reads them otherwise", "[tokenizer][regex]") {
  const auto matches = [](const std::string& pattern, const std::string& text) { return texts_of(text, attn::Regex(pattern, "test").find_all(text)); };
  using V = std::vector<std::string>;
  // \s is White_Space: U+180E (Mongolian vowel separator) is not a space, U+0085 is.
  CHECK(matches("\\s+", "a\u180E\u0085 b") == V{"\u0085 "});
  CHECK(matches("[^\\s]+", "a\u180Eb c") == V{"a\u180Eb", "c"});
  // \w takes marks and Pc (PCRE2 10.42's \w would split "नमस्ते" at its vowel signs), and Oniguruma's Latin-1
  // table's ² ³ ¹ ¼ ½ ¾; Rust's regex crate's \w (the Whitespace pre-tokenizer's) takes the joiners instead.
  CHECK(matches("\\w+", "नमस्ते a_b x²½ 👩\u200D👩 ①") == V{"नमस्ते", "a_b", "x²½"});
  CHECK(matches("[\\w]+|[^\\w\\s]+", "x²½ a") == V{"x", "²½", "a"});  // not inside a class
  CHECK(texts_of("x² a\u200Db", attn::Regex("\\w+", "test", attn::Dialect::kRust).find_all("x² a\u200Db")) == V{"x", "a\u200Db"});
  CHECK(matches("\\W+", "ab, c") == V{", "});
  CHECK(matches("\\bx", "x ax x") == V{"x", "x"});
  CHECK(matches("\\h+", "x1aF9 zz") == V{"1aF9"});  // Ruby's \h: hexadecimal digits
  CHECK(matches("a\\vb", "a\x0B" "b a\nb") == V{"a\x0B" "b"});
  CHECK(matches("\\u00e9", "caf\u00e9") == V{"\u00e9"});
  CHECK(matches("a{,2}", "aaa") == V{"aa", "a"});
  CHECK(matches("(?m:a.b)", "a\nb") == V{"a\nb"});  // Ruby's m is dotall
  CHECK(matches("^x|y$", "x\nx y\ny") == V{"x", "x", "y", "y"});  // line anchors, always
  CHECK(matches("(?i:'s|'t)", "IT'S it'T 'ſ") == V{"'S", "'T", "'ſ"});
  // The library's find_iter: no empty match right where the last match ended.
  CHECK(attn::Regex("x*", "test").find_all("axxb") == Ranges{{0, 0}, {1, 3}, {4, 4}});
  for (const char* refused : {"[\\S]", "[a[b]]", "[[:alpha:]]", "[a-z&&[^aeiou]]", "(?~abc)", "\\y", "\\uzz"}) {
    INFO(refused);
    CHECK_THROWS_WITH(attn::Regex(refused, "tokenizer.json: pre_tokenizer.pattern.Regex"),
                      Catch::Matchers::StartsWith("tokenizer.json: pre_tokenizer.pattern.Regex: the regular expression"));
  }
  CHECK_THROWS_WITH(attn::Regex("(a", "tokenizer.json: normalizer.pattern.Regex"),
                    Catch::Matchers::StartsWith("tokenizer.json: normalizer.pattern.Regex: the regular expression \"(a\" does not compile: "));
}

TEST_CASE("alignments follow the library's transformations back to the original bytes", "[tokenizer][alignment]") {
  attn::NormalizedText text("cafe\u0301 ﬁ");
  attn::hf::UnicodeForm(attn::hf::Form::kNfkc).normalize(text);
  CHECK(text.text() == "caf\u00e9 fi");
  CHECK(text.original_range(3, 5) == std::pair<std::size_t, std::size_t>{3, 4});   // é stands for the e it was composed on
  CHECK(text.original_range(6, 7) == std::pair<std::size_t, std::size_t>{7, 10});  // f and i both stand for ﬁ
  CHECK(text.original_range(7, 8) == std::pair<std::size_t, std::size_t>{7, 10});
  attn::NormalizedText prepended("1 x");
  prepended.prepend("\u2581");
  CHECK(prepended.original_range(0, 3) == std::pair<std::size_t, std::size_t>{0, 0});  // a prepended mark covers nothing
  CHECK(prepended.original_range(0, 4) == std::pair<std::size_t, std::size_t>{0, 1});
  attn::NormalizedText bytes("\xF0\x9F\x90\x88!");  // 🐈!
  bytes.to_byte_characters(attn::hf::byte_alphabet());
  CHECK(bytes.text() == "\u00F0\u0141\u0132\u012A!");
  CHECK(bytes.original_range(0, 4) == std::pair<std::size_t, std::size_t>{0, 2});  // bytes of one character, each its own
  CHECK(bytes.original_range(4, 9) == std::pair<std::size_t, std::size_t>{2, 5});
  attn::NormalizedText replaced("a  b");
  replaced.replace({{1, 3}}, "\u2581");
  CHECK(replaced.text() == "a\u2581b");
  CHECK(replaced.original_range(1, 4) == std::pair<std::size_t, std::size_t>{2, 3});  // the match's last byte
}

TEST_CASE("tokenizer.json's components and options that are not run are refused by name", "[tokenizer][errors]") {
  const auto error = [](const std::string& parts) { return error_of({{"tokenizer.json", tokenizer_json(parts)}}); };
  CHECK(error(R"("pre_tokenizer": {"type": "CharDelimiterSplit", "delimiter": "x"})") ==
        "tokenizer.json: pre_tokenizer.type \"CharDelimiterSplit\" is not supported; this playground reads ByteLevel, Split, Metaspace, "
        "Whitespace, WhitespaceSplit, Digits, Punctuation, BertPreTokenizer and Sequence");
  CHECK(error(R"("normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Precompiled"}]})") ==
        "tokenizer.json: normalizer.normalizers[1].type \"Precompiled\" is not supported; this playground reads NFC, NFD, NFKC, NFKD, "
        "Lowercase, Strip, StripAccents, Replace, Prepend, BertNormalizer and Sequence");
  CHECK(error(R"("model": {"type": "Unigram", "vocab": [["a", 0.0]]})") == "tokenizer.json: model.type \"Unigram\" is not supported; this playground reads BPE, WordPiece and WordLevel");
  CHECK(error(R"("post_processor": {"type": "Bogus"})") ==
        "tokenizer.json: post_processor.type \"Bogus\" is not supported; this playground reads TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel and Sequence");
  CHECK(error(R"("model": {"type": "BPE", "vocab": {"a": 0}, "merges": [], "dropout": 0.1})") == "tokenizer.json: model.dropout must be null or 0; BPE dropout is random, and this playground tokenizes the same text the same way");
  CHECK(error(R"("model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]})") == "tokenizer.json: merge 1 (\"a b\"): \"b\" is not in the vocabulary");
  CHECK(error(R"("model": {"type": "BPE", "vocab": {"a": 0}, "merges": [7]})") == "tokenizer.json: model.merges[0] must be \"a b\" or [\"a\", \"b\"]");
  CHECK(error(R"("model": {"type": "WordPiece", "vocab": {"a": 0}})") == "tokenizer.json: model.unk_token \"[UNK]\" is not in the vocabulary");
  CHECK(error(R"("pre_tokenizer": {"type": "Split", "pattern": {"Regex": "[[:alpha:]]"}, "behavior": "Isolated"})") ==
        "tokenizer.json: pre_tokenizer.pattern.Regex: the regular expression \"[[:alpha:]]\" uses a POSIX bracket class, which this playground does not run");
  CHECK(error(R"("pre_tokenizer": {"type": "Split", "pattern": {"String": "x"}, "behavior": "Sideways"})") ==
        "tokenizer.json: pre_tokenizer.behavior must be Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous");
  CHECK(error(R"("post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>"}}], "special_tokens": {}})") ==
        "tokenizer.json: post_processor.special_tokens has no \"<s>\", which post_processor.single[0] names");
  CHECK(error(R"("added_tokens": [{"id": 0, "content": ""}])") == "tokenizer.json: added_tokens[0].content must be a token's text");
  CHECK(error(R"("model": {"type": "WordLevel", "vocab": {"a": -1}, "unk_token": "a"})") ==
        "tokenizer.json: model.vocab[\"a\"] is -1.000000; ids must be integers below the largest vocabulary, 67108864");
  CHECK(error_of({{"vocab.txt", "a\n"}}) == "tokenizer.json: is missing; without config.json, a tokenizer is read from tokenizer.json");
  CHECK_THAT(error_of({{"tokenizer.json", "{\"model\": "}}), Catch::Matchers::StartsWith("tokenizer.json: "));
}

TEST_CASE("a checkpoint's tokenizer: tokenizer.json's special tokens, else its family's", "[tokenizer][special]") {
  // A post-processor's specials are the ones added, and a tokenizer.json without one adds none.
  const std::string bos = R"("post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
      "special_tokens": {"<s>": {"id": "<s>", "ids": [3], "tokens": ["<s>"]}}}, "added_tokens": [{"id": 3, "content": "<s>", "special": true}])";
  const auto reader = attn::load_tokenizer({{"tokenizer.json", tokenizer_json(bos)}});
  const attn::Encoding e = reader->encode("a b<s>", attn::EncodeOptions{}, 0);
  CHECK(e.ids == std::vector<std::int32_t>{3, 0, 3});  // "a b" is one unknown word to WordLevel; <s> in the text is found as itself
  CHECK(e.special == std::vector<std::uint8_t>{1, 0, 0});
  CHECK(e.labels.at(0) == "<s>");
  CHECK(e.offsets == std::vector<std::int32_t>{0, 0, 0, 3, 3, 6});
  CHECK(attn::load_tokenizer({{"tokenizer.json", tokenizer_json("")}})->before().empty());
  // GPT-2 keeps its documented <|endoftext|> in front when its tokenizer.json adds none.
  auto gpt2 = checkpoint_fixture("gpt2");
  const auto plain = attn::load_tokenizer(gpt2.files);
  REQUIRE(plain->before().size() == 1);
  CHECK(plain->before()[0].label == "<|endoftext|>");
  // BERT's [CLS] … [SEP] from vocab.txt; with config.json's family even when tokenizer.json has no post-processor.
  const auto bert = attn::load_tokenizer(checkpoint_fixture("bert").files);
  CHECK(bert->before().at(0).label == "[CLS]");
  CHECK(bert->after().at(0).label == "[SEP]");
  CHECK(attn::load_tokenizer(checkpoint_fixture("distilbert").files)->after().at(0).label == "[SEP]");
}

TEST_CASE("RoBERTa's older files trim spaces off the offsets, as RobertaTokenizerFast does and GPT2TokenizerFast does not", "[tokenizer]") {
  const auto gpt2 = checkpoint_fixture("gpt2");
  const auto config = attn::json::parse(gpt2.files.at("config.json"), "config.json");
  attn::Architecture roberta = attn::architecture_of(config);
  const attn::Hyperparameters h = attn::read_hyperparameters(roberta, config);
  const auto plain = attn::read_tokenizer(roberta, h, gpt2.files).tokenize("The cat");
  roberta.model_type = "roberta";
  const auto trimmed = attn::read_tokenizer(roberta, h, gpt2.files).tokenize("The cat");
  REQUIRE(plain.size() == trimmed.size());
  std::size_t spaces = 0;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    const bool space = std::string("The cat")[plain[i].start] == ' ';  // "Ġc…" starts at its space, "c…" after it
    CHECK(trimmed[i].start == plain[i].start + (space ? 1 : 0));
    CHECK(trimmed[i].end == plain[i].end);
    spaces += space;
  }
  CHECK(spaces == 1);
}
