// The transformer: attention shapes and masks, and every parameter's gradient against finite differences.
#include <cmath>

#include "attn/model.hpp"
#include "helpers.hpp"

using namespace testing;

namespace {

attn::Transformer tiny_model(bool causal, std::uint64_t seed) {
  attn::ModelConfig config;
  config.name = "tiny";
  config.vocabSize = 23, config.dModel = 8, config.heads = 2, config.layers = 2, config.dFF = 16;
  config.maxLength = 8, config.causal = causal;
  attn::Transformer model(config);
  Random random(seed);
  for (float& x : model.parameters()) x += random.uniform(-0.5f, 0.5f);  // gains stay near 1
  return model;
}

const std::vector<std::int32_t> kIds = {3, 17, 5, 5, 22, 0};
const attn::RunOptions kEverything = [] {
  attn::RunOptions options;
  options.hidden = options.logits = options.projections = true;
  return options;
}();
const std::vector<std::int32_t> kTargets = {-1, 4, -1, 9, 22, 1};

}  // namespace

TEST_CASE("model attentions have one row per token summing to one, causal ones lower-triangular", "[model]") {
  for (bool causal : {false, true}) {
    const auto model = tiny_model(causal, 1);
    const auto out = model.run(kIds, kEverything);
    const std::size_t n = kIds.size(), L = 2, H = 2, d = 8;
    REQUIRE(out.attentions.size() == L * H * n * n);
    REQUIRE(out.hidden.size() == (L + 1) * n * d);
    REQUIRE(out.logits.size() == n * 23);
    REQUIRE(out.queries.size() == L * n * d);
    REQUIRE(out.keys.size() == L * n * d);
    REQUIRE(out.values.size() == L * n * d);
    for (std::size_t row = 0; row < L * H * n; ++row) {
      double sum = 0;
      for (std::size_t j = 0; j < n; ++j) {
        const float w = out.attentions[row * n + j];
        sum += w;
        if (causal && j > row % n) CHECK(w == 0.0f);
      }
      CHECK(std::fabs(sum - 1.0) < 1e-6);
    }
  }
}

// The what-if options change only the attention's mask and scale: recomputing each head from the returned
// projections with the reference must give the returned weights.
TEST_CASE("model run options override the mask and scale and return the projections", "[model]") {
  const std::size_t n = kIds.size(), L = 2, H = 2, d = 8, dk = d / H;
  for (bool causal : {false, true}) {
    for (auto [scaled, temperature] : {std::pair{true, 1.0f}, {false, 1.0f}, {true, 0.25f}, {false, 3.0f}}) {
      INFO("causal " << causal << " scaled " << scaled << " temperature " << temperature);
      const auto model = tiny_model(false, 5);
      attn::RunOptions options = kEverything;
      options.causal = causal, options.scaled = scaled, options.temperature = temperature;
      const auto out = model.run(kIds, options);
      for (std::size_t l = 0; l < L; ++l) {
        for (std::size_t h = 0; h < H; ++h) {
          std::vector<float> q(n * dk), k(n * dk), v(n * dk);
          for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t c = 0; c < dk; ++c) {
              const std::size_t at = (l * n + i) * d + h * dk + c;
              q[i * dk + c] = out.queries[at], k[i * dk + c] = out.keys[at], v[i * dk + c] = out.values[at];
            }
          }
          attn::AttentionInput in{q, k, v, n, n, dk, dk, 1, {}};
          in.options.causal = causal;
          in.options.scale = (scaled ? 1.0f / std::sqrt(float(dk)) : 1.0f) / temperature;
          const auto expected = attn::reference::scaled_dot_product_attention(in);
          const std::vector<float> got(out.attentions.begin() + std::ptrdiff_t((l * H + h) * n * n),
                                       out.attentions.begin() + std::ptrdiff_t((l * H + h + 1) * n * n));
          CHECK_CLOSE(got, expected.weights, 1e-5);
        }
      }
    }
  }
}

TEST_CASE("model rejects bad ids and configs, naming them", "[model][validation]") {
  const auto model = tiny_model(false, 2);
  CHECK_THROWS_WITH(model.run({}), "ids: expected between 1 and maxLength = 8 tokens, got 0");
  CHECK_THROWS_WITH(model.run({1, 2, 3, 4, 5, 6, 7, 8, 9}), "ids: expected between 1 and maxLength = 8 tokens, got 9");
  CHECK_THROWS_WITH(model.run({1, 23}), "ids: element 1 is 23, outside the vocabulary of 23 tokens");
  CHECK_THROWS_WITH(model.loss({1, 2}, {1}, 1.0f, nullptr), "targets: expected 2 entries, got 1");
  for (float temperature : {0.0f, -1.0f, NAN, INFINITY}) {
    attn::RunOptions options;
    options.temperature = temperature;
    CHECK_THROWS_WITH(model.run({1, 2}, options), Catch::StartsWith("temperature: expected a finite number above 0"));
  }
  attn::RunOptions what_if;
  what_if.ablate = {{0, 1}, {2, 0}};
  CHECK_THROWS_WITH(model.run({1, 2}, what_if), "ablate[1]: [2, 0] is not in this model's 2 layers of 2 heads");
  what_if.ablate = {{0, 1}, {1, 1}, {0, 1}};
  CHECK_THROWS_WITH(model.run({1, 2}, what_if), "ablate[2]: [0, 1] is given twice");
  what_if.ablate = {};
  what_if.predict = 24;
  CHECK_THROWS_WITH(model.run({1, 2}, what_if), "predict: expected a number of tokens in [1, 23], got 24");
  what_if.predict = 1, what_if.targets = {1};
  CHECK_THROWS_WITH(model.run({1, 2}, what_if), "targets: expected 2 entries (one per token, specials included), got 1");
  what_if.targets = {1, -2};
  CHECK_THROWS_WITH(model.run({1, 2}, what_if), "targets: element 1 is -2; expected -1 or a token below 23");
  attn::ModelConfig bad = model.config();
  bad.heads = 3;
  CHECK_THROWS_WITH(attn::Transformer(bad), "heads: must divide dModel = 8, got 3");
}

TEST_CASE("every parameter's gradient matches central finite differences", "[model][gradient]") {
  for (bool causal : {false, true}) {
    auto model = tiny_model(causal, causal ? 3 : 4);
    std::vector<float> gradient(model.parameters().size(), 0.0f);
    const float weight = 0.25f;
    const float loss = model.loss(kIds, kTargets, weight, gradient.data());
    CHECK(loss == model.loss(kIds, kTargets, weight, nullptr));
    Random random(7);
    for (const auto& tensor : model.tensors()) {
      // Three elements of every tensor (the token rows in kIds, so embedding gradients are not all zero).
      for (int pick = 0; pick < 3; ++pick) {
        std::size_t index = tensor.offset + random.next() % tensor.size;
        if (tensor.name == "token_embedding") index = tensor.offset + std::size_t(kIds[pick + 1]) * 8 + pick;
        float& parameter = model.parameters()[index];
        const float saved = parameter, step = 1e-2f;
        parameter = saved + step;
        const double up = model.loss(kIds, kTargets, weight, nullptr);
        parameter = saved - step;
        const double down = model.loss(kIds, kTargets, weight, nullptr);
        parameter = saved;
        const double numeric = (up - down) / (2 * step), analytic = gradient[index];
        INFO(tensor.name << "[" << index - tensor.offset << "] causal=" << causal << ": analytic " << analytic
                         << ", numeric " << numeric);
        CHECK(std::fabs(analytic - numeric) <= 2e-3 + 2e-2 * std::fabs(numeric));
      }
    }
  }
}
