// tokenizer.json's pipeline, as the tokenizers library (the fast tokenizers transformers uses) defines it:
//
//   text -> added tokens found in the raw text -> normalizer (each remaining piece) -> added tokens found in the
//   normalized pieces -> pre-tokenizer (splits pieces into words) -> model (words into tokens) -> post-processor
//   (offsets trimmed; the special tokens around a text)
//
// Each component is a small struct holding its options; tokenizer_json.cpp reads them from tokenizer.json, and
// tokenizer_files.cpp makes BERT's and GPT-2's from their older files. Offsets are byte offsets into the
// original UTF-8 text, through each piece's alignments (normalized_text.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "attn/text_model.hpp"
#include "attn/tokenizer.hpp"
#include "bpe.hpp"
#include "normalized_text.hpp"
#include "regex.hpp"

namespace attn::hf {

// A token found in a piece: [start, end) are bytes of the piece's current text.
struct PieceToken {
  std::int32_t id;
  std::size_t start, end;
};

// A piece of the text on its way through the pipeline; `tokens` once an added token or the model made them.
struct Split {
  NormalizedText text;
  std::optional<std::vector<PieceToken>> tokens;
};

// What Split, Replace and the pre-tokenizers look for: a literal string or a regular expression.
struct Pattern {
  std::string literal;
  std::optional<Regex> regex;
  std::vector<std::pair<std::size_t, std::size_t>> find_all(std::string_view text) const;
};

// ---- Normalizers

struct Normalizer {
  virtual ~Normalizer() = default;
  virtual void normalize(NormalizedText& text) const = 0;
};

enum class Form { kNfd, kNfkd, kNfc, kNfkc };
struct UnicodeForm final : Normalizer {
  Form form;
  explicit UnicodeForm(Form f) : form(f) {}
  void normalize(NormalizedText& text) const override;
};
struct Lowercase final : Normalizer {
  void normalize(NormalizedText& text) const override;
};
struct Strip final : Normalizer {
  bool left = true, right = true;
  void normalize(NormalizedText& text) const override;
};
struct StripAccents final : Normalizer {  // removes every mark (M: is_combining_mark, as the library has it)
  void normalize(NormalizedText& text) const override;
};
struct Replace final : Normalizer {
  Pattern pattern;
  std::string content;
  void normalize(NormalizedText& text) const override;
};
struct Prepend final : Normalizer {
  std::string prefix;
  void normalize(NormalizedText& text) const override;
};
struct BertNormalizer final : Normalizer {
  bool clean_text = true, handle_chinese_chars = true, strip_accents = true, lowercase = true;
  void normalize(NormalizedText& text) const override;
};
struct NormalizerSequence final : Normalizer {
  std::vector<std::unique_ptr<Normalizer>> steps;
  void normalize(NormalizedText& text) const override;
};

// ---- Pre-tokenizers: each splits the pieces that have no tokens yet.

struct PreTokenizer {
  virtual ~PreTokenizer() = default;
  virtual void pre_tokenize(std::vector<Split>& splits) const = 0;
  // Whether the tokens are written in byte_alphabet() (ByteLevel, alone or in a Sequence).
  virtual bool byte_level() const { return false; }
};

struct ByteLevel final : PreTokenizer {
  bool add_prefix_space = true, use_regex = true;
  void pre_tokenize(std::vector<Split>& splits) const override;
  bool byte_level() const override { return true; }
};
struct SplitPattern final : PreTokenizer {
  Pattern pattern;
  SplitBehavior behavior = SplitBehavior::kIsolated;
  bool invert = false;
  void pre_tokenize(std::vector<Split>& splits) const override;
};
enum class PrependScheme { kAlways, kFirst, kNever };
struct Metaspace final : PreTokenizer {
  char32_t replacement = U'\u2581';
  PrependScheme prepend_scheme = PrependScheme::kAlways;
  bool split = true;
  void pre_tokenize(std::vector<Split>& splits) const override;
};
struct Whitespace final : PreTokenizer {  // \w+|[^\w\s]+ (Rust's regex crate's \w), the rest dropped
  Whitespace();
  Pattern words;
  void pre_tokenize(std::vector<Split>& splits) const override;
};
struct WhitespaceSplit final : PreTokenizer {
  void pre_tokenize(std::vector<Split>& splits) const override;
};
struct Digits final : PreTokenizer {
  bool individual_digits = false;
  void pre_tokenize(std::vector<Split>& splits) const override;
};
struct Punctuation final : PreTokenizer {
  SplitBehavior behavior = SplitBehavior::kIsolated;
  void pre_tokenize(std::vector<Split>& splits) const override;
};
struct BertPreTokenizer final : PreTokenizer {
  void pre_tokenize(std::vector<Split>& splits) const override;
};
struct PreTokenizerSequence final : PreTokenizer {
  std::vector<std::unique_ptr<PreTokenizer>> steps;
  void pre_tokenize(std::vector<Split>& splits) const override;
  bool byte_level() const override {
    for (const auto& step : steps) if (step->byte_level()) return true;
    return false;
  }
};

// ---- Models: a word into tokens.

struct Vocabulary {
  std::unordered_map<std::string, std::int32_t> ids;
  std::vector<std::string> tokens;  // by id ("" for an id no token has)
  std::optional<std::int32_t> id_of(const std::string& token) const;
  void add(const std::string& token, std::int32_t id);
};

struct Model {
  virtual ~Model() = default;
  virtual void tokenize(std::string_view word, std::vector<PieceToken>& out) const = 0;
  Vocabulary vocab;
};

struct Bpe final : Model {
  MergeMap merges;
  std::optional<std::int32_t> unk;
  bool fuse_unk = false, byte_fallback = false, ignore_merges = false;
  std::string continuing_subword_prefix, end_of_word_suffix;
  // Merges by their tokens, in rank order; `source` names the file in errors about them.
  void set_merges(const std::vector<std::pair<std::string, std::string>>& pairs, const std::string& source);
  void tokenize(std::string_view word, std::vector<PieceToken>& out) const override;
};
struct WordPiece final : Model {
  std::int32_t unk = 0;
  std::string continuing_subword_prefix = "##";
  std::size_t max_input_chars_per_word = 100;
  void tokenize(std::string_view word, std::vector<PieceToken>& out) const override;
};
struct WordLevel final : Model {
  std::int32_t unk = 0;
  void tokenize(std::string_view word, std::vector<PieceToken>& out) const override;
};

// ---- Post-processors: offsets of the text's tokens, and the special tokens around it.

struct TextToken {
  Token token;
  const std::string* text;  // the token as the vocabulary writes it
};

// The original text's characters: where each starts (and, last, the text's end), for offsets counted in them.
using CharStarts = std::vector<std::size_t>;

struct PostProcessor {
  virtual ~PostProcessor() = default;
  virtual void process(std::vector<TextToken>& tokens, const CharStarts& chars) const { (void)tokens, (void)chars; }
  // Wraps the specials so far: before = mine + before, after = after + mine.
  virtual void specials(std::vector<TextModel::Special>& before, std::vector<TextModel::Special>& after) const {
    (void)before, (void)after;
  }
};
// ByteLevel's and RoBERTa's trim_offsets: a token's offsets without its leading and trailing spaces, moved by as
// many characters of the original text as the token has spaces (the library trims offsets counted in characters,
// as transformers and its node binding ask for them).
struct TrimOffsets {
  bool trim_offsets = false, add_prefix_space = false;
  void trim(std::vector<TextToken>& tokens, const CharStarts& chars) const;
};
struct ByteLevelProcessing final : PostProcessor {
  TrimOffsets trim;
  void process(std::vector<TextToken>& tokens, const CharStarts& chars) const override { trim.trim(tokens, chars); }
};
struct Template final : PostProcessor {  // TemplateProcessing's single, BertProcessing, RobertaProcessing
  std::vector<TextModel::Special> before, after;
  TrimOffsets trim;
  void process(std::vector<TextToken>& tokens, const CharStarts& chars) const override { trim.trim(tokens, chars); }
  void specials(std::vector<TextModel::Special>& b, std::vector<TextModel::Special>& a) const override;
};
struct PostProcessorSequence final : PostProcessor {
  std::vector<std::unique_ptr<PostProcessor>> steps;
  void process(std::vector<TextToken>& tokens, const CharStarts& chars) const override;
  void specials(std::vector<TextModel::Special>& before, std::vector<TextModel::Special>& after) const override;
};

// ---- Added tokens, found in the text before the model sees it.

struct AddedToken {
  std::int32_t id = 0;
  std::string content;
  bool single_word = false, lstrip = false, rstrip = false, normalized = false, special = false;
  std::string text;  // as the text holds it where it is found: `content`, normalized when it is looked for normalized
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  // Tokens with `normalized` are looked for in the normalized text, as `normalizer` writes them.
  AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer);
  // The text in pieces: added tokens (with their token) between the normalized rest.
  std::vector<Split> extract_and_normalize(std::string_view text, const Normalizer* normalizer) const;
  const std::vector<AddedToken>& tokens() const { return tokens_; }

 private:
  // Patterns matched leftmost-longest, as the library's Aho-Corasick automaton does.
  struct Patterns {
    std::unordered_map<std::string, std::size_t> token_of;  // content -> index in tokens_
    std::vector<std::size_t> lengths;                       // the distinct lengths, longest first
  };
  void split(std::vector<Split>& splits, const Patterns& patterns) const;

  std::vector<AddedToken> tokens_;
  Patterns raw_, normalized_;
};

// ---- The whole pipeline.

class Pipeline {
 public:
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<PreTokenizer> pre_tokenizer;
  std::unique_ptr<Model> model;
  std::unique_ptr<PostProcessor> post_processor;
  AddedVocabulary added;
  bool word_piece_labels = false;  // show tokens as the vocabulary writes them ("##ing"), not as their text

  std::vector<Token> encode(std::string_view text) const;
  std::optional<std::int32_t> id_of(const std::string& token) const;  // an added token's or the model's
  const std::string& token_text(std::int32_t id) const;              // "" when no token has the id
  // How a token is shown: as the vocabulary writes it (WordPiece), a special added token as its content ("<mask>",
  // not " <mask>" with the spaces it took), else "" (as the text it covers).
  std::string label(std::int32_t id) const;
  // What a token stands for on its own (a prediction): its bytes for a byte-level vocabulary (perhaps part of a
  // character) or byte fallback's <0xNN>, SentencePiece's ▁ as a space, a WordPiece or an added token as written.
  std::string piece(std::int32_t id) const;
};

// GPT-2's printable characters for the 256 bytes (byte-level BPE's alphabet).
const char32_t (&byte_alphabet())[256];

}  // namespace attn::hf
