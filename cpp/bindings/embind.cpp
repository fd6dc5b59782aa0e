// The Embind layer, and the only file that sees Emscripten. It converts JS values to the core's views and the
// results back to fresh Float32Arrays, and checks only what C++ cannot see (JS types, whole numbers); every other
// check is the core's validate(), whose messages pass through unchanged.
//
// No JS exception is ever thrown through wasm frames (that would skip C++ destructors and leak): each function
// returns either {output, weights} or {errorType, message}, and web/lib/attention-api.mjs throws the Error.
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>

#include <malloc.h>

#include <cmath>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "attn/attention.hpp"
#include "attn/checkpoint.hpp"
#include "attn/model_file.hpp"

using emscripten::val;

namespace {

// An error that must reach JS as a TypeError (RangeError for ArgumentError from the core).
struct JsTypeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct JsRangeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// How a bad value is described in a message: "undefined", "2.5", "a string", "an Array", "a Float64Array".
std::string describe(const val& value) {
  const std::string type = value.typeOf().as<std::string>();
  if (type == "undefined" || type == "number" || type == "boolean" || value.isNull()) {
    return val::global("String")(value).as<std::string>();
  }
  if (type == "object") {
    const val constructor = value["constructor"];
    if (!constructor.isUndefined() && !constructor.isNull()) {
      const std::string name = constructor["name"].as<std::string>();
      const bool vowel = !name.empty() && std::string("AEIOU").find(name[0]) != std::string::npos;
      return (vowel ? "an " : "a ") + name;
    }
  }
  return "a " + type;
}

val object_arg(const val& value, const char* name) {
  if (value.typeOf().as<std::string>() != "object" || value.isNull()) {
    throw JsTypeError(std::string(name) + ": expected an object of named arguments, got " + describe(value));
  }
  return value;
}

// A size such as n or dModel: a whole number in [1, kMaxDimension]. `fallback` is used when it is undefined.
std::size_t size_arg(const val& args, const char* name, std::size_t fallback = 0) {
  const val value = args[name];
  if (value.isUndefined() && fallback) return fallback;
  if (!value.isNumber()) throw JsTypeError(std::string(name) + ": expected a positive integer, got " + describe(value));
  const double number = value.as<double>();
  if (!(number >= 1 && number <= double(attn::kMaxDimension) && std::floor(number) == number)) {
    throw JsRangeError(std::string(name) + ": expected an integer in [1, " + std::to_string(attn::kMaxDimension) +
                       "], got " + describe(value));
  }
  return std::size_t(number);
}

// Copies a typed array of type T (Float32Array or Uint8Array) into wasm memory. Absent optional arrays
// (undefined or null) come back empty.
template <class T>
std::vector<T> array_arg(const val& args, const char* name, const char* js_type, bool optional) {
  const val value = args[name];
  if (optional && (value.isUndefined() || value.isNull())) return {};
  if (!value.instanceof(val::global(js_type))) {
    throw JsTypeError(std::string(name) + ": expected a " + js_type + (optional ? " or null" : "") + ", got " +
                      describe(value));
  }
  std::vector<T> copy(value["length"].as<std::size_t>());
  if (optional && copy.empty()) {
    throw JsRangeError(std::string(name) + ": got an empty " + js_type + "; pass null or leave it out for none");
  }
  // Made after the allocation, so the view cannot be detached by memory growth.
  val(emscripten::typed_memory_view(copy.size(), copy.data())).call<void>("set", value);
  return copy;
}

std::vector<float> floats_arg(const val& args, const char* name, bool optional = false) {
  return array_arg<float>(args, name, "Float32Array", optional);
}

bool bool_arg(const val& args, const char* name, bool fallback = false) {
  const val value = args[name];
  if (value.isUndefined() || value.isNull()) return fallback;
  if (value.typeOf().as<std::string>() != "boolean") {
    throw JsTypeError(std::string(name) + ": expected true or false, got " + describe(value));
  }
  return value.as<bool>();
}

// causal, keyMask, scale and weights, shared by every function. The mask's storage must outlive the options.
attn::AttentionOptions options_arg(const val& args, std::vector<std::uint8_t>& mask) {
  attn::AttentionOptions options;
  options.causal = bool_arg(args, "causal");
  options.weights = bool_arg(args, "weights", true);
  mask = array_arg<std::uint8_t>(args, "keyMask", "Uint8Array", true);  // empty only when not given
  if (!mask.empty()) options.keyMask = mask;
  const val scale = args["scale"];
  if (!scale.isUndefined() && !scale.isNull()) {
    if (!scale.isNumber()) throw JsTypeError("scale: expected a finite number, got " + describe(scale));
    options.scale = float(scale.as<double>());
    if (std::isfinite(scale.as<double>()) && !std::isfinite(*options.scale)) {
      throw JsRangeError("scale: " + describe(scale) + " does not fit in a 32-bit float");
    }
  }
  return options;
}

val float32_copy(const std::vector<float>& values) {
  // new Float32Array(view) copies, so the result survives later calls and memory growth.
  return val::global("Float32Array").new_(emscripten::typed_memory_view(values.size(), values.data()));
}

// weights: null when { weights: false } asked for none.
val result_object(const std::vector<float>& output, const std::vector<float>& weights, bool with_weights) {
  val result = val::object();
  result.set("output", float32_copy(output));
  result.set("weights", with_weights ? float32_copy(weights) : val::null());
  return result;
}

val error_object(const char* type, const std::string& message) {
  val error = val::object();
  error.set("errorType", val(type));
  error.set("message", val(message));
  return error;
}

// Runs `compute` and turns every C++ exception into an error object.
template <class F>
val guarded(F&& compute) {
  try {
    return compute();
  } catch (const JsTypeError& e) {
    return error_object("TypeError", e.what());
  } catch (const JsRangeError& e) {
    return error_object("RangeError", e.what());
  } catch (const attn::ArgumentError& e) {
    return error_object("RangeError", e.what());
  } catch (const std::bad_alloc&) {
    return error_object("RangeError", "out of memory: the inputs are too large for this browser's wasm memory");
  } catch (const std::exception& e) {
    return error_object("Error", e.what());
  }
}

val scaled_dot_product_attention(val raw) {
  return guarded([&] {
    const val args = object_arg(raw, "arguments");
    attn::AttentionInput in;
    in.n = size_arg(args, "n");
    in.m = size_arg(args, "m");
    in.dk = size_arg(args, "dk");
    in.dv = size_arg(args, "dv");
    in.heads = size_arg(args, "heads", 1);
    const auto q = floats_arg(args, "q"), k = floats_arg(args, "k"), v = floats_arg(args, "v");
    in.q = q, in.k = k, in.v = v;
    std::vector<std::uint8_t> mask;
    in.options = options_arg(args, mask);
    const auto result = attn::scaled_dot_product_attention(in);
    return result_object(result.output, result.weights, in.options.weights);
  });
}

// The projections of a multi-head call: dModel, heads, wq..wo, bq..bo. `storage` owns the copies.
attn::MultiHeadInput projections_arg(const val& args, std::vector<std::vector<float>>& storage) {
  attn::MultiHeadInput in;
  in.dModel = size_arg(args, "dModel");
  in.heads = size_arg(args, "heads");
  attn::View<float>* views[] = {&in.wq, &in.wk, &in.wv, &in.wo, &in.bq, &in.bk, &in.bv, &in.bo};
  const char* names[] = {"wq", "wk", "wv", "wo", "bq", "bk", "bv", "bo"};
  storage.reserve(8);  // no reallocation: the views point into the vectors
  for (std::size_t i = 0; i < 8; ++i) *views[i] = storage.emplace_back(floats_arg(args, names[i], i >= 4));
  return in;
}

// x, context, n, m and the options of a multi-head call.
struct MultiHeadInputs {
  std::vector<float> x, context;
  std::vector<std::uint8_t> mask;
  std::size_t n, m;
  attn::AttentionOptions options;
};

MultiHeadInputs inputs_arg(const val& args) {
  MultiHeadInputs in;
  in.n = size_arg(args, "n");
  in.m = size_arg(args, "m", in.n);
  in.x = floats_arg(args, "x"), in.context = floats_arg(args, "context", true);
  in.options = options_arg(args, in.mask);
  return in;
}

val multi_head_attention(val raw) {
  return guarded([&] {
    const val args = object_arg(raw, "arguments");
    std::vector<std::vector<float>> storage;
    const MultiHeadInputs inputs = inputs_arg(args);
    attn::MultiHeadInput in = projections_arg(args, storage);
    in.x = inputs.x, in.context = inputs.context, in.n = inputs.n, in.m = inputs.m, in.options = inputs.options;
    const auto result = attn::multi_head_attention(in);
    return result_object(result.output, result.weights, in.options.weights);
  });
}

// Objects that live in wasm memory between calls (loaded models, prepared projections), addressed from JS by a
// handle until JS disposes of them.
template <class T>
class Handles {
 public:
  explicit Handles(const char* disposed) : disposed_(disposed) {}
  int add(std::unique_ptr<T> object) {
    objects_.emplace(next_, std::move(object));
    return next_++;
  }
  T& get(int handle) const {
    const auto found = objects_.find(handle);
    if (found == objects_.end()) throw JsRangeError(disposed_);
    return *found->second;
  }
  void remove(int handle) { objects_.erase(handle); }

 private:
  const char* disposed_;
  std::map<int, std::unique_ptr<T>> objects_;
  int next_ = 1;
};

// ---- Prepared multi-head attention: projections copied into wasm memory once (attn.prepareMultiHeadAttention).

Handles<attn::PreparedMultiHead> prepared("prepared: it has been disposed of; prepare it again");

val prepare_multi_head(val raw) {
  return guarded([&] {
    std::vector<std::vector<float>> storage;
    const attn::MultiHeadInput projections = projections_arg(object_arg(raw, "arguments"), storage);
    val result = val::object();
    result.set("handle", prepared.add(std::make_unique<attn::PreparedMultiHead>(projections)));
    return result;
  });
}

val prepared_run(int handle, val raw) {
  return guarded([&] {
    const attn::PreparedMultiHead& layer = prepared.get(handle);
    const MultiHeadInputs in = inputs_arg(object_arg(raw, "arguments"));
    const auto result = layer.run(in.x, in.context, in.n, in.m, in.options);
    return result_object(result.output, result.weights, in.options.weights);
  });
}

void prepared_dispose(int handle) { prepared.remove(handle); }

// ---- Models: the built-in ones and Hugging Face checkpoints, both attn::TextModel.

Handles<attn::TextModel> models("model: it has been disposed of; load it again");

std::string text_arg(const val& text) {
  if (!text.isString()) throw JsTypeError("text: expected a string, got " + describe(text));
  return text.as<std::string>();
}

// The UTF-16 index (what JS strings count) of each byte offset of a UTF-8 string, for [start, end) ranges:
// an offset inside a character counts as the character's end, so a character split across byte tokens shows
// once, in the token that holds its first byte, and the others get empty ranges.
std::vector<std::int32_t> utf16_positions(const std::string& text) {
  std::vector<std::int32_t> at(text.size() + 1);
  std::int32_t units = 0;
  std::size_t b = 0;
  while (b < text.size()) {
    const auto lead = static_cast<unsigned char>(text[b]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    const std::int32_t width = length == 4 ? 2 : 1;  // outside the BMP: a surrogate pair
    at[b] = units;
    for (std::size_t k = 1; k < length && b + k <= text.size(); ++k) at[b + k] = units + width;
    units += width;
    b += length;
  }
  at[text.size()] = units;
  return at;
}

val int32_copy(const std::vector<std::int32_t>& values) {
  return val::global("Int32Array").new_(emscripten::typed_memory_view(values.size(), values.data()));
}

// {ids, offsets, labels} for the specials before, the text's tokens, and the specials after. offsets: [start, end)
// per token in UTF-16 units (specials: [0, 0]); labels: how each token shows, or null for the text it covers.
val tokens_object(const attn::TextModel& model, const std::vector<attn::TextModel::Special>& before,
                  const std::vector<attn::Token>& tokens, const std::vector<attn::TextModel::Special>& after,
                  const std::string& text) {
  const auto at = utf16_positions(text);
  std::vector<std::int32_t> ids, offsets, specials;
  val labels = val::array();
  const auto special = [&](const attn::TextModel::Special& s) {
    ids.push_back(s.id), offsets.push_back(0), offsets.push_back(0), specials.push_back(1);
    labels.call<void>("push", s.label);
  };
  for (const auto& s : before) special(s);
  for (const auto& t : tokens) {
    ids.push_back(t.id), offsets.push_back(at[t.start]), offsets.push_back(at[t.end]), specials.push_back(0);
    const std::string label = model.label(t.id);
    labels.call<void>("push", label.empty() ? val::null() : val(label));
  }
  for (const auto& s : after) special(s);
  val result = val::object();
  result.set("ids", int32_copy(ids));
  result.set("offsets", int32_copy(offsets));
  result.set("special", val::global("Uint8Array").new_(int32_copy(specials)));
  result.set("labels", labels);
  return result;
}

val config_object(const attn::TextModel& m) {
  const attn::ModelConfig& c = m.config();
  val config = val::object();
  config.set("name", c.name);
  config.set("layers", double(c.layers));
  config.set("heads", double(c.heads));
  config.set("dModel", double(c.dModel));
  config.set("vocabSize", double(c.vocabSize));
  config.set("maxLength", double(c.maxLength));
  config.set("causal", c.causal);
  return config;
}

// A Uint8Array's bytes, copied into wasm memory.
std::vector<std::uint8_t> bytes_arg(const val& bytes, const char* name, const char* expected) {
  if (!bytes.instanceof(val::global("Uint8Array"))) {
    throw JsTypeError(std::string(name) + ": expected " + expected + ", got " + describe(bytes));
  }
  std::vector<std::uint8_t> copy(bytes["length"].as<std::size_t>());
  val(emscripten::typed_memory_view(copy.size(), copy.data())).call<void>("set", bytes);
  return copy;
}

val model_object(std::unique_ptr<attn::TextModel> model) {
  val result = val::object();
  result.set("config", config_object(*model));
  result.set("handle", models.add(std::move(model)));
  return result;
}

val load_model(val bytes) {
  return guarded([&] {
    const auto copy = bytes_arg(bytes, "bytes", "a Uint8Array or ArrayBuffer of a model file");
    return model_object(attn::as_text_model(attn::load_model(copy.data(), copy.size())));
  });
}

// ---- Checkpoints, loaded in steps (attn::CheckpointLoader): web/lib/checkpoint.mjs drives them.

Handles<attn::CheckpointLoader> loaders("checkpoint: its loading has ended; start again");

double file_size_arg(const val& size) {
  if (!size.isNumber() || !(size.as<double>() >= 0) || std::floor(size.as<double>()) != size.as<double>()) {
    throw JsTypeError("fileSize: expected the size of model.safetensors in bytes, got " + describe(size));
  }
  return size.as<double>();
}

val safetensors_header_length(val first8, val size) {
  return guarded([&] {
    const auto bytes = bytes_arg(first8, "first8", "a Uint8Array of the first 8 bytes of model.safetensors");
    const double file_size = file_size_arg(size);
    if (bytes.size() != std::min(8.0, file_size)) throw JsRangeError("first8: expected the first 8 bytes of model.safetensors");
    std::uint8_t padded[8] = {};
    std::copy(bytes.begin(), bytes.end(), padded);
    val result = val::object();
    result.set("length", double(attn::safetensors_header_length(padded, std::uint64_t(file_size))));
    return result;
  });
}

// files: { config, tokenizerJson, vocabTxt, tokenizerConfig, vocabJson, mergesTxt } (strings; absent = none).
val checkpoint_begin(val raw_files, val header, val size) {
  return guarded([&] {
    const val files = object_arg(raw_files, "files");
    const auto text = [&](const char* name) {
      const val v = files[name];
      if (v.isUndefined() || v.isNull()) return std::string();
      if (!v.isString()) throw JsTypeError(std::string("files.") + name + ": expected a string, got " + describe(v));
      return v.as<std::string>();
    };
    const attn::CheckpointFiles texts{text("config"), text("tokenizerJson"), text("vocabTxt"), text("tokenizerConfig"),
                                      text("vocabJson"), text("mergesTxt")};
    const auto bytes = bytes_arg(header, "header", "a Uint8Array of the start of model.safetensors");
    auto loader = std::make_unique<attn::CheckpointLoader>(texts, bytes.data(), bytes.size(), std::uint64_t(file_size_arg(size)));
    val needed = val::array();
    for (const auto& range : loader->needed()) {
      val r = val::object();
      r.set("name", range.name);
      r.set("begin", double(range.begin));
      r.set("end", double(range.end));
      needed.call<void>("push", r);
    }
    val result = val::object();
    result.set("needed", needed);
    result.set("handle", loaders.add(std::move(loader)));
    return result;
  });
}

val checkpoint_put(int handle, val raw_name, val bytes) {
  return guarded([&] {
    if (!raw_name.isString()) throw JsTypeError("name: expected a tensor's name, got " + describe(raw_name));
    const auto copy = bytes_arg(bytes, "bytes", "a Uint8Array of a tensor's bytes");
    loaders.get(handle).put(raw_name.as<std::string>(), copy.data(), copy.size());
    return val::object();
  });
}

val checkpoint_finish(int handle) {
  return guarded([&] {
    auto model = loaders.get(handle).finish();
    loaders.remove(handle);
    return model_object(std::move(model));
  });
}

void checkpoint_dispose(int handle) { loaders.remove(handle); }

val model_tokenize(int handle, val raw_text) {
  return guarded([&] {
    const auto& m = models.get(handle);
    const std::string text = text_arg(raw_text);
    return tokens_object(m, {}, m.tokenize(text), {}, text);
  });
}

// model.run's options: what to return, and the what-if changes to the attention (attn::RunOptions).
attn::RunOptions run_options_arg(const val& raw) {
  attn::RunOptions run;
  if (raw.isUndefined() || raw.isNull()) return run;
  const val args = object_arg(raw, "options");
  run.hidden = bool_arg(args, "hidden");
  run.projections = bool_arg(args, "projections");
  if (!args["causal"].isUndefined() && !args["causal"].isNull()) run.causal = bool_arg(args, "causal");
  run.scaled = bool_arg(args, "scaled", true);
  const val temperature = args["temperature"];
  if (!temperature.isUndefined() && !temperature.isNull()) {
    if (!temperature.isNumber()) throw JsTypeError("temperature: expected a number above 0, got " + describe(temperature));
    const double t = temperature.as<double>();
    if (!(t > 0 && float(t) > 0 && std::isfinite(float(t)))) {  // also refuses NaN and what float cannot hold
      throw JsRangeError("temperature: expected a finite number above 0, got " + describe(temperature));
    }
    run.temperature = float(t);
  }
  return run;
}

// The specials around the text's tokens, cut to maxLength when `truncate`, else a RangeError when too long.
val model_run(int handle, val raw_text, val raw_options) {
  return guarded([&] {
    const auto& m = models.get(handle);
    const std::string text = text_arg(raw_text);
    const attn::RunOptions run = run_options_arg(raw_options);
    const bool truncate = !raw_options.isUndefined() && !raw_options.isNull() && bool_arg(raw_options, "truncate");
    auto tokens = m.tokenize(text);
    const auto before = m.before(), after = m.after();
    const std::size_t limit = m.config().maxLength - before.size() - after.size();
    const std::size_t total = tokens.size();
    if (total > limit && !truncate) {
      const std::size_t specials = before.size() + after.size();
      throw JsRangeError("text: " + std::to_string(total) + " tokens and " + std::to_string(specials) +
                         (specials == 1 ? " special token" : " special tokens") + " exceed this model's maxLength of " +
                         std::to_string(m.config().maxLength) +
                         "; shorten it or pass { truncate: true }");
    }
    if (total > limit) tokens.resize(limit);
    std::vector<std::int32_t> ids;
    for (const auto& s : before) ids.push_back(s.id);
    for (const auto& t : tokens) ids.push_back(t.id);
    for (const auto& s : after) ids.push_back(s.id);
    const auto out = m.run(ids, run);
    val result = tokens_object(m, before, tokens, after, text);
    result.set("attentions", float32_copy(out.attentions));
    if (run.hidden) result.set("hidden", float32_copy(out.hidden));
    if (run.projections) {
      result.set("queries", float32_copy(out.queries));
      result.set("keys", float32_copy(out.keys));
      result.set("values", float32_copy(out.values));
    }
    result.set("truncated", total > limit);
    result.set("textTokens", double(total));
    return result;
  });
}

void model_dispose(int handle) { models.remove(handle); }

// The wasm memory's size and the bytes malloc has handed out, for the memory-flatness tests.
val heap_stats() {
  val stats = val::object();
  stats.set("memoryBytes", double(emscripten_get_heap_size()));
  stats.set("allocatedBytes", double(mallinfo().uordblks));
  return stats;
}

}  // namespace

EMSCRIPTEN_BINDINGS(attention) {
  emscripten::function("scaledDotProductAttention", &scaled_dot_product_attention);
  emscripten::function("multiHeadAttention", &multi_head_attention);
  emscripten::function("prepareMultiHead", &prepare_multi_head);
  emscripten::function("preparedRun", &prepared_run);
  emscripten::function("preparedDispose", &prepared_dispose);
  emscripten::function("simdArch", emscripten::optional_override([] { return std::string(attn::simd_arch_name()); }));
  emscripten::function("heapStats", &heap_stats);
  emscripten::function("loadModel", &load_model);
  emscripten::function("modelTokenize", &model_tokenize);
  emscripten::function("modelRun", &model_run);
  emscripten::function("modelDispose", &model_dispose);
  emscripten::function("safetensorsHeaderLength", &safetensors_header_length);
  emscripten::function("checkpointBegin", &checkpoint_begin);
  emscripten::function("checkpointPut", &checkpoint_put);
  emscripten::function("checkpointFinish", &checkpoint_finish);
  emscripten::function("checkpointDispose", &checkpoint_dispose);
  emscripten::function("version", emscripten::optional_override([] { return std::string(ATTN_VERSION); }));
}
