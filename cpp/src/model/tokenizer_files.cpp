#include "tokenizer_files.hpp"

#include <algorithm>
#include <cmath>

#include "attn/attention.hpp"
#include "json.hpp"

namespace attn {
namespace {

const json::Value* field(const json::Value& object, const std::string& key) {
  const auto found = object.object.find(key);
  return found == object.object.end() || found->second.type == json::Value::Type::kNull ? nullptr : &found->second;
}

std::string string_field(const json::Value& object, const std::string& key, const std::string& fallback, const std::string& file) {
  const json::Value* v = field(object, key);
  if (!v) return fallback;
  if (v->type != json::Value::Type::kString) throw ArgumentError(file, "\"" + key + "\" must be a string");
  return v->string;
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

// tokenizer.json, checked to describe a `type` model ("WordPiece" or "BPE") in its "model" object.
json::Value tokenizer_json(const std::string& text, const std::string& type, const Hyperparameters& h) {
  const std::string file = "tokenizer.json";
  json::Value t = json::parse(text, file);
  const json::Value* model = t.type == json::Value::Type::kObject ? field(t, "model") : nullptr;
  if (!model || model->type != json::Value::Type::kObject || string_field(*model, "type", "", file) != type) {
    throw ArgumentError(file, "must describe a " + type + " model for " + h.name);
  }
  return t;
}

template <class T>
TextTokenizer with_specials(const Architecture& arch, T tokenizer, const std::string& source) {
  TextTokenizer out{std::move(tokenizer), {}, {}};
  const T& t = std::get<T>(out.tokenizer);
  for (const char* label : arch.before) out.before.push_back({t.id_of(label, source), label});
  for (const char* label : arch.after) out.after.push_back({t.id_of(label, source), label});
  return out;
}

TextTokenizer word_piece(const Architecture& arch, const Hyperparameters& h, const CheckpointFiles& f) {
  WordPieceOptions options;
  std::unordered_map<std::string, std::int32_t> vocab;
  std::string source;
  if (const std::string* text = file_text(f, "tokenizer.json")) {
    source = "tokenizer.json";
    const json::Value t = tokenizer_json(*text, "WordPiece", h);
    const json::Value& model = t.object.at("model");
    if (string_field(model, "continuing_subword_prefix", "##", source) != "##" || string_field(model, "unk_token", "[UNK]", source) != "[UNK]") {
      throw ArgumentError(source, "WordPiece must use \"##\" and \"[UNK]\", as BERT does");
    }
    vocab = vocab_object(model.at("vocab", source), source, h.vocab);
    if (const json::Value* n = field(t, "normalizer"); n && n->type == json::Value::Type::kObject) {
      options.lowercase = bool_field(*n, "lowercase", true, source);
      options.strip_accents = bool_field(*n, "strip_accents", options.lowercase, source);
      options.chinese_chars = bool_field(*n, "handle_chinese_chars", true, source);
      options.clean_text = bool_field(*n, "clean_text", true, source);
    }
  } else {
    source = "vocab.txt";
    const std::string* vocab_txt = file_text(f, source);
    if (!vocab_txt) throw ArgumentError(source, "is missing; " + h.name + " needs vocab.txt or tokenizer.json");
    const auto lines = lines_of(*vocab_txt, h.vocab, source, "config.json's vocab_size");
    for (std::size_t i = 0; i < lines.size(); ++i) vocab[lines[i]] = std::int32_t(i);  // a repeated line: the later one counts, as in transformers
    // Without tokenizer_config.json, a vocabulary with no capital letters (outside [SPECIAL] tokens) is uncased.
    options.lowercase = std::none_of(lines.begin(), lines.end(), [](const std::string& token) {
      return !(token.size() > 1 && token.front() == '[' && token.back() == ']') &&
             std::any_of(token.begin(), token.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    });
    if (const std::string* config = file_text(f, "tokenizer_config.json")) {
      const std::string file = "tokenizer_config.json";
      const json::Value t = json::parse(*config, file);
      if (t.type != json::Value::Type::kObject) throw ArgumentError(file, "must hold a JSON object");
      options.lowercase = bool_field(t, "do_lower_case", options.lowercase, file);
      options.chinese_chars = bool_field(t, "tokenize_chinese_chars", true, file);
      options.strip_accents = bool_field(t, "strip_accents", options.lowercase, file);
    } else {
      options.strip_accents = options.lowercase;
    }
  }
  return with_specials(arch, WordPieceTokenizer(std::move(vocab), options, source), source);
}

TextTokenizer byte_level(const Architecture& arch, const Hyperparameters& h, const CheckpointFiles& f) {
  std::vector<std::pair<std::string, std::int32_t>> vocab;
  std::vector<std::pair<std::string, std::string>> merges;
  std::string source;
  // Each merge makes one token of the vocabulary, besides the 256 bytes.
  const std::size_t most_merges = h.vocab > 256 ? h.vocab - 256 : 0;
  const std::string most = "config.json's vocab_size less the 256 bytes";
  auto split_merge = [&](const std::string& line, std::size_t number) {
    const std::size_t space = line.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 >= line.size() || line.find(' ', space + 1) != std::string::npos) {
      throw ArgumentError(source, "merge " + std::to_string(number) + " (\"" + line + "\") is not two tokens separated by one space");
    }
    merges.emplace_back(line.substr(0, space), line.substr(space + 1));
  };
  if (const std::string* text = file_text(f, "tokenizer.json")) {
    source = "tokenizer.json";
    const json::Value t = tokenizer_json(*text, "BPE", h);
    const json::Value& model = t.object.at("model");
    for (const auto& [token, id] : vocab_object(model.at("vocab", source), source, h.vocab)) vocab.emplace_back(token, id);
    const json::Value& list = model.at("merges", source);
    if (list.type != json::Value::Type::kArray) throw ArgumentError(source, "\"merges\" must be an array");
    if (list.array.size() > most_merges) {
      throw ArgumentError(source, "has " + std::to_string(list.array.size()) + " merges, more than " + most + ", " + std::to_string(most_merges));
    }
    for (std::size_t i = 0; i < list.array.size(); ++i) {
      const json::Value& m = list.array[i];
      if (m.type == json::Value::Type::kString) {
        split_merge(m.string, i + 1);
      } else if (m.type == json::Value::Type::kArray && m.array.size() == 2 && m.array[0].type == json::Value::Type::kString &&
                 m.array[1].type == json::Value::Type::kString) {
        merges.emplace_back(m.array[0].string, m.array[1].string);
      } else {
        throw ArgumentError(source, "merge " + std::to_string(i + 1) + " is neither \"a b\" nor [\"a\", \"b\"]");
      }
    }
  } else {
    const std::string *vocab_json = file_text(f, "vocab.json"), *merges_txt = file_text(f, "merges.txt");
    if (!vocab_json) throw ArgumentError("vocab.json", "is missing; " + h.name + " needs vocab.json and merges.txt, or tokenizer.json");
    if (!merges_txt) throw ArgumentError("merges.txt", "is missing; " + h.name + " needs vocab.json and merges.txt, or tokenizer.json");
    source = "vocab.json";
    for (const auto& [token, id] : vocab_object(json::parse(*vocab_json, source), source, h.vocab)) vocab.emplace_back(token, id);
    source = "merges.txt";
    const auto lines = lines_of(*merges_txt, most_merges + 1, source, most + " and a #version line");
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].empty() || (i == 0 && lines[i].rfind("#version", 0) == 0)) continue;
      split_merge(lines[i], i + 1);
    }
  }
  return with_specials(arch, ByteLevelBpe(vocab, merges, source), source);
}

}  // namespace

TextTokenizer read_tokenizer(const Architecture& arch, const Hyperparameters& h, const CheckpointFiles& files) {
  switch (arch.tokenization) {
    case Tokenization::kWordPiece: return word_piece(arch, h, files);
    case Tokenization::kByteLevelBpe:
    case Tokenization::kTokenizerJson: return byte_level(arch, h, files);
    case Tokenization::kBuiltinBpe: break;
  }
  throw ArgumentError("tokenizer", "the built-in models carry their tokenizer in their own file");
}

}  // namespace attn
