// Hugging Face checkpoints: the tokenizers and the forward passes against tests/fixtures/checkpoints (written,
// with an independent Python/PyTorch implementation, by tools/fixtures/make_checkpoint_fixtures.py), the Unicode pieces,
// the errors that name the file at fault, and mutated files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

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

TEST_CASE("Llama, Mistral, Qwen 2 and 3, Gemma 1 and 2, GPT-NeoX and RoBERTa match PyTorch in float32, float16 and bfloat16", "[checkpoint][forward][modern]") {
  // Written with their float64 reference by tools/fixtures/make_modern_fixtures.py: attentions within 1e-5, hidden
  // states within 1e-4 of their scale.
  for (const std::string family : {"llama", "llama-linear", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "gpt_neox",
                                   "gpt_neox-sequential", "roberta"}) {
    for (const std::string dtype : {"", "-f16", "-bf16"}) {
      const std::string model = family + dtype;
      const auto c = checkpoint_fixture(model);
      const auto loaded = load_checkpoint(c.files, c.weights);
      const auto expected = reference(model);
      for (const auto& t : expected.at("cases", model).array) {
        INFO(model << ": " << t.at("text", model).string);
        std::vector<std::int32_t> ids;
        for (const double id : numbers(t.at("ids", model))) ids.push_back(std::int32_t(id));
        attn::RunOptions options;
        options.hidden = true;
        const auto out = loaded->run(ids, options);
        CHECK(testing::max_abs_difference(out.attentions, numbers(t.at("attentions", model))) < 1e-5);
        CHECK(testing::relative_error(out.hidden, numbers(t.at("hidden", model))) < 1e-4);
      }
    }
  }
}

TEST_CASE("a checkpoint in shards loads as the same model, each tensor read from its own file", "[checkpoint][shards]") {
  const auto c = checkpoint_fixture("gpt2");
  // Split model.safetensors in two: tensors alternately into model-00001-of-00002 and model-00002-of-00002.
  const std::uint64_t length = attn::safetensors_header_length(c.weights.data(), c.weights.size());
  const auto header = attn::json::parse({reinterpret_cast<const char*>(c.weights.data() + 8), std::size_t(length)}, "header");
  const std::string names[2] = {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"};
  std::string json[2] = {"{", "{"}, weight_map = "{";
  std::vector<std::uint8_t> data[2];
  std::size_t i = 0;
  for (const auto& [name, entry] : header.object) {
    if (name == "__metadata__") continue;
    const std::size_t shard = i++ % 2;
    const auto& offsets = entry.at("data_offsets", name).array;
    const auto begin = std::size_t(8 + length + offsets[0].number), end = std::size_t(8 + length + offsets[1].number);
    std::string shape;
    for (const auto& d : entry.at("shape", name).array) shape += (shape.empty() ? "" : ",") + std::to_string(std::size_t(d.number));
    json[shard] += std::string(json[shard].size() > 1 ? "," : "") + attn::json::quote(name) + ":{\"dtype\":" + attn::json::quote(entry.at("dtype", name).string) +
                   ",\"shape\":[" + shape + "],\"data_offsets\":[" + std::to_string(data[shard].size()) + "," + std::to_string(data[shard].size() + end - begin) + "]}";
    data[shard].insert(data[shard].end(), c.weights.begin() + std::ptrdiff_t(begin), c.weights.begin() + std::ptrdiff_t(end));
    weight_map += std::string(weight_map.size() > 1 ? "," : "") + attn::json::quote(name) + ":" + attn::json::quote(names[shard]);
  }
  std::vector<std::uint8_t> files[2];
  for (std::size_t s = 0; s < 2; ++s) {
    json[s] += "}";
    for (int b = 0; b < 8; ++b) files[s].push_back(std::uint8_t(std::uint64_t(json[s].size()) >> (8 * b)));
    files[s].insert(files[s].end(), json[s].begin(), json[s].end());
    files[s].insert(files[s].end(), data[s].begin(), data[s].end());
  }
  auto small = c.files;
  small[attn::kWeightsIndexFile] = "{\"metadata\": {}, \"weight_map\": " + weight_map + "}}";
  CHECK(attn::weights_files(small) == std::vector<std::string>{names[0], names[1]});
  std::vector<attn::CheckpointLoader::Header> headers;
  for (std::size_t s = 0; s < 2; ++s) {
    const std::uint64_t n = attn::safetensors_header_length(files[s].data(), files[s].size(), names[s]);
    headers.push_back({names[s], files[s].data(), std::size_t(8 + n), files[s].size()});
  }
  attn::CheckpointLoader loader(small, headers);
  std::set<std::string> used;
  for (const auto& range : loader.needed()) {
    const std::size_t s = range.file == names[0] ? 0 : 1;
    REQUIRE(range.file == names[s]);
    used.insert(range.file);
    loader.put(range.name, files[s].data() + range.begin, std::size_t(range.end - range.begin));
  }
  CHECK(used.size() == 2);
  const auto sharded = loader.finish(), whole = load_checkpoint(c.files, c.weights);
  std::vector<std::int32_t> ids{whole->before().at(0).id};
  for (const auto& t : whole->tokenize("The cat sat.")) ids.push_back(t.id);
  CHECK(sharded->run(ids, {}).attentions == whole->run(ids, {}).attentions);
  // One shard missing, or named twice.
  CHECK_THROWS_WITH(attn::CheckpointLoader(small, {headers[0]}), names[1] + ": is missing; model.safetensors.index.json lists it");
  auto wrong = headers;
  wrong[1].file = "model.safetensors";
  CHECK_THROWS_WITH(attn::CheckpointLoader(small, wrong), "model.safetensors: is not one of the checkpoint's weights files (model.safetensors.index.json names them)");
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
  files["config.json"] = "{\"model_type\": \"t5\"}";
  CHECK(error_of(files, bert.weights) == "config.json: \"model_type\" is \"t5\"; this playground reads bert, distilbert, roberta, gpt2, "
                                         "llama, mistral, qwen2, qwen3, gemma, gemma2 and gpt_neox");
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

TEST_CASE("output heads and switched-off heads match PyTorch", "[checkpoint][predict][ablate]") {
  // Every family with its head, float32 and 16-bit (the references of tools/fixtures/make_*_fixtures.py): logits
  // within 1e-4 of their scale, the ablated run's attentions within 1e-5, its first layer unchanged bit for bit.
  for (const std::string model : {"bert-mlm", "distilbert-mlm", "gpt2", "gpt2-bf16", "roberta", "roberta-f16", "llama",
                                  "llama-bf16", "llama-linear", "mistral", "qwen2", "qwen3-f16", "gemma", "gemma2",
                                  "gemma2-bf16", "gpt_neox", "gpt_neox-sequential-f16"}) {
    INFO(model);
    const auto c = checkpoint_fixture(model);
    const auto loaded = load_checkpoint(c.files, c.weights);
    const auto expected = reference(model);
    REQUIRE(loaded->config().canPredict);
    const auto& p = expected.at("predictions", model);
    std::vector<std::int32_t> ids;
    for (const double id : numbers(p.at("ids", model))) ids.push_back(std::int32_t(id));
    attn::RunOptions options;
    options.logits = true;
    const auto plain = loaded->run(ids, options);
    CHECK(testing::relative_error(plain.logits, numbers(p.at("logits", model))) < 1e-4);
    for (const auto& pair : p.at("ablate", model).array) {
      options.ablate.push_back({std::size_t(pair.array.at(0).number), std::size_t(pair.array.at(1).number)});
    }
    const auto ablated = loaded->run(ids, options);
    CHECK(testing::max_abs_difference(ablated.attentions, numbers(p.at("ablatedAttentions", model))) < 1e-5);
    CHECK(testing::relative_error(ablated.logits, numbers(p.at("ablatedLogits", model))) < 1e-4);
    const std::size_t layer = plain.attentions.size() / loaded->config().layers;
    CHECK(std::equal(plain.attentions.begin(), plain.attentions.begin() + layer, ablated.attentions.begin()));
    // The top 5 and the loss from the same head: probabilities of a softmax over the whole vocabulary.
    options = {};
    options.predict = 5;
    options.targets = loaded->default_targets(loaded->encode(expected.at("cases", model).array.at(0).at("text", model).string, {}));
    const auto predicted = loaded->run(ids, options);
    const std::size_t V = loaded->config().vocabSize, n = ids.size();
    const auto logits = numbers(p.at("logits", model));
    double loss = 0;
    std::size_t judged = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double top = *std::max_element(logits.begin() + i * V, logits.begin() + (i + 1) * V);
      double sum = 0;
      for (std::size_t v = 0; v < V; ++v) sum += std::exp(logits[i * V + v] - top);
      const auto prob = [&](std::int32_t id) { return std::exp(logits[i * V + std::size_t(id)] - top) / sum; };
      for (std::size_t r = 0; r < 5; ++r) {
        CHECK(std::abs(predicted.predictions.probs[i * 5 + r] - prob(predicted.predictions.ids[i * 5 + r])) < 1e-5);
        if (r) CHECK(predicted.predictions.probs[i * 5 + r] <= predicted.predictions.probs[i * 5 + r - 1]);
      }
      std::vector<double> sorted(logits.begin() + i * V, logits.begin() + (i + 1) * V);
      std::nth_element(sorted.begin(), sorted.begin() + 4, sorted.end(), std::greater<>());
      CHECK(predicted.predictions.probs[i * 5 + 4] >= std::exp(sorted[4] - top) / sum - 1e-5);  // none better left out
      const std::int32_t target = options.targets[i];
      if (target >= 0) loss -= std::log(prob(target)), ++judged;
      else CHECK(std::isnan(predicted.predictions.target_probs[i]));
    }
    CHECK(std::abs(predicted.predictions.loss - loss / double(judged)) < 1e-4);
  }
}

TEST_CASE("a checkpoint without its output head says so, and predict names what is missing", "[checkpoint][predict]") {
  for (const std::string model : {"bert", "distilbert"}) {
    const auto c = checkpoint_fixture(model);
    const auto loaded = load_checkpoint(c.files, c.weights);
    CHECK_FALSE(loaded->config().canPredict);
    CHECK_FALSE(reference(model).at("canPredict", model).boolean);
    attn::RunOptions options;
    options.predict = 5;
    try {
      loaded->run({2, 3}, options);
      FAIL("predict ran without a head");
    } catch (const attn::ArgumentError& e) {
      CHECK_THAT(e.what(), Catch::Matchers::StartsWith("predict: model.safetensors has no ") &&
                               Catch::Matchers::Contains(model == "bert" ? "cls.predictions.transform.LayerNorm.weight" : "vocab_layer_norm.weight"));
    }
    CHECK_NOTHROW(loaded->run({2, 3}, {}));  // the attention needs no head
    // Nor is a part of a head read: the loader asks for no cls.predictions.* or vocab_* tensor.
    const std::uint64_t length = attn::safetensors_header_length(c.weights.data(), c.weights.size());
    attn::CheckpointLoader loader(c.files, c.weights.data(), std::size_t(8 + length), c.weights.size());
    for (const auto& range : loader.needed()) {
      CHECK(range.name.rfind("cls.", 0) == std::string::npos);
      CHECK(range.name.rfind("vocab_", 0) == std::string::npos);
    }
  }
  auto gpt2 = checkpoint_fixture("gpt2");
  auto& config = gpt2.files["config.json"];
  config.replace(config.find("GPT2LMHeadModel"), 15, "GPT2Model");
  const auto headless = load_checkpoint(gpt2.files, gpt2.weights);
  CHECK_FALSE(headless->config().canPredict);
  attn::RunOptions options;
  options.predict = 1;
  CHECK_THROWS_WITH(headless->run({1, 2}, options), "predict: config.json: GPT2Model is a model without its language-model head");
}

TEST_CASE("a causal model reuses its last run's prefix and gives the numbers of a whole run", "[checkpoint][cache]") {
  // Typing at the end, an edit in the middle, a deletion, the same text again, predictions whose targets move,
  // switched-off heads: each run against a run that computes every row, as the same bits.
  for (const std::string model : {"gpt2", "llama", "mistral", "qwen2-bf16", "gemma2", "gemma2-f16", "gpt_neox"}) {
    INFO(model);
    const auto c = checkpoint_fixture(model);
    const auto cached = load_checkpoint(c.files, c.weights);
    std::vector<std::int32_t> text;
    for (const double id : numbers(reference(model).at("cases", model).array.at(2).at("ids", model))) text.push_back(std::int32_t(id));
    REQUIRE(text.size() >= 14);
    const auto prefix = [&](std::size_t n) { return std::vector<std::int32_t>(text.begin(), text.begin() + std::ptrdiff_t(n)); };
    auto edited = prefix(12);
    edited[3] = edited[4];
    std::vector<std::pair<std::vector<std::int32_t>, attn::RunOptions>> runs;
    attn::RunOptions everything;
    everything.hidden = everything.projections = true, everything.predict = 3;
    for (const std::size_t n : {5, 6, 7, 12}) runs.push_back({prefix(n), everything});
    runs.push_back({edited, everything});
    runs.push_back({prefix(4), everything});
    runs.push_back({prefix(4), everything});
    attn::RunOptions plain;
    runs.push_back({prefix(13), plain});  // no predictions: the next run's come from rows it computes afresh
    runs.push_back({prefix(14), everything});
    attn::RunOptions ablate = everything;
    ablate.ablate = {{0, 1}};
    runs.push_back({prefix(14), ablate});
    runs.push_back({text, ablate});
    attn::RunOptions more = everything;
    more.predict = 5;
    runs.push_back({text, more});
    // Longer than a matmul panel is wide (16 or more rows): the whole run and the one-row tail take different
    // ways through the output head and the 16-bit weights, with the same numbers.
    std::vector<std::int32_t> longer;
    while (longer.size() < 26) longer.push_back(text[longer.size() % text.size()]);
    for (const std::size_t n : {24, 25, 26}) runs.push_back({std::vector<std::int32_t>(longer.begin(), longer.begin() + std::ptrdiff_t(n)), more});
    for (std::size_t r = 0; r < runs.size(); ++r) {
      INFO("run " << r << " of " << runs[r].first.size() << " tokens");
      const auto got = cached->run(runs[r].first, runs[r].second);
      // What it could reuse: the tokens it shares with the run before, for the same switched-off heads; the last
      // row is computed unless the text is the same.
      std::size_t shared = 0;
      if (r > 0 && runs[r - 1].second.ablate.size() == runs[r].second.ablate.size()) {
        const auto& before = runs[r - 1].first;
        while (shared < std::min(before.size(), runs[r].first.size()) && before[shared] == runs[r].first[shared]) ++shared;
      }
      const bool same = r > 0 && shared == runs[r].first.size() && runs[r - 1].first.size() == shared;
      CHECK(got.reused == (same ? shared : std::min(shared, runs[r].first.size() - 1)));
      attn::RunOptions whole = runs[r].second;
      whole.reuse = false;
      const auto want = cached->run(runs[r].first, whole);
      CHECK(got.attentions == want.attentions);
      CHECK(got.hidden == want.hidden);
      CHECK(got.queries == want.queries);
      CHECK(got.keys == want.keys);
      CHECK(got.values == want.values);
      CHECK(got.predictions.ids == want.predictions.ids);
      CHECK(got.predictions.probs == want.predictions.probs);
      CHECK(std::equal(got.predictions.target_probs.begin(), got.predictions.target_probs.end(), want.predictions.target_probs.begin(),
                       want.predictions.target_probs.end(), [](float a, float b) { return a == b || (std::isnan(a) && std::isnan(b)); }));
      CHECK((got.predictions.loss == want.predictions.loss || (std::isnan(got.predictions.loss) && std::isnan(want.predictions.loss))));
      // The whole run leaves the cache empty: run it again so that the next run reuses this one's prefix.
      cached->run(runs[r].first, runs[r].second);
    }
    // A head's trace: of the text the cache holds (its layer alone again, from the input kept for it), and of
    // another text (every row); each the trace of a whole run, and the cache still the last run's.
    for (const std::size_t layer : {std::size_t(0), std::size_t(1)}) {
      for (const auto& traced_text : {text, prefix(6)}) {
        cached->run(text, more);
        attn::RunOptions trace;
        trace.trace = attn::RunOptions::Head{layer, 1};
        const auto got = cached->run(traced_text, trace);
        trace.reuse = false;
        const auto want = cached->run(traced_text, trace);
        INFO("trace of layer " << layer << " at " << traced_text.size() << " tokens");
        CHECK(got.reused == (traced_text == text ? text.size() : 0));
        CHECK(got.attentions == want.attentions);
        CHECK(got.trace.head_output == want.trace.head_output);
        CHECK(got.trace.contribution == want.trace.contribution);
        CHECK(got.trace.attention_output == want.trace.attention_output);
        CHECK(got.trace.residual_before == want.trace.residual_before);
        CHECK(got.trace.residual_after == want.trace.residual_after);
      }
    }
  }
}
