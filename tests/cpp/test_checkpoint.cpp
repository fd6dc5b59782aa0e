// Hugging Face checkpoints: the tokenizers and the forward passes against tests/fixtures/checkpoints (written,
// with an independent Python/PyTorch implementation, by tools/fixtures/make_checkpoint_fixtures.py), the Unicode pieces,
// the errors that name the file at fault, and mutated files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "checkpoint_fuzz.hpp"
#include "model/hf_tokenizers.hpp"
#include "model/json.hpp"
#include "model/unicode.hpp"

namespace {

attn::json::Value reference(const std::string& model) {
  return attn::json::parse(read_text(fixture_path(model, "reference.json")), model + "/reference.json");
}

std::vector<double> numbers(const attn::json::Value& array) {
  std::vector<double> out;
  for (const auto& v : array.array) out.push_back(v.number);
  return out;
}

std::string error_of(const attn::CheckpointFiles& files, const std::vector<std::uint8_t>& weights) {
  try {
    load_checkpoint(files, weights);
  } catch (const attn::ArgumentError& e) {
    return e.what();
  }
  return "no error";
}

// model.safetensors with `from` replaced by `to` (the same length) in its header.
std::vector<std::uint8_t> edited(std::vector<std::uint8_t> bytes, const std::string& from, const std::string& to) {
  REQUIRE(from.size() == to.size());
  const auto at = std::search(bytes.begin(), bytes.end(), from.begin(), from.end());
  REQUIRE(at != bytes.end());
  std::copy(to.begin(), to.end(), at);
  return bytes;
}

}  // namespace

TEST_CASE("checkpoint tokenizers give the reference ids and byte offsets", "[checkpoint][tokenizer]") {
  for (const std::string model : {"bert", "distilbert", "gpt2"}) {
    const auto c = checkpoint_fixture(model);
    const auto loaded = load_checkpoint(c.files, c.weights);
    const auto expected = reference(model);
    for (const auto& t : expected.at("tokenize", model).array) {
      const std::string& text = t.at("text", model).string;
      INFO(model << ": " << text);
      const auto tokens = loaded->tokenize(text);
      std::vector<double> ids, offsets;
      for (const auto& token : tokens) ids.push_back(token.id), offsets.push_back(double(token.start)), offsets.push_back(double(token.end));
      CHECK(ids == numbers(t.at("ids", model)));
      std::vector<double> want;
      for (const auto& pair : t.at("offsets", model).array) for (double x : numbers(pair)) want.push_back(x);
      CHECK(offsets == want);
    }
  }
}

TEST_CASE("checkpoint forward passes match an independent PyTorch implementation within 1e-4", "[checkpoint][forward]") {
  for (const std::string model : {"bert", "distilbert", "gpt2", "gpt2-bf16"}) {
    const auto c = checkpoint_fixture(model);
    const auto loaded = load_checkpoint(c.files, c.weights);
    CHECK(loaded->config().causal == (model.rfind("gpt2", 0) == 0));
    const auto expected = reference(model);
    for (const auto& t : expected.at("cases", model).array) {
      const std::string& text = t.at("text", model).string;
      INFO(model << ": " << text);
      std::vector<std::int32_t> ids;
      for (const auto& s : loaded->before()) ids.push_back(s.id);
      for (const auto& token : loaded->tokenize(text)) ids.push_back(token.id);
      for (const auto& s : loaded->after()) ids.push_back(s.id);
      CHECK(std::vector<double>(ids.begin(), ids.end()) == numbers(t.at("ids", model)));
      attn::RunOptions options;
      options.hidden = true;
      const auto out = loaded->run(ids, options);
      CHECK(testing::relative_error(out.attentions, numbers(t.at("attentions", model))) < 1e-4);
      CHECK(testing::relative_error(out.hidden, numbers(t.at("hidden", model))) < 1e-4);
    }
  }
}

TEST_CASE("labels and special tokens of checkpoints", "[checkpoint]") {
  const auto bert = checkpoint_fixture("bert");
  const auto model = load_checkpoint(bert.files, bert.weights);
  CHECK(model->before().at(0).label == "[CLS]");
  CHECK(model->after().at(0).label == "[SEP]");
  const auto tokens = model->tokenize("Playing");
  REQUIRE(tokens.size() == 2);
  CHECK(model->label(tokens[0].id) == "play");
  CHECK(model->label(tokens[1].id) == "##ing");
  const auto gpt2 = checkpoint_fixture("gpt2");
  const auto causal = load_checkpoint(gpt2.files, gpt2.weights);
  CHECK(causal->before().at(0).label == "<|endoftext|>");
  CHECK(causal->after().empty());
  CHECK(causal->label(causal->tokenize("cat").at(0).id).empty());  // byte-level: shown as the text itself
}

TEST_CASE("GPT-2's tokenizer reads tokenizer.json as it reads vocab.json and merges.txt", "[checkpoint][tokenizer]") {
  auto c = checkpoint_fixture("gpt2");
  const auto plain = load_checkpoint(c.files, c.weights);
  std::string merges = "[";
  const std::string& lines = c.files.at("merges.txt");
  for (std::size_t start = lines.find('\n') + 1; start < lines.size();) {  // after "#version"
    const std::size_t end = lines.find('\n', start);
    merges += (merges.size() > 1 ? "," : "") + attn::json::quote(lines.substr(start, end - start));
    start = end + 1;
  }
  // GPT-2's own tokenizer.json says its pre-tokenizer: ByteLevel without a prefix space.
  c.files["tokenizer.json"] = "{\"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false}, \"model\": {\"type\": \"BPE\", \"vocab\": " +
                              c.files.at("vocab.json") + ", \"merges\": " + merges + "]}}";
  c.files.erase("vocab.json"), c.files.erase("merges.txt");
  const auto from_json = load_checkpoint(c.files, c.weights);
  for (const char* text : {"The cat sat on the mat.", "emoji 🐈 and 👩‍👩‍👧", "  spaces  "}) {
    const auto a = plain->tokenize(text), b = from_json->tokenize(text);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].id == b[i].id);
  }
}

TEST_CASE("checkpoint errors name the file at fault", "[checkpoint][errors]") {
  const auto bert = checkpoint_fixture("bert"), gpt2 = checkpoint_fixture("gpt2");
  auto files = bert.files;
  files.erase("config.json");
  CHECK(error_of(files, bert.weights) == "config.json: is missing; it is needed to know the model's shape");
  files = bert.files;
  files["config.json"] = "{\"model_type\": \"roberta\"}";
  CHECK(error_of(files, bert.weights) == "config.json: \"model_type\" is \"roberta\"; this playground reads bert, distilbert and gpt2");
  files["config.json"] = "{\"model_type\": \"bert\", ";
  CHECK_THAT(error_of(files, bert.weights), Catch::Matchers::StartsWith("config.json: expected a string at byte"));
  files = bert.files;
  files.erase("vocab.txt");
  CHECK(error_of(files, bert.weights) == "vocab.txt: is missing; BertForMaskedLM needs vocab.txt or tokenizer.json");
  files = gpt2.files;
  files.erase("merges.txt");
  CHECK(error_of(files, gpt2.weights) == "merges.txt: is missing; GPT2LMHeadModel needs vocab.json and merges.txt, or tokenizer.json");
  files = gpt2.files;
  files["merges.txt"] += "Ġ zzz\n";
  CHECK_THAT(error_of(files, gpt2.weights), Catch::Matchers::Contains("merges.txt: merge") && Catch::Matchers::Contains("\"zzz\" is not a byte or the result of an earlier merge"));

  CHECK(error_of(gpt2.files, edited(gpt2.weights, "\"wte.weight\"", "\"wtx.weight\"")) ==
        "model.safetensors: has no tensor wte.weight (nor transformer.wte.weight); is it a GPT2LMHeadModel checkpoint?");
  CHECK_THAT(error_of(gpt2.files, edited(gpt2.weights, "\"F32\"", "\"I32\"")),
             Catch::Matchers::Contains("has dtype I32; expected F32, F16 or BF16"));
  files = gpt2.files;
  const auto at = files["config.json"].find("\"n_positions\": 40");
  REQUIRE(at != std::string::npos);
  files["config.json"].replace(at, 17, "\"n_positions\": 41");
  CHECK(error_of(files, gpt2.weights) == "model.safetensors: tensor wpe.weight: has shape [40, 32], but config.json implies [41, 32]");
  auto truncated = gpt2.weights;
  truncated.resize(truncated.size() - 1);
  CHECK_THAT(error_of(gpt2.files, truncated), Catch::Matchers::Contains("data_offsets: expected an integer in [0, "));
  CHECK_THAT(error_of(gpt2.files, {1, 2, 3}), Catch::Matchers::Equals("model.safetensors: is 3 bytes, too short for a safetensors file"));
  auto huge = gpt2.weights;
  huge[5] = 1;  // the header's length now says terabytes
  CHECK_THAT(error_of(gpt2.files, huge), Catch::Matchers::StartsWith("model.safetensors: its first 8 bytes give a header of"));

  // The loader's own protocol: sizes and names of what is put, and nothing left out.
  const std::uint8_t* bytes = gpt2.weights.data();
  const std::uint64_t length = attn::safetensors_header_length(bytes, gpt2.weights.size());
  attn::CheckpointLoader loader(gpt2.files, bytes, std::size_t(8 + length), gpt2.weights.size());
  const auto& first_range = loader.needed().at(0);
  CHECK_THROWS_WITH(loader.put(first_range.name, bytes, 3), Catch::Matchers::Contains("expected") && Catch::Matchers::Contains("bytes, got 3"));
  CHECK_THROWS_WITH(loader.put("h.0.attn.bias", bytes, 1), Catch::Matchers::Contains("is not one this model needs"));
  CHECK_THROWS_WITH(loader.finish(), Catch::Matchers::StartsWith("model.safetensors: tensor") && Catch::Matchers::EndsWith("was not read"));
}

TEST_CASE("Unicode pieces of the checkpoint tokenizers", "[checkpoint][unicode]") {
  using namespace attn::unicode;
  const auto d = decode_utf8("a\xC3\xA9\xF0\x9F\x90\x88\xFF\xE2\x82");  // a é 🐈, then a bad byte and a cut-off character
  CHECK(d.chars == std::u32string{U'a', U'é', U'🐈', 0xFFFD, 0xFFFD, 0xFFFD});
  CHECK(d.starts == std::vector<std::size_t>{0, 1, 3, 7, 8, 9, 10});
  CHECK(decode_utf8("\xC0\x80").chars == std::u32string{0xFFFD, 0xFFFD});  // overlong
  CHECK(decode_utf8("\xED\xA0\x80").chars.front() == 0xFFFD);             // a surrogate
  CHECK(classify(U'A') == Class::kLetter);
  CHECK(classify(U'猫') == Class::kLetter);
  CHECK(classify(U'٣') == Class::kNumber);
  CHECK(classify(0x0301) == Class::kNonspacingMark);
  CHECK(classify(U'—') == Class::kPunctuation);
  CHECK(classify(U'€') == Class::kSymbol);
  CHECK(classify(0x200B) == Class::kFormat);
  CHECK(classify(0x10FFFF) == Class::kOther);
  std::u32string out;
  append_lowercase(U'İ', out);
  CHECK(out == U"i\u0307");
  out.clear();
  append_decomposed(U'ǻ', out);  // a + ring + acute, fully decomposed
  CHECK(out == U"a\u030A\u0301");
  out.clear();
  append_decomposed(U'한', out);  // a Hangul syllable: its three jamo
  CHECK(out == U"\u1112\u1161\u11AB");
}

TEST_CASE("GPT-2's pre-tokenizer splits as its regular expression does", "[checkpoint][tokenizer]") {
  // ByteLevel as GPT-2's files make it (no prefix space, GPT-2's regex), each piece read back as original text.
  const auto pieces = [](const std::string& text) {
    attn::hf::ByteLevel byte_level;
    byte_level.add_prefix_space = false;
    std::vector<attn::hf::Split> splits;
    splits.push_back({attn::NormalizedText(text), std::nullopt});
    byte_level.pre_tokenize(splits);
    std::vector<std::string> out;
    for (const auto& s : splits) {
      const auto [start, end] = s.text.original_range(0, s.text.text().size());
      out.push_back(text.substr(start, end - start));
    }
    return out;
  };
  using V = std::vector<std::string>;
  CHECK(pieces("Hello world") == V{"Hello", " world"});
  CHECK(pieces("I'm here, they'll see") == V{"I", "'m", " here", ",", " they", "'ll", " see"});
  CHECK(pieces("a  b") == V{"a", " ", " b"});
  CHECK(pieces("end   ") == V{"end", "   "});
  CHECK(pieces("x2024 !?") == V{"x", "2024", " !?"});
  CHECK(pieces("\t\nx") == V{"\t", "\n", "x"});
  CHECK(pieces("\xC3\xA9t\xC3\xA9 \xF0\x9F\x90\x88") == V{"\xC3\xA9t\xC3\xA9", " \xF0\x9F\x90\x88"});
}

TEST_CASE("randomly mutated checkpoints never crash the loader", "[checkpoint][fuzz]") {
  // A short run; `npm run fuzz-checkpoint` runs a million under ASan + UBSan.
  for (const char* model : {"bert", "distilbert", "gpt2"}) {
    const std::size_t rounds = 150;
    CHECK(fuzz_checkpoint(checkpoint_fixture(model), 7, rounds) > rounds / 3);
  }
}
