// A small JSON reader and writer (the model file's header, config.json, vocab.json, tokenizer.json): objects,
// arrays, strings, numbers, booleans, null.
// The reader rejects anything malformed with an ArgumentError that says where, and never reads past the text.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace attn::json {

struct Value {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject } type = Type::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Value> array;
  std::map<std::string, Value> object;

  // Typed access for the loader; `what` names the field in the error ("config.dModel: expected ...").
  const Value& at(const std::string& key, const std::string& what) const;
  std::uint64_t as_size(const std::string& what, std::uint64_t max) const;
  bool as_bool(const std::string& what) const;
  const std::string& as_string(const std::string& what) const;
  const std::vector<Value>& as_array(const std::string& what) const;
};

// `context` prefixes error messages, e.g. "model file: header JSON" or "config.json".
Value parse(std::string_view text, const std::string& context);

// Writers for the header (the writer builds the text itself; these escape and format the leaves).
std::string quote(std::string_view text);

}  // namespace attn::json
