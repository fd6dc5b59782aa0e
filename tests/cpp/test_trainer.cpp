// Training (native only): examples are built as documented, and AdamW drives a small model's loss down.
#include "helpers.hpp"
#include "model/trainer.hpp"

namespace {

attn::Transformer small_transformer(bool causal) {
  attn::ModelConfig config;
  config.name = "small";
  config.vocabSize = 40, config.dModel = 16, config.heads = 2, config.layers = 2, config.dFF = 32;
  config.maxLength = 16, config.causal = causal;
  attn::Transformer model(config);
  attn::initialize(model, 3);
  return model;
}

const attn::SpecialTokens kSpecial{37, 38, 39};

}  // namespace

TEST_CASE("examples: causal ones predict the next token, masked ones hide about 15 percent", "[trainer]") {
  std::mt19937_64 random(1);
  const std::vector<std::int32_t> tokens = {5, 6, 7, 8};
  const auto causal = attn::make_example(tokens, true, kSpecial, 40, 0.15f, random);
  CHECK(causal.ids == std::vector<std::int32_t>{37, 5, 6, 7, 8});
  CHECK(causal.targets == std::vector<std::int32_t>{5, 6, 7, 8, 38});

  std::size_t masked = 0, positions = 0, replaced_by_mask = 0;
  const std::vector<std::int32_t> long_tokens(60, 9);
  for (int i = 0; i < 200; ++i) {
    const auto e = attn::make_example(long_tokens, false, kSpecial, 40, 0.15f, random);
    REQUIRE(e.ids[0] == 37);
    REQUIRE(e.targets[0] == -1);
    for (std::size_t j = 1; j < e.ids.size(); ++j) {
      ++positions;
      if (e.targets[j] >= 0) {
        ++masked;
        CHECK(e.targets[j] == 9);
        replaced_by_mask += e.ids[j] == 39;
      } else {
        CHECK(e.ids[j] == 9);
      }
    }
  }
  CHECK(std::fabs(double(masked) / double(positions) - 0.15) < 0.02);
  CHECK(std::fabs(double(replaced_by_mask) / double(masked) - 0.8) < 0.05);
  // A one-token text still gets a prediction.
  const auto single = attn::make_example({4}, false, kSpecial, 40, 0.0f, random);
  CHECK(single.targets == std::vector<std::int32_t>{-1, 4});
}

TEST_CASE("AdamW learns a small repeated batch, with warm-up and cosine decay", "[trainer]") {
  for (bool causal : {false, true}) {
    auto model = small_transformer(causal);
    attn::TrainingOptions options;
    options.steps = 60, options.warmup = 6, options.peakLearningRate = 1e-2f, options.finalLearningRate = 1e-3f;
    attn::Trainer trainer(model, options);
    CHECK(trainer.learning_rate() == Approx(1e-2f / 6));
    std::mt19937_64 random(2);
    std::vector<attn::Example> batch;
    for (int i = 0; i < 8; ++i) {
      std::vector<std::int32_t> tokens;
      for (int t = 0; t < 6; ++t) tokens.push_back(std::int32_t((i * 3 + t * 5) % 30));
      batch.push_back(attn::make_example(tokens, causal, kSpecial, 40, 0.3f, random));
    }
    const float first = trainer.step(batch);
    float last = first;
    for (int step = 1; step < 60; ++step) last = trainer.step(batch);
    INFO("causal=" << causal << " loss " << first << " -> " << last);
    CHECK(first > 3.0f);   // about ln(40) at the start
    CHECK(last < 0.5f * first);
    CHECK(trainer.steps_taken() == 60);
    CHECK(trainer.learning_rate() == Approx(1e-3f).epsilon(1e-3));
  }
}
