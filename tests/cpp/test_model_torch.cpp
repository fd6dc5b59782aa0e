// The model's forward pass against PyTorch (tools/fixtures/make_model_fixtures.py): tiny random transformers written
// in the model-file format by Python, run here through the loader, compared with torch's LayerNorm,
// nn.MultiheadAttention and tanh-GELU in float64.
#include <fstream>
#include <iterator>

#include "attn/model_file.hpp"
#include "helpers.hpp"

using namespace testing;

namespace {

struct TinyModelCase {
  const char* name;
  std::vector<std::uint8_t> file;
  std::vector<std::int32_t> ids;
  std::vector<float> attentions, hidden, logits;
  std::vector<float> ablated_attentions, ablated_logits;  // with kAblated switched off
};

// The heads tools/fixtures/make_model_fixtures.py switches off (layer, head).
const std::vector<attn::RunOptions::Head> kAblated = {{0, 1}, {0, 3}};

const TinyModelCase kCases[] = {
#include "tiny_models.inc"
};

}  // namespace

TEST_CASE("the transformer's forward pass agrees with PyTorch", "[model][torch]") {
  for (const auto& c : kCases) {
    INFO(c.name);
    const auto loaded = attn::load_model(c.file.data(), c.file.size());
    attn::RunOptions options;
    options.hidden = options.logits = true;
    const auto out = loaded.model.run(c.ids, options);
    // Two float32 layers of sums over d = 16 and dFF = 32 terms of magnitude ~1: a few hundred eps of the values.
    CHECK_CLOSE(out.attentions, c.attentions, 1e-5);
    CHECK_CLOSE(out.hidden, c.hidden, 1e-4 * std::max(1.0, max_abs(c.hidden)));
    CHECK_CLOSE(out.logits, c.logits, 1e-4 * std::max(1.0, max_abs(c.logits)));
  }
}

TEST_CASE("switching heads off agrees with PyTorch", "[model][torch][ablate]") {
  for (const auto& c : kCases) {
    INFO(c.name);
    const auto loaded = attn::load_model(c.file.data(), c.file.size());
    attn::RunOptions options;
    options.logits = true;
    options.ablate = kAblated;
    const auto out = loaded.model.run(c.ids, options);
    CHECK_CLOSE(out.attentions, c.ablated_attentions, 1e-5);
    CHECK_CLOSE(out.logits, c.ablated_logits, 1e-4 * std::max(1.0, max_abs(c.ablated_logits)));
    // Layer 0's patterns come before any head is switched off: the same numbers, not merely close ones.
    const auto plain = loaded.model.run(c.ids, {});
    const std::size_t layer = plain.attentions.size() / 2;
    CHECK(std::equal(plain.attentions.begin(), plain.attentions.begin() + layer, out.attentions.begin()));
    CHECK_FALSE(std::equal(plain.attentions.begin() + layer, plain.attentions.end(), out.attentions.begin() + layer));
  }
}

namespace {

struct BuiltinCase {
  const char* name;
  std::vector<std::int32_t> ids;
  struct Run {
    std::vector<float> attentions;
    std::vector<std::int32_t> top_ids;  // (n, 10)
    std::vector<float> top_logits, log_sum_exp;
  } plain, ablated;
};

const BuiltinCase kBuiltin[] = {
#include "builtin_models.inc"
};
const std::vector<attn::RunOptions::Head> kBuiltinAblated = {{0, 2}, {1, 0}};

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("the built-in models' attentions and predictions agree with PyTorch, plain and with heads off", "[model][torch][predict]") {
  for (const auto& c : kBuiltin) {
    INFO(c.name);
    const auto file = read_bytes(std::string(ATTN_SOURCE_DIR) + "/web/models/" + c.name + ".attn");
    const auto loaded = attn::load_model(file.data(), file.size());
    const std::size_t n = c.ids.size(), V = loaded.model.config().vocabSize, k = 10;
    for (const bool ablate : {false, true}) {
      const BuiltinCase::Run& want = ablate ? c.ablated : c.plain;
      attn::RunOptions options;
      options.logits = true, options.predict = k;
      if (ablate) options.ablate = kBuiltinAblated;
      const auto out = loaded.model.run(c.ids, options);
      CHECK_CLOSE(out.attentions, want.attentions, 1e-5);
      // The reference's top 10 logits as ours have them, and the probabilities predict gives the top ones.
      double scale = 1;
      for (const float x : want.top_logits) scale = std::max(scale, double(std::fabs(x)));
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t r = 0; r < k; ++r) {
          const std::size_t id = std::size_t(want.top_ids[i * k + r]);
          CHECK(std::abs(out.logits[i * V + id] - want.top_logits[i * k + r]) < 1e-4 * scale);
          const double prob = std::exp(double(want.top_logits[i * k + r]) - want.log_sum_exp[i]);
          if (r < 5) CHECK(std::abs(out.predictions.probs[i * k + r] - prob) < 1e-5 + 1e-4 * prob);
        }
      }
    }
  }
}
