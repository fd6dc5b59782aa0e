// The numbers-only boundary (attn/flat_api.hpp) as the wasm bindings use it, natively and under ASan + UBSan:
// results read through their layout, errors as values that name the argument, and TextModel::encode's special tokens,
// truncation and UTF-16 offsets. (Leaks of failed calls show in the sanitizer run: LeakSanitizer fails it.)
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "attn/flat_api.hpp"
#include "attn/model_file.hpp"
#include "attn/text_model.hpp"
#include "helpers.hpp"

namespace {

namespace flat = attn::flat;
using flat::Address;

// A Result read out the way web/lib/wasm-boundary.mjs reads it, then freed.
using Field = std::variant<double, bool, std::string, std::vector<float>, std::vector<std::int32_t>,
                           std::vector<std::uint8_t>, std::vector<double>, std::vector<std::string>>;
struct Read {
  int error = 0;
  std::map<std::string, Field> fields;
  template <class T>
  const T& get(const std::string& name) const {
    INFO(name);
    REQUIRE(fields.count(name));
    return std::get<T>(fields.at(name));
  }
  std::string message() const { return get<std::string>("message"); }
};

template <class T>
std::vector<T> array_at(Address data, std::size_t length) {
  const auto* p = reinterpret_cast<const T*>(data);
  return std::vector<T>(p, p + length);
}

Read read(Address result) {
  REQUIRE(result != 0);
  Read out;
  const auto* layout = reinterpret_cast<const double*>(flat::result_layout(result));
  out.error = int(layout[0]);
  for (std::size_t i = 0; i < std::size_t(layout[1]); ++i) {
    const double* field = layout + 2 + 5 * i;  // type, name address, name length, data address, length
    const std::string name(reinterpret_cast<const char*>(Address(field[1])), std::size_t(field[2]));
    const Address data = Address(field[3]);
    const std::size_t length = std::size_t(field[4]);
    switch (flat::FieldType(int(field[0]))) {
      case flat::FieldType::kNumber: out.fields[name] = *reinterpret_cast<const double*>(data); break;
      case flat::FieldType::kBoolean: out.fields[name] = *reinterpret_cast<const bool*>(data); break;
      case flat::FieldType::kString: out.fields[name] = std::string(reinterpret_cast<const char*>(data), length); break;
      case flat::FieldType::kFloat32: out.fields[name] = array_at<float>(data, length); break;
      case flat::FieldType::kInt32: out.fields[name] = array_at<std::int32_t>(data, length); break;
      case flat::FieldType::kUint8: out.fields[name] = array_at<std::uint8_t>(data, length); break;
      case flat::FieldType::kFloat64: out.fields[name] = array_at<double>(data, length); break;
      case flat::FieldType::kStrings: {
        std::uint32_t count;
        std::memcpy(&count, reinterpret_cast<const void*>(data), 4);
        const auto* ends = reinterpret_cast<const std::uint32_t*>(data + 4);
        const char* text = reinterpret_cast<const char*>(data + 4 + 4 * count);
        std::vector<std::string> strings;
        for (std::uint32_t k = 0; k < count; ++k) strings.emplace_back(text + (k ? ends[k - 1] : 0), text + ends[k]);
        out.fields[name] = strings;
        break;
      }
    }
  }
  flat::result_free(result);
  return out;
}

template <class T>
Address address(const std::vector<T>& v) { return reinterpret_cast<Address>(v.data()); }
Address address(const std::string& s) { return reinterpret_cast<Address>(s.data()); }

std::vector<std::uint8_t> builtin_model_file() {
  std::ifstream in(std::string(ATTN_SOURCE_DIR) + "/web/models/builtin-bidirectional.attn", std::ios::binary);
  REQUIRE(in);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// The built-in model, loaded through the boundary; freed at the end of the test.
struct LoadedThroughBoundary {
  Address handle;
  Read loaded;
  LoadedThroughBoundary() {
    const auto file = builtin_model_file();
    loaded = read(flat::load_model(address(file), file.size()));
    REQUIRE(loaded.error == 0);
    handle = Address(loaded.get<double>("handle"));
  }
  ~LoadedThroughBoundary() { flat::model_free(handle); }
};

Read run(Address model, const std::string& text, bool truncate = false, double temperature = 1) {
  return read(flat::model_run(model, address(text), text.size(), truncate, true, true, -1, true, temperature, -1, -1, 0, 0, 0, 0, 0, true));
}

}  // namespace

TEST_CASE("attention through the boundary returns the core's numbers as named fields", "[flat]") {
  testing::Random random(3);
  const auto q = random.floats(2 * 3), k = random.floats(4 * 3), v = random.floats(4 * 2);
  const Read r = read(flat::scaled_dot_product_attention(address(q), q.size(), address(k), k.size(), address(v), v.size(),
                                                         2, 4, 3, 2, 1, false, 0, 0, false, 0, true));
  REQUIRE(r.error == 0);
  attn::AttentionInput in;
  in.q = q, in.k = k, in.v = v, in.n = 2, in.m = 4, in.dk = 3, in.dv = 2;
  const auto direct = attn::scaled_dot_product_attention(in);
  CHECK(r.get<std::vector<float>>("output") == direct.output);
  CHECK(r.get<std::vector<float>>("weights") == direct.weights);
  const Read lean = read(flat::scaled_dot_product_attention(address(q), q.size(), address(k), k.size(), address(v), v.size(),
                                                            2, 4, 3, 2, 1, true, 0, 0, true, 0.5, false));
  CHECK(lean.fields.count("weights") == 0);
}

TEST_CASE("errors cross the boundary as values that name the argument, and nothing is left allocated", "[flat][errors]") {
  testing::Random random(4);
  const auto q = random.floats(6), k = random.floats(12), v = random.floats(8);
  const auto sdpa = [&](double n, double dk, bool scale_given = false, double scale = 0) {
    return read(flat::scaled_dot_product_attention(address(q), q.size(), address(k), k.size(), address(v), v.size(), n, 4, dk,
                                                   2, 1, false, 0, 0, scale_given, scale, true));
  };
  const auto kArgument = int(flat::ErrorKind::kArgument);
  for (const auto& [n, shown] : std::vector<std::pair<double, std::string>>{{2.5, "2.5"}, {0, "0"}, {-3, "-3"}, {70000, "70000"},
                                                                             {std::nan(""), "NaN"}, {1e300, "1e+300"}}) {
    const Read r = sdpa(n, 3);
    CHECK(r.error == kArgument);
    CHECK(r.message() == "n: expected an integer in [1, 65536], got " + shown);
  }
  CHECK(sdpa(2, 4).message() == "q: expected n*dk = 8 floats, got 6");
  CHECK(sdpa(2, 3, true, 1e300).message() == "scale: 1e+300 does not fit in a 32-bit float");
  CHECK(sdpa(2, 3, true, std::nan("")).message() == "scale: expected a finite number, got nan");

  // Multi-head projections arrive as a table of (address, length) pairs.
  const auto x = random.floats(3 * 6), w = random.floats(36);
  const std::vector<double> table = {6, 4, double(address(w)), 36, double(address(w)), 36, double(address(w)), 36,
                                     double(address(w)), 36, 0, 0, 0, 0, 0, 0, 0, 0};
  const Read mha = read(flat::multi_head_attention(address(table), address(x), x.size(), 0, 0, 3, 3, false, 0, 0, false, 0, true));
  CHECK(mha.message() == "heads: must divide dModel = 6, got 4");
  const Read prepared = read(flat::prepare_multi_head(address(table)));
  CHECK(prepared.message() == "heads: must divide dModel = 6, got 4");
  CHECK(flat::allocate(-1) == 0);
  CHECK(flat::allocate(1e300) == 0);
  const Address memory = flat::allocate(100);
  CHECK(memory % 64 == 0);
  flat::release(memory);
}

TEST_CASE("a model through the boundary: config, encoding fields, attentions, and its errors", "[flat][model]") {
  LoadedThroughBoundary model;
  CHECK(model.loaded.get<std::string>("config.name") == "builtin-bidirectional");
  CHECK(model.loaded.get<double>("config.layers") == 3);
  CHECK(model.loaded.get<bool>("config.causal") == false);
  const Read r = run(model.handle, "The cat 🐈");
  REQUIRE(r.error == 0);
  const auto& ids = r.get<std::vector<std::int32_t>>("ids");
  const std::size_t n = ids.size();
  CHECK(r.get<std::vector<std::uint8_t>>("special").front() == 1);
  CHECK(r.get<std::vector<std::string>>("labels").front() == "[BOS]");
  CHECK(r.get<std::vector<float>>("attentions").size() == 3 * 4 * n * n);
  const auto d = std::size_t(model.loaded.get<double>("config.dModel"));
  CHECK(d == 64);
  CHECK(r.get<std::vector<float>>("hidden").size() == 4 * n * d);
  CHECK(r.get<std::vector<float>>("queries").size() == 3 * n * d);
  CHECK(r.get<bool>("truncated") == false);
  CHECK(r.get<double>("textTokens") == double(n - 1));
  const auto& offsets = r.get<std::vector<std::int32_t>>("offsets");
  CHECK(offsets.back() == 10);  // "The cat " is 8 units, the cat emoji two more

  for (const auto& [t, shown] : std::vector<std::pair<double, std::string>>{{0, "0"}, {-1, "-1"}, {std::nan(""), "NaN"}, {1e300, "1e+300"}, {1e-300, "1e-300"}}) {
    const Read bad = run(model.handle, "a cat", false, t);
    CHECK(bad.message() == "temperature: expected a finite number above 0, got " + shown);
  }
  const std::string long_text(2000, 'x');
  CHECK_THAT(run(model.handle, long_text).message(), Catch::Matchers::StartsWith("text: ") &&
                                                         Catch::Matchers::Contains("exceed this model's maxLength of 128"));
  const Read cut = run(model.handle, long_text, true);
  CHECK(cut.get<bool>("truncated"));
  CHECK(cut.get<std::vector<std::int32_t>>("ids").size() == 128);
  const Read tokens = read(flat::model_tokenize(model.handle, address(long_text), long_text.size()));
  CHECK(tokens.get<std::vector<std::int32_t>>("ids").size() == std::size_t(cut.get<double>("textTokens")));
  const auto bytes = builtin_model_file();
  const Read truncated = read(flat::load_model(address(bytes), bytes.size() - 10));
  CHECK(truncated.error == int(flat::ErrorKind::kArgument));
  CHECK_THAT(truncated.message(), Catch::Matchers::StartsWith("model file: is truncated or corrupt"));
}

TEST_CASE("encode: special tokens, maxLength and truncation, and UTF-16 offsets that lose no character", "[model][encode]") {
  const auto file = builtin_model_file();
  const auto model = attn::as_text_model(attn::load_model(file.data(), file.size()));
  // "a", U+FFFD (what TextEncoder makes of a lone surrogate: one UTF-16 unit), "b", a cat (two units), "c".
  const std::string text = "a\xEF\xBF\xBD" "b\xF0\x9F\x90\x88" "c";
  const auto e = model->encode(text);
  REQUIRE(e.ids.size() == e.special.size());
  CHECK(e.special.front() == 1);
  CHECK(e.labels.front() == "[BOS]");
  CHECK(e.offsets[0] == 0);
  CHECK(e.offsets[1] == 0);
  CHECK(e.offsets.back() == 6);  // a, U+FFFD, b, two units of the cat, c
  for (std::size_t i = 1; i < e.ids.size(); ++i) {
    CHECK(e.special[i] == 0);
    CHECK(e.offsets[2 * i] <= e.offsets[2 * i + 1]);
    if (i > 1) CHECK(e.offsets[2 * i] == e.offsets[2 * i - 1]);  // each token starts where the one before ended
  }
  // Invalid UTF-8 bytes count one unit each (they read as U+FFFD).
  CHECK(model->encode("\xFF\xFEz").offsets.back() == 3);
  // Exactly maxLength with the specials passes; one more token is refused, or cut when asked.
  attn::EncodeOptions plain;
  plain.specials = false;
  std::string fits;
  while (model->encode(fits + " a", plain).ids.size() <= 127) fits += " a";
  CHECK(model->encode(fits).ids.size() == 128);
  const std::string over = fits + " a";
  CHECK_THROWS_WITH(model->encode(over), "text: 128 tokens and 1 special token exceed this model's maxLength of 128; shorten it or pass { truncate: true }");
  attn::EncodeOptions cut;
  cut.truncate = true;
  const auto truncated = model->encode(over, cut);
  CHECK(truncated.truncated);
  CHECK(truncated.text_tokens == 128);
  CHECK(truncated.ids.size() == 128);
  CHECK(model->encode(over, plain).ids.size() == 128);  // without specials, no limit
  CHECK_THROWS_WITH(model->encode(std::string(attn::kMaxTextBytes + 1, 'a'), plain),
                    "text: is 67108865 bytes of UTF-8, more than the limit of 67108864");
}
