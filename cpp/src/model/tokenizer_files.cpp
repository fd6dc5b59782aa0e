#include "tokenizer_files.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_set>

#include "attn/attention.hpp"
#include "json.hpp"
#include "unicode.hpp"

namespace attn {
namespace {

const json::Value* field(const json::Value& object, const std::string& key) {
  const auto found = object.object.find(key);
  return found == object.object.end() || found->second.type == json::Value::Type::kNull ? nullptr : &found->second;
}

bool bool_field(const json::Value& object, const std::string& key, bool fallback, const std::string& file) {
  const json::Value* v = field(object, key);
  if (!v) return fallback;
  if (v->type != json::Value::Type::kBool) throw ArgumentError(file, "\"" + key + "\" must be true or false");
  return v->boolean;
}

const std::string* file_text(const CheckpointFiles& files, const std::string& name) {
  const auto found = files.find(name);
  return found == files.end() || found->second.empty() ? nullptr : &found->second;
}

std::unordered_map<std::string, std::int32_t> vocab_object(const json::Value& v, const std::string& file, std::size_t limit) {
  if (v.type != json::Value::Type::kObject) throw ArgumentError(file, "the vocabulary must be a JSON object of token: id");
  std::unordered_map<std::string, std::int32_t> vocab;
  for (const auto& [token, id] : v.object) {
    if (id.type != json::Value::Type::kNumber || !(id.number >= 0 && id.number < double(limit)) || std::floor(id.number) != id.number) {
      throw ArgumentError(file, "token \"" + token + "\" has the id " + std::to_string(id.number) +
                                    "; ids must be integers below config.json's vocab_size, " + std::to_string(limit));
    }
    vocab[token] = std::int32_t(id.number);
  }
  return vocab;
}

// The lines of a text file (without "\r\n" or "\n"); more than `limit` of them is an error naming the file, found
// before any line is copied.
std::vector<std::string> lines_of(const std::string& text, std::size_t limit, const std::string& file, const std::string& what) {
  if (const auto count = std::size_t(std::count(text.begin(), text.end(), '\n')) + (text.empty() || text.back() == '\n' ? 0 : 1); count > limit) {
    throw ArgumentError(file, "has " + std::to_string(count) + " lines, more than " + what + ", " + std::to_string(limit));
  }
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

// The special tokens: tokenizer.json's post-processor's, or else the architecture's, looked up by their text;
// and the mask token of a masked-LM family, where the vocabulary has it.
TextTokenizer with_specials(const Architecture& arch, hf::Pipeline pipeline, const std::string& source) {
  std::vector<TextModel::Special> before, after;
  if (pipeline.post_processor) pipeline.post_processor->specials(before, after);
  if (before.empty() && after.empty()) {
    const auto special = [&](const char* label) {
      const auto id = pipeline.id_of(label);
      if (!id) throw ArgumentError(source, "the vocabulary has no token \"" + std::string(label) + "\"");
      return TextModel::Special{*id, label};
    };
    for (const char* label : arch.before) before.push_back(special(label));
    for (const char* label : arch.after) after.push_back(special(label));
  }
  const std::string mask = arch.mask && pipeline.id_of(arch.mask) ? arch.mask : "";
  return {std::move(pipeline), std::move(before), std::move(after), {}, mask};
}

// A pipeline read from vocab files gets the added tokens its converted tokenizer.json would list
// (Architecture::added), those its vocabulary has: special, looked for in the text as typed.
void add_added_tokens(const Architecture& arch, hf::Pipeline& p) {
  std::vector<hf::AddedToken> tokens;
  for (const Architecture::Added& a : arch.added) {
    const auto id = p.id_of(a.text);
    if (!id) continue;
    hf::AddedToken t;
    t.id = *id, t.content = a.text, t.lstrip = a.lstrip, t.special = true;
    tokens.push_back(std::move(t));
  }
  p.added = hf::AddedVocabulary(std::move(tokens), p.normalizer.get());
}

hf::Pipeline json_pipeline(const std::string& text, const Hyperparameters& h) {
  return read_tokenizer_json(text, h.vocab, "config.json's vocab_size");
}

// vocab.txt (+ tokenizer_config.json): the pipeline of BERT's tokenizer.json (BertNormalizer, BertPreTokenizer,
// WordPiece with "##" and [UNK]).
TextTokenizer word_piece(const Architecture& arch, const Hyperparameters& h, const CheckpointFiles& f) {
  const std::string source = "vocab.txt";
  const std::string* vocab_txt = file_text(f, source);
  if (!vocab_txt) throw ArgumentError(source, "is missing; " + h.name + " needs vocab.txt or tokenizer.json");
  const auto lines = lines_of(*vocab_txt, h.vocab, source, "config.json's vocab_size");
  auto normalizer = std::make_unique<hf::BertNormalizer>();
  // Without tokenizer_config.json, a vocabulary with no capital letters (outside [SPECIAL] tokens) is uncased.
  normalizer->lowercase = std::none_of(lines.begin(), lines.end(), [](const std::string& token) {
    return !(token.size() > 1 && token.front() == '[' && token.back() == ']') &&
           std::any_of(token.begin(), token.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  });
  normalizer->strip_accents = normalizer->lowercase;
  if (const std::string* config = file_text(f, "tokenizer_config.json")) {
    const std::string file = "tokenizer_config.json";
    const json::Value t = json::parse(*config, file);
    if (t.type != json::Value::Type::kObject) throw ArgumentError(file, "must hold a JSON object");
    normalizer->lowercase = bool_field(t, "do_lower_case", normalizer->lowercase, file);
    normalizer->handle_chinese_chars = bool_field(t, "tokenize_chinese_chars", true, file);
    normalizer->strip_accents = bool_field(t, "strip_accents", normalizer->lowercase, file);
  }
  auto model = std::make_unique<hf::WordPiece>();
  for (std::size_t i = 0; i < lines.size(); ++i) model->vocab.add(lines[i], std::int32_t(i));  // a repeated line: the later one counts, as in transformers
  const auto unk = model->vocab.id_of("[UNK]");
  if (!unk) throw ArgumentError(source, "the vocabulary has no token \"[UNK]\"");
  model->unk = *unk;
  hf::Pipeline p;
  p.normalizer = std::move(normalizer);
  p.pre_tokenizer = std::make_unique<hf::BertPreTokenizer>();
  p.model = std::move(model);
  p.word_piece_labels = true;
  add_added_tokens(arch, p);
  return with_specials(arch, std::move(p), source);
}

// vocab.json + merges.txt: the pipeline of GPT-2's tokenizer.json (ByteLevel with GPT-2's regex, BPE; for RoBERTa
// with its offsets trimmed). Each merge must join bytes or tokens of earlier merges, as GPT-2's training made them.
TextTokenizer byte_level(const Architecture& arch, const Hyperparameters& h, const CheckpointFiles& f) {
  const std::string *vocab_json = file_text(f, "vocab.json"), *merges_txt = file_text(f, "merges.txt");
  if (!vocab_json) throw ArgumentError("vocab.json", "is missing; " + h.name + " needs vocab.json and merges.txt, or tokenizer.json");
  if (!merges_txt) throw ArgumentError("merges.txt", "is missing; " + h.name + " needs vocab.json and merges.txt, or tokenizer.json");
  auto model = std::make_unique<hf::Bpe>();
  for (const auto& [token, id] : vocab_object(json::parse(*vocab_json, "vocab.json"), "vocab.json", h.vocab)) model->vocab.add(token, id);
  std::unordered_set<std::string> made;  // the bytes and what the merges so far made
  std::string text;
  for (const char32_t c : hf::byte_alphabet()) {
    text.clear();
    unicode::append_utf8(c, text);
    if (!model->vocab.id_of(text)) throw ArgumentError("vocab.json", "the vocabulary has no token \"" + text + "\"");
    made.insert(text);
  }
  const std::string source = "merges.txt";
  // Each merge makes one token of the vocabulary, besides the 256 bytes.
  const std::size_t most_merges = h.vocab > 256 ? h.vocab - 256 : 0;
  const auto lines = lines_of(*merges_txt, most_merges + 1, source, "config.json's vocab_size less the 256 bytes and a #version line");
  std::vector<std::pair<std::string, std::string>> merges;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty() || (i == 0 && line.rfind("#version", 0) == 0)) continue;
    const std::size_t space = line.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 >= line.size() || line.find(' ', space + 1) != std::string::npos) {
      throw ArgumentError(source, "merge " + std::to_string(i + 1) + " (\"" + line + "\") is not two tokens separated by one space");
    }
    const std::string a = line.substr(0, space), b = line.substr(space + 1);
    for (const std::string& part : {a, b}) {
      if (!made.count(part)) {
        throw ArgumentError(source, "merge " + std::to_string(i + 1) + " (\"" + line + "\"): \"" + part + "\" is not a byte or the result of an earlier merge");
      }
    }
    made.insert(a + b);
    merges.emplace_back(a, b);
  }
  model->set_merges(merges, source);
  hf::Pipeline p;
  auto pre = std::make_unique<hf::ByteLevel>();
  pre->add_prefix_space = false;
  p.pre_tokenizer = std::move(pre);
  p.model = std::move(model);
  // RobertaTokenizerFast's post-processor trims the spaces off its tokens' offsets; GPT2TokenizerFast's does not.
  if (std::string_view(arch.model_type) == "roberta") {
    auto trim = std::make_unique<hf::ByteLevelProcessing>();
    trim->trim.trim_offsets = true;
    p.post_processor = std::move(trim);
  }
  add_added_tokens(arch, p);
  return with_specials(arch, std::move(p), source);
}

}  // namespace

TextTokenizer read_tokenizer(const Architecture& arch, const Hyperparameters& h, const CheckpointFiles& files) {
  if (arch.tokenization == Tokenization::kBuiltinBpe) {
    throw ArgumentError("tokenizer", "the built-in models carry their tokenizer in their own file");
  }
  if (const std::string* text = file_text(files, "tokenizer.json")) return with_specials(arch, json_pipeline(*text, h), "tokenizer.json");
  switch (arch.tokenization) {
    case Tokenization::kWordPiece: return word_piece(arch, h, files);
    case Tokenization::kByteLevelBpe: return byte_level(arch, h, files);
    case Tokenization::kTokenizerJson: break;
    case Tokenization::kBuiltinBpe: break;
  }
  throw ArgumentError("tokenizer.json", "is missing; " + h.name + " needs tokenizer.json");
}

TextTokenizer read_tokenizer_json_only(const CheckpointFiles& files) {
  const std::string* text = file_text(files, "tokenizer.json");
  if (!text) throw ArgumentError("tokenizer.json", "is missing; without config.json, a tokenizer is read from tokenizer.json");
  hf::Pipeline p = read_tokenizer_json(*text, kMaxElements, "the largest vocabulary");
  std::vector<TextModel::Special> before, after;
  if (p.post_processor) p.post_processor->specials(before, after);
  return {std::move(p), std::move(before), std::move(after), {}};
}

std::vector<Token> TextTokenizer::tokenize(std::string_view text) const {
  if (const auto* pipeline = std::get_if<hf::Pipeline>(&tokenizer)) return pipeline->encode(text);
  // The built-in models: their named tokens typed in the text ("the [MASK] sat") are those tokens, each taking the
  // whitespace before it (as RoBERTa's <mask> does: the model was trained with a mask in place of " cat"); BPE
  // between them.
  const auto& bpe = std::get<BpeTokenizer>(tokenizer);
  std::vector<Token> out;
  for (std::size_t from = 0;;) {
    std::size_t at = std::string_view::npos;
    const TextModel::Special* found = nullptr;
    for (const TextModel::Special& s : named) {
      const std::size_t p = text.find(s.label, from);
      if (p < at) at = p, found = &s;
    }
    std::size_t end = found ? at : text.size();
    if (found) while (end > from && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
    auto pieces = pretokenize(text.substr(from, end - from));
    for (auto& [a, b] : pieces) a += from, b += from;
    const auto part = bpe.encode(text, pieces);
    out.insert(out.end(), part.begin(), part.end());
    if (!found) return out;
    out.push_back({found->id, end, at + found->label.size()});
    from = at + found->label.size();
  }
}

std::string TextTokenizer::label(std::int32_t id) const {
  for (const TextModel::Special& s : named) if (s.id == id) return s.label;
  const auto* pipeline = std::get_if<hf::Pipeline>(&tokenizer);
  return pipeline ? pipeline->label(id) : std::string();
}

std::string TextTokenizer::piece(std::int32_t id) const {
  for (const TextModel::Special& s : named) if (s.id == id) return s.label;
  if (const auto* bpe = std::get_if<BpeTokenizer>(&tokenizer)) return std::size_t(id) < bpe->vocab_size() ? bpe->token_bytes(id) : std::string();
  return std::get<hf::Pipeline>(tokenizer).piece(id);
}

}  // namespace attn
