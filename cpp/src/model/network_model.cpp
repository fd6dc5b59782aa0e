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
    config_.scale = h.attention_scale > 0 ? h.attention_scale : 1.0 / std::sqrt(double(h.head_dim));
    config_.softcap = h.attention_softcap;
    for (std::size_t l = 0; l < h.layers; ++l) config_.windows.push_back(!h.sliding_layers.empty() && h.sliding_layers[l] ? h.sliding_window : 0);
  }

  const ModelConfig& config() const override { return config_; }
  std::vector<Token> tokenize(std::string_view text) const override {
    return std::visit([&](const auto& t) { return t.encode(text); }, t_.tokenizer);
  }
  std::string label(std::int32_t id) const override {
    const auto* word_piece = std::get_if<WordPieceTokenizer>(&t_.tokenizer);
    return word_piece ? word_piece->text_of(id) : "";
  }
  std::string piece(std::int32_t id) const override {
    for (const Special& s : t_.named) if (s.id == id) return s.label;
    return std::visit([&](const auto& t) -> std::string {
      using T = std::decay_t<decltype(t)>;
      if constexpr (std::is_same_v<T, BpeTokenizer>) return std::size_t(id) < t.vocab_size() ? t.token_bytes(id) : std::string();
      else if constexpr (std::is_same_v<T, WordPieceTokenizer>) return t.text_of(id);
      else return t.piece(id);
    }, t_.tokenizer);
  }
  std::vector<Special> before() const override { return t_.before; }
  std::vector<Special> after() const override { return t_.after; }
  ModelOutput run(const std::vector<std::int32_t>& ids, const RunOptions& options) const override {
    if (!options.reuse) cache_ = {};
    return attn::run(net_, ids, options, &cache_);
  }

 private:
  Network net_;
  TextTokenizer t_;
  ModelConfig config_;
  mutable PrefixCache cache_;  // a causal model's last run, for the next one's shared prefix
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

Encoding TextModel::encode(std::string_view text, const EncodeOptions& options) const {
  if (text.size() > kMaxTextBytes) {
    throw ArgumentError("text", "is " + std::to_string(text.size()) + " bytes of UTF-8, more than the limit of " + std::to_string(kMaxTextBytes));
  }
  auto tokens = tokenize(text);
  Encoding e;
  e.text_tokens = tokens.size();
  const auto specials_before = options.specials ? before() : std::vector<Special>{};
  const auto specials_after = options.specials ? after() : std::vector<Special>{};
  if (options.specials) {
    const std::size_t specials = specials_before.size() + specials_after.size();
    const std::size_t room = config().maxLength - std::min(config().maxLength, specials);
    if (tokens.size() > room && !options.truncate) {
      throw ArgumentError("text", std::to_string(tokens.size()) + " tokens and " + std::to_string(specials) +
                                      (specials == 1 ? " special token" : " special tokens") + " exceed this model's maxLength of " +
                                      std::to_string(config().maxLength) + "; shorten it or pass { truncate: true }");
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
  for (const Token& t : tokens) add(t.id, at[t.start], at[t.end], false, label(t.id));
  for (const Special& s : specials_after) add(s.id, 0, 0, true, s.label);
  return e;
}

std::vector<std::int32_t> TextModel::default_targets(const Encoding& e) const {
  std::vector<std::int32_t> targets(e.ids.size(), -1);
  for (std::size_t i = 0; i < e.ids.size(); ++i) {
    if (config().causal) targets[i] = i + 1 < e.ids.size() ? e.ids[i + 1] : -1;
    else targets[i] = e.special[i] ? -1 : e.ids[i];
  }
  return targets;
}

}  // namespace attn
