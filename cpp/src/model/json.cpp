#include "json.hpp"

#include <cmath>
#include <cstdio>

#include "attn/attention.hpp"
#include "unicode.hpp"

namespace attn::json {
namespace {

constexpr int kMaxDepth = 32;

class Parser {
 public:
  Parser(std::string_view text, const std::string& context) : text_(text), context_(context) {}

  Value document() {
    Value v = value(0);
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw ArgumentError(context_, what + " at byte " + std::to_string(pos_));
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t')) ++pos_;
  }
  bool consume(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) return ++pos_, true;
    return false;
  }
  void expect(char c) {
    if (!consume(c)) fail(std::string("expected '") + c + "'");
  }
  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Value value(int depth) {
    if (depth > kMaxDepth) fail("nesting deeper than " + std::to_string(kMaxDepth));
    skip_space();
    if (pos_ >= text_.size()) fail("unexpected end");
    Value v;
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      v.type = Value::Type::kObject;
      if (consume('}')) return v;
      do {
        skip_space();
        std::string key = string();
        expect(':');
        if (!v.object.emplace(key, value(depth + 1)).second) fail("duplicate key \"" + key + "\"");
      } while (consume(','));
      expect('}');
    } else if (c == '[') {
      ++pos_;
      v.type = Value::Type::kArray;
      if (consume(']')) return v;
      do v.array.push_back(value(depth + 1));
      while (consume(','));
      expect(']');
    } else if (c == '"') {
      v.type = Value::Type::kString;
      v.string = string();
    } else if (literal("true")) {
      v.type = Value::Type::kBool;
      v.boolean = true;
    } else if (literal("false")) {
      v.type = Value::Type::kBool;
    } else if (literal("null")) {
      v.type = Value::Type::kNull;
    } else {
      v.type = Value::Type::kNumber;
      v.number = number();
    }
    return v;
  }

  std::string string() {
    if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a string");
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) fail("unterminated escape");
      const char e = text_[pos_++];
      switch (e) {
        case '"': case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          char32_t code = hex4();
          // A surrogate pair is one character; a lone surrogate is not a character at all.
          if (code >= 0xD800 && code <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
            const std::size_t back = pos_;
            pos_ += 2;
            const char32_t low = hex4();
            if (low >= 0xDC00 && low <= 0xDFFF) code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            else pos_ = back;
          }
          unicode::append_utf8(code >= 0xD800 && code <= 0xDFFF ? 0xFFFD : code, out);
          break;
        }
        default: fail("unknown escape");
      }
    }
  }

  char32_t hex4() {
    if (pos_ + 4 > text_.size()) fail("short \\u escape");
    char32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      code = code * 16 + char32_t(h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                  : h >= 'A' && h <= 'F' ? h - 'A' + 10 : (fail("bad \\u escape"), 0));
    }
    return code;
  }

  double number() {
    const std::size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    while (pos_ < text_.size() && std::string_view("0123456789.eE+-").find(text_[pos_]) != std::string_view::npos) ++pos_;
    const std::string digits(text_.substr(start, pos_ - start));
    if (digits.empty() || digits == "-") fail("expected a value");
    char* end = nullptr;
    const double x = std::strtod(digits.c_str(), &end);
    if (end != digits.c_str() + digits.size() || !std::isfinite(x)) fail("malformed number \"" + digits + "\"");
    return x;
  }

  std::string_view text_;
  std::string context_;
  std::size_t pos_ = 0;
};

}  // namespace

Value parse(std::string_view text, const std::string& context) { return Parser(text, context).document(); }

const Value& Value::at(const std::string& key, const std::string& what) const {
  if (type != Type::kObject) throw ArgumentError(what, "expected an object");
  const auto found = object.find(key);
  if (found == object.end()) throw ArgumentError(what + "." + key, "is missing");
  return found->second;
}

std::uint64_t Value::as_size(const std::string& what, std::uint64_t max) const {
  if (type != Type::kNumber || number < 0 || number > double(max) || std::floor(number) != number) {
    throw ArgumentError(what, "expected an integer in [0, " + std::to_string(max) + "]");
  }
  return std::uint64_t(number);
}

bool Value::as_bool(const std::string& what) const {
  if (type != Type::kBool) throw ArgumentError(what, "expected true or false");
  return boolean;
}

const std::string& Value::as_string(const std::string& what) const {
  if (type != Type::kString) throw ArgumentError(what, "expected a string");
  return string;
}

const std::vector<Value>& Value::as_array(const std::string& what) const {
  if (type != Type::kArray) throw ArgumentError(what, "expected an array");
  return array;
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (static_cast<unsigned char>(c) < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", unsigned(c));
      out += buffer;
    } else out += c;
  }
  return out + "\"";
}

}  // namespace attn::json
