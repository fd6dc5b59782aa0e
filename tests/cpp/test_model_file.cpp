// The model file: round trips, and a loader that rejects every corruption with an error, never a crash.
#include <cstring>

#include "attn/model_file.hpp"
#include "helpers.hpp"
#include "model_file_fuzz.hpp"

using namespace testing;


TEST_CASE("a model file round-trips exactly in float32 and within the int8 step when quantized", "[model][file]") {
  for (bool quantize : {false, true}) {
    const auto original = small_model(quantize);
    const auto bytes = attn::save_model(original, quantize);
    REQUIRE(std::memcmp(bytes.data(), "ATTNMODL", 8) == 0);
    const auto loaded = attn::load_model(bytes.data(), bytes.size());
    CHECK(loaded.model.config().name == "test \"model\"");
    CHECK(loaded.model.config().causal == quantize);
    CHECK(loaded.tokenizer.merges() == original.tokenizer.merges());
    CHECK(loaded.special.mask == 261);
    for (const auto& t : original.model.tensors()) {
      INFO(t.name);
      const float* a = original.model.parameters().data() + t.offset;
      const float* b = loaded.model.parameters().data() + t.offset;
      for (std::size_t i = 0; i < t.size; ++i) {
        // int8 rows: the error is at most half a step, and a step is the row's largest |value| / 127 <= 1/127.
        if (quantize && t.shape.size() == 2) REQUIRE(std::fabs(a[i] - b[i]) <= 0.5f / 127 + 1e-6f);
        else REQUIRE(a[i] == b[i]);
      }
    }
  }
}

TEST_CASE("the loader rejects truncated and corrupt files with errors that say what is wrong", "[model][file]") {
  const auto bytes = attn::save_model(small_model(false), true);
  auto load = [](std::vector<std::uint8_t> b) {
    try {
      attn::load_model(b.data(), b.size());
    } catch (const attn::ArgumentError& e) {
      return std::string(e.what());
    }
    return std::string("(loaded)");
  };
  CHECK(load(bytes) == "(loaded)");
  CHECK(load({}) == "model file: is not an attention-playground model (no ATTNMODL magic at the start)");
  auto b = bytes;
  b[8] = 2;
  CHECK(load(b) == "model file: has version 2; this build reads version 1");
  CHECK_THAT(load({bytes.begin(), bytes.begin() + 100}), Catch::Matchers::StartsWith("model file: is truncated"));
  CHECK_THAT(load({bytes.begin(), bytes.end() - 1}),
             Catch::Matchers::StartsWith("model file: is truncated or corrupt: tensor tokenizer.merges needs data bytes"));
  // Edit the header text in place (same length), then load.
  auto edited = [&](const std::string& from, const std::string& to) {
    REQUIRE(from.size() == to.size());
    auto copy = bytes;
    std::string text(copy.begin(), copy.end());
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    std::copy(to.begin(), to.end(), copy.begin() + std::ptrdiff_t(at));
    return load(copy);
  };
  CHECK(edited("\"dModel\": 8", "\"dModel\": 9") == "heads: must divide dModel = 9, got 2");
  CHECK(edited("\"dModel\": 8", "\"dModel\": 4") == "tensor token_embedding: has shape [262, 8], expected [262, 4]");
  CHECK(edited("\"causal\": false", "\"causal\": 0    ") == "config.causal: expected true or false");
  CHECK(edited("\"mask\": 261", "\"mask\": 262") == "special.mask: expected an integer in [0, 261]");
  CHECK(edited("\"bos\": 259", "\"bos\": 100") == "special.bos: must be past the tokenizer's 259 tokens");
  CHECK(edited("\"dtype\": \"int8\"", "\"dtype\": \"int9\"") ==
        "tensor token_embedding: has dtype \"int9\"; expected float32, or int8 for a matrix");
  CHECK_THAT(edited("\"name\": \"final_ln.gain\"", "\"name\": \"final_ln.gaim\""),
             Catch::Matchers::StartsWith("tensor final_ln.gaim: is not part of this model's layout"));
  CHECK_THAT(edited("{\"config\"", "[\"config\""), Catch::Matchers::StartsWith("model file: header JSON:"));
}

TEST_CASE("randomly mutated model files never crash the loader", "[model][file][fuzz]") {
  // A short run; `npm run fuzz-model` runs a million under ASan + UBSan.
  const std::size_t rounds = 3000;
  CHECK(fuzz_model_file(attn::save_model(small_model(true), true), 99, rounds) > rounds / 2);
}
