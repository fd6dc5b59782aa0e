#include "network_model.hpp"

#include <algorithm>
#include <cmath>

#include "attn/attention.hpp"
#include "unicode.hpp"

namespace attn {
namespace {

class NetworkModel final : public TextModel {
 public:
  NetworkModel(Network net, TextTokenizer t) : net_(std::move(net)), t_(std::move(t)) {
    const Hyperparameters& h = net_.hyper;
    config_.name = h.name;
    config_.vocabSize = h.vocab, config_.dModel = h.d, config_.heads = h.heads, config_.layers = h.layers;
    config_.dFF = h.dff, config_.maxLength = h.max_length, config_.causal = h.causal;
    config_.family = net_.arch->model_type, config_.kvHeads = h.kv_heads, config_.headDim = h.head_dim;
    config_.rotary = net_.arch->positions == Positions::kRotary;
    config_.canPredict = net_.cannot_predict.empty();
    if (!h.causal) config_.maskToken = t_.mask;
    config_.scale = h.attention_scale > 0 ? h.attention_scale : 1.0 / std::sqrt(double(h.head_dim));
    config_.softcap = h.attention_softcap;
    for (std::size_t l = 0; l < h.layers; ++l) config_.windows.push_back(!h.sliding_layers.empty() && h.sliding_layers[l] ? h.sliding_window : 0);
  }

  const ModelConfig& config() const override { return config_; }
  std::vector<Token> tokenize(std::string_view text) const override { return t_.tokenize(text); }
  std::string label(std::int32_t id) const override { return t_.label(id); }
  std::string piece(std::int32_t id) const override { return t_.piece(id); }
  std::vector<Special> before() const override { return t_.before; }
  std::vector<Special> after() const override { return t_.after; }
  ModelOutput run(const std::vector<std::int32_t>& ids, const RunOptions& options) const override {
    if (!options.reuse) cache_ = {};
    try {
      return attn::run(net_, ids, options, &cache_);
    } catch (...) {  // a run that failed part-way (out of memory) leaves layers of another text in the cache
      cache_ = {};
      throw;
    }
  }

 private:
  Network net_;
  TextTokenizer t_;
  ModelConfig config_;
  mutable PrefixCache cache_;  // a causal model's last run, for the next one's shared prefix
};

class TokenizerReader final : public TextReader {
 public:
  explicit TokenizerReader(TextTokenizer t) : t_(std::move(t)) {}
  std::vector<Token> tokenize(std::string_view text) const override { return t_.tokenize(text); }
  std::string label(std::int32_t id) const override { return t_.label(id); }
  std::string piece(std::int32_t id) const override { return t_.piece(id); }
  std::vector<Special> before() const override { return t_.before; }
  std::vector<Special> after() const override { return t_.after; }

 private:
  TextTokenizer t_;
};

// The UTF-16 position of every byte offset of a UTF-8 text: a character outside the BMP counts two units, any
// other (an invalid byte included, which reads as U+FFFD) one; an offset inside a character is that character's end.
std::vector<std::int32_t> utf16_positions(std::string_view text) {
  const auto decoded = unicode::decode_utf8(text);
  std::vector<std::int32_t> at(text.size() + 1);
  std::int32_t units = 0;
  for (std::size_t i = 0; i < decoded.chars.size(); ++i) {
    const std::int32_t width = decoded.chars[i] > 0xFFFF ? 2 : 1;
    at[decoded.starts[i]] = units;
    for (std::size_t b = decoded.starts[i] + 1; b < decoded.starts[i + 1]; ++b) at[b] = units + width;
    units += width;
  }
  at[text.size()] = units;
  return at;
}

}  // namespace

std::unique_ptr<TextModel> make_text_model(Network net, TextTokenizer tokenizer) {
  return std::make_unique<NetworkModel>(std::move(net), std::move(tokenizer));
}

std::unique_ptr<TextReader> make_text_reader(TextTokenizer tokenizer) {
  return std::make_unique<TokenizerReader>(std::move(tokenizer));
}

Encoding TextReader::encode(std::string_view text, const EncodeOptions& options, std::size_t max_length) const {
  if (text.size() > kMaxTextBytes) {
    throw ArgumentError("text", "is " + std::to_string(text.size()) + " bytes of UTF-8, more than the limit of " + std::to_string(kMaxTextBytes));
  }
  auto tokens = tokenize(text);
  Encoding e;
  e.text_tokens = tokens.size();
  const auto specials_before = options.specials ? before() : std::vector<Special>{};
  const auto specials_after = options.specials ? after() : std::vector<Special>{};
  if (options.specials && max_length > 0) {
    const std::size_t specials = specials_before.size() + specials_after.size();
    const std::size_t room = max_length - std::min(max_length, specials);
    if (tokens.size() > room && !options.truncate) {
      throw ArgumentError("text", std::to_string(tokens.size()) + " tokens and " + std::to_string(specials) +
                                      (specials == 1 ? " special token" : " special tokens") + " exceed this model's maxLength of " +
                                      std::to_string(max_length) + "; shorten it or pass { truncate: true }");
    }
    e.truncated = tokens.size() > room;
    if (e.truncated) tokens.resize(room);
  }
  const auto at = utf16_positions(text);
  const auto add = [&](std::int32_t id, std::int32_t start, std::int32_t end, bool special, std::string label) {
    e.ids.push_back(id), e.offsets.push_back(start), e.offsets.push_back(end), e.special.push_back(special);
    e.labels.push_back(std::move(label));
  };
  for (const Special& s : specials_before) add(s.id, 0, 0, true, s.label);
  std::int32_t shown = 0;  // the characters before this are in earlier tokens
  for (const Token& t : tokens) {
    const std::int32_t start = std::max(at[std::min(t.start, text.size())], shown);
    const std::int32_t end = std::max(at[std::min(t.end, text.size())], start);
    add(t.id, start, end, false, label(t.id));
    shown = end;
  }
  for (const Special& s : specials_after) add(s.id, 0, 0, true, s.label);
  return e;
}

// (A masked LM's mask tokens have no target: the word they hide is not in the text.)
std::vector<std::int32_t> TextModel::default_targets(const Encoding& e) const {
  std::vector<std::int32_t> targets(e.ids.size(), -1);
  for (std::size_t i = 0; i < e.ids.size(); ++i) {
    if (config().causal) targets[i] = i + 1 < e.ids.size() ? e.ids[i + 1] : -1;
    else targets[i] = e.special[i] || (!config().maskToken.empty() && e.labels[i] == config().maskToken) ? -1 : e.ids[i];
  }
  return targets;
}

}  // namespace attn
