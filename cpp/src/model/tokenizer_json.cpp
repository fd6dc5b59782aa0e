// tokenizer.json into the pipeline (hf_tokenizers.hpp), component by component, with the tokenizers library's
// defaults for absent fields. Anything this playground does not run is refused by name:
//   tokenizer.json: pre_tokenizer.type "CharDelimiterSplit" is not supported; …
#include <algorithm>
#include <cmath>

#include "attn/attention.hpp"
#include "hf_tokenizers.hpp"
#include "json.hpp"
#include "tokenizer_files.hpp"
#include "unicode.hpp"

namespace attn {
namespace {

using json::Value;
const std::string kFile = "tokenizer.json";

const Value* field(const Value& object, const std::string& key) {
  const auto found = object.object.find(key);
  return found == object.object.end() || found->second.type == Value::Type::kNull ? nullptr : &found->second;
}

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw ArgumentError(kFile, path + " " + what); }

const Value& object_at(const Value& v, const std::string& path) {
  if (v.type != Value::Type::kObject) fail(path, "must be a JSON object");
  return v;
}
std::string text_of(const Value& object, const std::string& key, const std::string& path, const std::string& fallback) {
  const Value* v = field(object, key);
  if (!v) return fallback;
  if (v->type != Value::Type::kString) fail(path + "." + key, "must be a string");
  return v->string;
}
bool flag_of(const Value& object, const std::string& key, const std::string& path, bool fallback) {
  const Value* v = field(object, key);
  if (!v) return fallback;
  if (v->type != Value::Type::kBool) fail(path + "." + key, "must be true or false");
  return v->boolean;
}
const std::vector<Value>& list_of(const Value& object, const std::string& key, const std::string& path) {
  const Value* v = field(object, key);
  if (!v || v->type != Value::Type::kArray) fail(path + "." + key, "must be an array");
  return v->array;
}
std::int32_t id_value(const Value& v, const std::string& path, std::size_t limit, const std::string& limit_what) {
  if (v.type != Value::Type::kNumber || !(v.number >= 0 && v.number < double(limit)) || std::floor(v.number) != v.number) {
    fail(path, "is " + (v.type == Value::Type::kNumber ? std::to_string(v.number) : std::string("not a number")) +
                   "; ids must be integers below " + limit_what + ", " + std::to_string(limit));
  }
  return std::int32_t(v.number);
}

// A Sequence's steps, each read by `parse` with its path ("normalizer.normalizers[1]").
template <class Step, class Parse>
std::vector<std::unique_ptr<Step>> steps_of(const Value& v, const std::string& key, const std::string& path, Parse parse) {
  std::vector<std::unique_ptr<Step>> steps;
  const auto& list = list_of(v, key, path);
  for (std::size_t i = 0; i < list.size(); ++i) steps.push_back(parse(list[i], path + "." + key + "[" + std::to_string(i) + "]"));
  return steps;
}

[[noreturn]] void unsupported(const std::string& path, const std::string& type, const char* supported) {
  fail(path + ".type", "\"" + type + "\" is not supported; this playground reads " + supported);
}

hf::Pattern pattern_of(const Value& object, const std::string& path) {
  const Value* p = field(object, "pattern");
  if (!p || p->type != Value::Type::kObject) fail(path + ".pattern", "must be {\"String\": …} or {\"Regex\": …}");
  hf::Pattern pattern;
  if (const Value* s = field(*p, "String"); s && s->type == Value::Type::kString) {
    if (s->string.empty()) fail(path + ".pattern.String", "must not be empty");
    pattern.literal = s->string;
  } else if (const Value* r = field(*p, "Regex"); r && r->type == Value::Type::kString) {
    pattern.regex.emplace(r->string, kFile + ": " + path + ".pattern.Regex");
  } else {
    fail(path + ".pattern", "must be {\"String\": …} or {\"Regex\": …}");
  }
  return pattern;
}

SplitBehavior behavior_of(const Value& object, const std::string& path, SplitBehavior fallback) {
  const Value* v = field(object, "behavior");
  if (!v) return fallback;
  const std::pair<const char*, SplitBehavior> names[] = {
      {"Removed", SplitBehavior::kRemoved}, {"Isolated", SplitBehavior::kIsolated},
      {"MergedWithPrevious", SplitBehavior::kMergedWithPrevious}, {"MergedWithNext", SplitBehavior::kMergedWithNext},
      {"Contiguous", SplitBehavior::kContiguous}};
  for (const auto& [name, behavior] : names) if (v->type == Value::Type::kString && v->string == name) return behavior;
  fail(path + ".behavior", "must be Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous");
}

std::unique_ptr<hf::Normalizer> normalizer_of(const Value& v, const std::string& path) {
  object_at(v, path);
  const std::string type = text_of(v, "type", path, "");
  if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD") {
    return std::make_unique<hf::UnicodeForm>(type == "NFC" ? hf::Form::kNfc : type == "NFD" ? hf::Form::kNfd : type == "NFKC" ? hf::Form::kNfkc : hf::Form::kNfkd);
  }
  if (type == "Lowercase") return std::make_unique<hf::Lowercase>();
  if (type == "StripAccents") return std::make_unique<hf::StripAccents>();
  if (type == "Strip") {
    auto n = std::make_unique<hf::Strip>();
    n->left = flag_of(v, "strip_left", path, true), n->right = flag_of(v, "strip_right", path, true);
    return n;
  }
  if (type == "Replace") {
    auto n = std::make_unique<hf::Replace>();
    n->pattern = pattern_of(v, path);
    n->content = text_of(v, "content", path, "");
    return n;
  }
  if (type == "Prepend") {
    auto n = std::make_unique<hf::Prepend>();
    n->prefix = text_of(v, "prepend", path, "");
    return n;
  }
  if (type == "BertNormalizer") {
    auto n = std::make_unique<hf::BertNormalizer>();
    n->clean_text = flag_of(v, "clean_text", path, true);
    n->handle_chinese_chars = flag_of(v, "handle_chinese_chars", path, true);
    n->lowercase = flag_of(v, "lowercase", path, true);
    n->strip_accents = flag_of(v, "strip_accents", path, n->lowercase);  // null: as lowercase
    return n;
  }
  if (type == "Sequence") {
    auto n = std::make_unique<hf::NormalizerSequence>();
    n->steps = steps_of<hf::Normalizer>(v, "normalizers", path, normalizer_of);
    return n;
  }
  unsupported(path, type, "NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend, BertNormalizer and Sequence");
}

std::unique_ptr<hf::PreTokenizer> pre_tokenizer_of(const Value& v, const std::string& path) {
  object_at(v, path);
  const std::string type = text_of(v, "type", path, "");
  if (type == "ByteLevel") {
    auto p = std::make_unique<hf::ByteLevel>();
    p->add_prefix_space = flag_of(v, "add_prefix_space", path, true), p->use_regex = flag_of(v, "use_regex", path, true);
    return p;
  }
  if (type == "Split") {
    auto p = std::make_unique<hf::SplitPattern>();
    p->pattern = pattern_of(v, path);
    p->behavior = behavior_of(v, path, SplitBehavior::kIsolated);
    p->invert = flag_of(v, "invert", path, false);
    return p;
  }
  if (type == "Metaspace") {
    auto p = std::make_unique<hf::Metaspace>();
    const auto chars = unicode::decode_utf8(text_of(v, "replacement", path, "\u2581")).chars;
    if (chars.size() != 1) fail(path + ".replacement", "must be one character");
    p->replacement = chars[0];
    // Files from before prepend_scheme say add_prefix_space instead.
    const std::string scheme = text_of(v, "prepend_scheme", path, flag_of(v, "add_prefix_space", path, true) ? "always" : "never");
    if (scheme == "always") p->prepend_scheme = hf::PrependScheme::kAlways;
    else if (scheme == "first") p->prepend_scheme = hf::PrependScheme::kFirst;
    else if (scheme == "never") p->prepend_scheme = hf::PrependScheme::kNever;
    else fail(path + ".prepend_scheme", "must be \"always\", \"first\" or \"never\"");
    p->split = flag_of(v, "split", path, true);
    return p;
  }
  if (type == "Whitespace") return std::make_unique<hf::Whitespace>();
  if (type == "WhitespaceSplit") return std::make_unique<hf::WhitespaceSplit>();
  if (type == "BertPreTokenizer") return std::make_unique<hf::BertPreTokenizer>();
  if (type == "Digits") {
    auto p = std::make_unique<hf::Digits>();
    p->individual_digits = flag_of(v, "individual_digits", path, false);
    return p;
  }
  if (type == "Punctuation") {
    auto p = std::make_unique<hf::Punctuation>();
    p->behavior = behavior_of(v, path, SplitBehavior::kIsolated);
    return p;
  }
  if (type == "Sequence") {
    auto p = std::make_unique<hf::PreTokenizerSequence>();
    p->steps = steps_of<hf::PreTokenizer>(v, "pretokenizers", path, pre_tokenizer_of);
    return p;
  }
  unsupported(path, type, "ByteLevel, Split, Metaspace, Whitespace, WhitespaceSplit, Digits, Punctuation, BertPreTokenizer and Sequence");
}

void vocabulary_of(const Value& model, hf::Model& m, std::size_t limit, const std::string& limit_what) {
  const Value* vocab = field(model, "vocab");
  if (!vocab || vocab->type != Value::Type::kObject) fail("model.vocab", "must be a JSON object of token: id");
  for (const auto& [token, id] : vocab->object) m.vocab.add(token, id_value(id, "model.vocab[\"" + token + "\"]", limit, limit_what));
}

std::int32_t unk_of(const Value& model, const hf::Model& m, const std::string& fallback) {
  const std::string unk = text_of(model, "unk_token", "model", fallback);
  const auto id = m.vocab.id_of(unk);
  if (!id) fail("model.unk_token", "\"" + unk + "\" is not in the vocabulary");
  return *id;
}

std::unique_ptr<hf::Model> model_of(const Value& v, std::size_t limit, const std::string& limit_what) {
  object_at(v, "model");
  std::string type = text_of(v, "type", "model", "");
  if (type.empty()) type = field(v, "merges") ? "BPE" : field(v, "max_input_chars_per_word") ? "WordPiece" : "";  // untagged, as older files are
  if (type == "BPE") {
    auto m = std::make_unique<hf::Bpe>();
    vocabulary_of(v, *m, limit, limit_what);
    if (const Value* dropout = field(v, "dropout"); dropout && !(dropout->type == Value::Type::kNumber && dropout->number == 0)) {
      fail("model.dropout", "must be null or 0; BPE dropout is random, and this playground tokenizes the same text the same way");
    }
    if (field(v, "unk_token")) m->unk = unk_of(v, *m, "");
    m->fuse_unk = flag_of(v, "fuse_unk", "model", false);
    m->byte_fallback = flag_of(v, "byte_fallback", "model", false);
    m->ignore_merges = flag_of(v, "ignore_merges", "model", false);
    m->continuing_subword_prefix = text_of(v, "continuing_subword_prefix", "model", "");
    m->end_of_word_suffix = text_of(v, "end_of_word_suffix", "model", "");
    const auto& list = list_of(v, "merges", "model");
    std::vector<std::pair<std::string, std::string>> merges;
    merges.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Value& x = list[i];
      const std::string at = "model.merges[" + std::to_string(i) + "]";
      if (x.type == Value::Type::kString) {
        const std::size_t space = x.string.find(' ');
        if (space == std::string::npos || x.string.find(' ', space + 1) != std::string::npos) fail(at, "must be two tokens separated by one space");
        merges.emplace_back(x.string.substr(0, space), x.string.substr(space + 1));
      } else if (x.type == Value::Type::kArray && x.array.size() == 2 && x.array[0].type == Value::Type::kString && x.array[1].type == Value::Type::kString) {
        merges.emplace_back(x.array[0].string, x.array[1].string);
      } else {
        fail(at, "must be \"a b\" or [\"a\", \"b\"]");
      }
    }
    m->set_merges(merges, kFile);
    return m;
  }
  if (type == "WordPiece") {
    auto m = std::make_unique<hf::WordPiece>();
    vocabulary_of(v, *m, limit, limit_what);
    m->unk = unk_of(v, *m, "[UNK]");
    m->continuing_subword_prefix = text_of(v, "continuing_subword_prefix", "model", "##");
    if (const Value* most = field(v, "max_input_chars_per_word")) m->max_input_chars_per_word = most->as_size(kFile + ": model.max_input_chars_per_word", kMaxElements);
    return m;
  }
  if (type == "WordLevel") {
    auto m = std::make_unique<hf::WordLevel>();
    vocabulary_of(v, *m, limit, limit_what);
    m->unk = unk_of(v, *m, "[UNK]");
    return m;
  }
  unsupported("model", type, "BPE, WordPiece and WordLevel");
}

// A special token of a post-processor: [token, id] (BertProcessing, RobertaProcessing).
TextModel::Special pair_special(const Value& v, const std::string& key, const std::string& path, std::size_t limit, const std::string& limit_what) {
  const Value* p = field(v, key);
  if (!p || p->type != Value::Type::kArray || p->array.size() != 2 || p->array[0].type != Value::Type::kString) {
    fail(path + "." + key, "must be [token, id]");
  }
  return {id_value(p->array[1], path + "." + key + "[1]", limit, limit_what), p->array[0].string};
}

std::unique_ptr<hf::PostProcessor> post_processor_of(const Value& v, const std::string& path, std::size_t limit, const std::string& limit_what) {
  object_at(v, path);
  const std::string type = text_of(v, "type", path, "");
  if (type == "ByteLevel") {
    auto p = std::make_unique<hf::ByteLevelProcessing>();
    p->trim.trim_offsets = flag_of(v, "trim_offsets", path, true), p->trim.add_prefix_space = flag_of(v, "add_prefix_space", path, true);
    return p;
  }
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    auto p = std::make_unique<hf::Template>();
    p->before.push_back(pair_special(v, "cls", path, limit, limit_what));
    p->after.push_back(pair_special(v, "sep", path, limit, limit_what));
    if (type == "RobertaProcessing") {
      p->trim.trim_offsets = flag_of(v, "trim_offsets", path, true), p->trim.add_prefix_space = flag_of(v, "add_prefix_space", path, true);
    }
    return p;
  }
  if (type == "TemplateProcessing") {
    auto p = std::make_unique<hf::Template>();
    const Value* specials = field(v, "special_tokens");
    bool seen_sequence = false;
    const auto& single = list_of(v, "single", path);
    for (std::size_t i = 0; i < single.size(); ++i) {
      const std::string at = path + ".single[" + std::to_string(i) + "]";
      if (field(single[i], "Sequence")) {
        if (seen_sequence) fail(at, "is a second sequence; a single text has one");
        seen_sequence = true;
        continue;
      }
      const Value* s = field(single[i], "SpecialToken");
      if (!s) fail(at, "must be {\"SpecialToken\": …} or {\"Sequence\": …}");
      const std::string name = text_of(*s, "id", at + ".SpecialToken", "");
      const Value* entry = specials ? field(*specials, name) : nullptr;
      if (!entry) fail(path + ".special_tokens", "has no \"" + name + "\", which " + at + " names");
      const auto& ids = list_of(*entry, "ids", path + ".special_tokens." + name);
      const auto& tokens = list_of(*entry, "tokens", path + ".special_tokens." + name);
      for (std::size_t k = 0; k < ids.size(); ++k) {
        const std::string label = k < tokens.size() && tokens[k].type == Value::Type::kString ? tokens[k].string : name;
        (seen_sequence ? p->after : p->before).push_back({id_value(ids[k], path + ".special_tokens." + name + ".ids", limit, limit_what), label});
      }
    }
    return p;
  }
  if (type == "Sequence") {
    auto p = std::make_unique<hf::PostProcessorSequence>();
    p->steps = steps_of<hf::PostProcessor>(v, "processors", path, [&](const Value& step, const std::string& at) {
      return post_processor_of(step, at, limit, limit_what);
    });
    return p;
  }
  unsupported(path, type, "TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel and Sequence");
}

}  // namespace

hf::Pipeline read_tokenizer_json(std::string_view text, std::size_t id_limit, const std::string& limit_what) {
  const Value t = json::parse(text, kFile);
  object_at(t, "the file");
  hf::Pipeline p;
  // truncation and padding are encoding options, which transformers sets per call too; the playground has its own.
  if (const Value* n = field(t, "normalizer")) p.normalizer = normalizer_of(*n, "normalizer");
  if (const Value* n = field(t, "pre_tokenizer")) p.pre_tokenizer = pre_tokenizer_of(*n, "pre_tokenizer");
  const Value* model = field(t, "model");
  if (!model) fail("model", "is missing");
  p.model = model_of(*model, id_limit, limit_what);
  p.word_piece_labels = dynamic_cast<const hf::WordPiece*>(p.model.get()) != nullptr;
  if (const Value* n = field(t, "post_processor")) p.post_processor = post_processor_of(*n, "post_processor", id_limit, limit_what);
  std::vector<hf::AddedToken> added;
  if (const Value* list = field(t, "added_tokens")) {
    if (list->type != Value::Type::kArray) fail("added_tokens", "must be an array");
    for (std::size_t i = 0; i < list->array.size(); ++i) {
      const Value& a = list->array[i];
      const std::string at = "added_tokens[" + std::to_string(i) + "]";
      object_at(a, at);
      const Value* id = field(a, "id");
      if (!id) fail(at + ".id", "is missing");
      hf::AddedToken token;
      token.id = id_value(*id, at + ".id", id_limit, limit_what);
      token.content = text_of(a, "content", at, "");
      if (token.content.empty()) fail(at + ".content", "must be a token's text");
      token.special = flag_of(a, "special", at, false);
      token.single_word = flag_of(a, "single_word", at, false);
      token.lstrip = flag_of(a, "lstrip", at, false), token.rstrip = flag_of(a, "rstrip", at, false);
      token.normalized = flag_of(a, "normalized", at, !token.special);
      // Ids as the library gives them when it reads the file: the model's id for a token the model has, else
      // the next one past the model's vocabulary and the tokens added so far (the file's id is only checked).
      const auto same = std::find_if(added.begin(), added.end(), [&](const hf::AddedToken& t) { return t.content == token.content; });
      if (same != added.end()) continue;
      if (const auto known = p.model->vocab.id_of(token.content)) {
        token.id = *known;
      } else {
        const auto model_size = std::int32_t(p.model->vocab.ids.size());
        std::int32_t most = -1;
        for (const hf::AddedToken& t : added) most = std::max(most, t.id);
        token.id = most < 0 ? model_size : most >= model_size || model_size == 0 ? most + 1 : model_size;
        if (std::size_t(token.id) >= id_limit) fail(at, "would get the id " + std::to_string(token.id) + "; ids must be below " + limit_what + ", " + std::to_string(id_limit));
      }
      added.push_back(std::move(token));
    }
  }
  p.added = hf::AddedVocabulary(std::move(added), p.normalizer.get());
  return p;
}

}  // namespace attn
