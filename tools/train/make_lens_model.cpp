// Writes the "lens" model: one layer of four attention heads whose W_Q and W_K are set by hand, not trained, so
// each head does one clear thing — 0 looks at the previous token, 1 at the next token, 2 at copies of its own
// token (itself and the same token elsewhere), 3 at the first token ([BOS]). It shares the built-in model's
// tokenizer (and its special tokens), so the same text gives the same tokens, and shows what the trained heads are
// being compared with; its widths are its own.
//   make_lens_model [--from web/models/builtin-bidirectional.attn] [--out web/models/builtin-lens.attn]
//
// The residual stream: dims 0-63 hold the token (random, zero mean, squared norm 32), dims 64-127 the position as
// 16 frequencies w, each as (cos wi, sin wi, -cos wi, -sin wi) (zero mean, squared norm 32). Both halves having
// zero mean and fixed norms makes the first LayerNorm a plain scaling by sqrt(2), so the heads see the directions
// unchanged. A query rotated by -w (or +w) per frequency matches the key of the position one before (or after):
// q_i . k_j = c · sum_w cos(w (i - 1 - j)), largest at j = i - 1.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>

#include "attn/model_file.hpp"

using namespace attn;

namespace {

constexpr std::size_t kModel = 128, kHeads = 4, kDk = kModel / kHeads, kTokenDims = 64, kFrequencies = 16;
constexpr std::size_t kPositionBase = kTokenDims;
constexpr double kPi = 3.14159265358979323846;
constexpr double kMargin = 12;  // wanted logit gap between the target and the best other key

float* tensor(Transformer& model, const std::string& name) {
  for (const TensorInfo& t : model.tensors()) {
    if (t.name == name) return model.parameters().data() + t.offset;
  }
  throw std::runtime_error("no tensor " + name);
}

// The largest sum_w cos(w·delta) over 0 < |delta| <= span: how close the best wrong position comes to the
// right one (which scores kFrequencies).
double worst_sidelobe(const std::vector<double>& w, std::size_t span) {
  double worst = -1e9;
  for (std::size_t delta = 1; delta <= span; ++delta) {
    double sum = 0;
    for (double f : w) sum += std::cos(f * double(delta));
    worst = std::max(worst, sum);
  }
  return worst;
}

// Of a few hundred seeded random frequency sets in [0.25, pi], the one whose positions are told apart best.
std::vector<double> pick_frequencies(std::size_t span) {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> frequency(0.25, kPi);
  std::vector<double> best;
  double best_sidelobe = 1e9;
  for (int attempt = 0; attempt < 400; ++attempt) {
    std::vector<double> w(kFrequencies);
    for (double& f : w) f = frequency(random);
    const double sidelobe = worst_sidelobe(w, span);
    if (sidelobe < best_sidelobe) best_sidelobe = sidelobe, best = w;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) try {
  std::string from = "web/models/builtin-bidirectional.attn", out = "web/models/builtin-lens.attn";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--from") from = argv[i + 1];
    else if (flag == "--out") out = argv[i + 1];
    else throw std::runtime_error("unknown flag " + flag);
  }
  std::ifstream file(from, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + from);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(file), {}};
  const LoadedModel trained = load_model(bytes.data(), bytes.size());

  ModelConfig config = trained.model.config();
  config.name = "builtin-lens";
  // Its own widths, whatever the trained model's: the hand-set weights below are laid out for kModel and kHeads.
  config.dModel = kModel, config.heads = kHeads, config.layers = 1, config.dFF = 1, config.causal = false;
  LoadedModel lens{Transformer(config), trained.tokenizer, trained.special};
  Transformer& m = lens.model;
  const std::size_t span = config.maxLength;

  // Tokens: seeded Gaussian vectors in dims 0-63, centred and scaled to squared norm 32.
  std::mt19937_64 random(20261128);
  std::normal_distribution<double> gaussian;
  float* tokens = tensor(m, "token_embedding");
  for (std::size_t t = 0; t < config.vocabSize; ++t) {
    std::vector<double> v(kTokenDims);
    double mean = 0, norm = 0;
    for (double& x : v) x = gaussian(random), mean += x / double(kTokenDims);
    for (double& x : v) x -= mean, norm += x * x;
    for (std::size_t c = 0; c < kTokenDims; ++c) tokens[t * kModel + c] = float(v[c] * std::sqrt(32.0 / norm));
  }
  const std::vector<double> w = pick_frequencies(span);
  const double sidelobe = worst_sidelobe(w, span);
  float* positions = tensor(m, "position_embedding");
  for (std::size_t i = 0; i < span; ++i) {
    for (std::size_t f = 0; f < kFrequencies; ++f) {
      const double c = std::cos(w[f] * double(i)), s = std::sin(w[f] * double(i));
      float* group = positions + i * kModel + kPositionBase + 4 * f;
      group[0] = float(c), group[1] = float(s), group[2] = float(-c), group[3] = float(-s);
    }
  }

  // After the LayerNorm every input is the raw vector times sqrt(2). A positional query scores
  // 2·beta·sum_w cos(...) against a key, divided by sqrt(dk) in the softmax: beta sets the gap to kMargin.
  const double beta = kMargin * std::sqrt(double(kDk)) / (2 * (double(kFrequencies) - sidelobe));
  float* wq = tensor(m, "layers.0.attention.wq");  // (in, out)
  float* bq = tensor(m, "layers.0.attention.bq");
  float* wk = tensor(m, "layers.0.attention.wk");
  float* wv = tensor(m, "layers.0.attention.wv");
  for (std::size_t f = 0; f < kFrequencies; ++f) {
    const std::size_t cos_in = kPositionBase + 4 * f, sin_in = cos_in + 1;
    for (std::size_t head : {0, 1, 3}) {
      const std::size_t out = head * kDk + 2 * f;  // this frequency's (cos, sin) pair in the head
      wk[cos_in * kModel + out] = 1, wk[sin_in * kModel + out + 1] = 1;
    }
    // Heads 0 and 1: rotate the query's (cos wi, sin wi) to (cos w(i+shift), sin w(i+shift)), the key of
    // position i + shift: shift -1 is the previous token, +1 the next.
    for (auto [head, shift] : {std::pair<std::size_t, double>{0, -1.0}, {1, 1.0}}) {
      const std::size_t out = head * kDk + 2 * f;
      const double c = std::cos(w[f] * shift), s = std::sin(w[f] * shift);
      wq[cos_in * kModel + out] = float(beta * c), wq[sin_in * kModel + out] = float(-beta * s);
      wq[cos_in * kModel + out + 1] = float(beta * s), wq[sin_in * kModel + out + 1] = float(beta * c);
    }
    // Head 3: a constant query (a bias) equal to the key of position 0, where [BOS] always sits.
    bq[3 * kDk + 2 * f] = float(beta * std::sqrt(2.0));
  }
  // Head 2: query and key are the token's first 32 dims (squared norm about 16). A token scores about 2·16·beta_t
  // against a copy of itself and a random dot product against another (standard deviation about 18 % of that):
  // 60 % of the own score is set to kMargin.
  const double beta_tokens = kMargin * std::sqrt(double(kDk)) / (0.6 * 2 * 16.0);
  for (std::size_t c = 0; c < kDk; ++c) {
    wq[c * kModel + 2 * kDk + c] = float(beta_tokens);
    wk[c * kModel + 2 * kDk + c] = 1;
  }
  // Every head passes on its token's first 32 dims: "what I pass on" is the word itself. W_O and the MLP stay
  // zero, so the attention is the whole story and the residual stream leaves as it came.
  for (std::size_t head = 0; head < kHeads; ++head) {
    for (std::size_t c = 0; c < kDk; ++c) wv[c * kModel + head * kDk + c] = 1;
  }

  const std::vector<std::uint8_t> saved = save_model(lens, true);
  std::ofstream(out, std::ios::binary).write(reinterpret_cast<const char*>(saved.data()), std::streamsize(saved.size()));
  std::printf("%s: %zu bytes; positions: worst other-position score %.2f of %zu, beta %.3f\n", out.c_str(),
              saved.size(), sidelobe, kFrequencies, beta);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "make_lens_model: %s\n", e.what());
  return 1;
}
