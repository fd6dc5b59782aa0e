// The numbers-only boundary (flat_api.hpp): each entry point turns addresses into views, runs the core, and
// returns its results, or its error, as a Result.
#include "attn/flat_api.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "attn/attention.hpp"
#include "attn/checkpoint.hpp"
#include "attn/model_file.hpp"
#include "attn/text_model.hpp"
#include "parallel.hpp"

namespace attn::flat {
namespace {

// What a call returns: named fields, each one of FieldType's kinds, kept until result_free.
class Result {
 public:
  struct Strings {
    std::vector<std::uint8_t> block;  // count, count end offsets (uint32), then the UTF-8
  };
  using Value = std::variant<double, bool, std::string, std::vector<float>, std::vector<std::int32_t>,
                             std::vector<std::uint8_t>, std::vector<double>, Strings>;

  ErrorKind error = ErrorKind::kNone;

  template <class T>
  void add(std::string name, T value) {
    fields_.push_back({std::move(name), Value(std::move(value))});
  }
  void add_strings(std::string name, const std::vector<std::string>& strings) {
    Strings s;
    const auto put = [&](std::uint32_t x) { s.block.insert(s.block.end(), reinterpret_cast<std::uint8_t*>(&x), reinterpret_cast<std::uint8_t*>(&x) + 4); };
    put(std::uint32_t(strings.size()));
    std::uint32_t end = 0;
    for (const std::string& text : strings) put(end += std::uint32_t(text.size()));
    for (const std::string& text : strings) s.block.insert(s.block.end(), text.begin(), text.end());
    add(std::move(name), std::move(s));
  }

  // flat_api.hpp's table of this Result, made when asked for and kept with it.
  const double* layout() {
    layout_.assign({double(error), double(fields_.size())});
    for (const Field& f : fields_) {
      const auto [data, length] = std::visit([](const auto& v) -> std::pair<const void*, std::size_t> {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, double> || std::is_same_v<T, bool>) return {&v, 1};
        else if constexpr (std::is_same_v<T, Strings>) return {v.block.data(), v.block.size()};
        else return {v.data(), v.size()};
      }, f.value);
      layout_.insert(layout_.end(), {double(f.value.index()), double(reinterpret_cast<Address>(f.name.data())), double(f.name.size()),
                                     double(reinterpret_cast<Address>(data)), double(length)});
    }
    return layout_.data();
  }

 private:
  struct Field {
    std::string name;
    Value value;
  };
  std::vector<Field> fields_;
  std::vector<double> layout_;
};

Address address_of(Result* result) { return reinterpret_cast<Address>(result); }
Result& result_at(Address address) { return *reinterpret_cast<Result*>(address); }

Address error_result(ErrorKind kind, const char* message) {
  try {
    auto result = std::make_unique<Result>();
    result->error = kind;
    result->add("message", std::string(message));
    return address_of(result.release());
  } catch (...) {
    return 0;  // not even the error fits: the caller reports running out of memory
  }
}

// Runs `fill` on a new Result; every exception becomes an error Result.
template <class F>
Address guarded(F&& fill) {
  try {
    auto result = std::make_unique<Result>();
    fill(*result);
    return address_of(result.release());
  } catch (const ArgumentError& e) {
    return error_result(ErrorKind::kArgument, e.what());
  } catch (const std::bad_alloc&) {
    return error_result(ErrorKind::kOutOfMemory, "out of memory: the inputs are too large for this browser's wasm memory");
  } catch (const std::exception& e) {
    return error_result(ErrorKind::kOther, e.what());
  }
}

template <class T>
View<T> view(Address data, std::size_t length) {
  return length ? View<T>(reinterpret_cast<const T*>(data), length) : View<T>();
}

std::string_view text_at(Address data, std::size_t length) {
  return length ? std::string_view(reinterpret_cast<const char*>(data), length) : std::string_view();
}

// A size given as the caller's number: a whole number, checked like every size (validate.cpp).
std::size_t size_of(const char* name, double value) { return checked_dimension(name, value); }

// An index given as the caller's number: a whole number from 0 (its range is the model's to check).
std::size_t index_of(const char* name, double value) {
  if (!(value >= 0 && value < 0x1p32 && std::floor(value) == value)) throw ArgumentError(name, "expected an integer from 0, got " + format_number(value));
  return std::size_t(value);
}

AttentionOptions options_of(bool causal, Address key_mask, std::size_t key_mask_length, bool scale_given, double scale,
                            bool weights) {
  AttentionOptions options;
  options.causal = causal;
  options.keyMask = view<std::uint8_t>(key_mask, key_mask_length);
  if (scale_given) {
    options.scale = float(scale);
    if (std::isfinite(scale) && !std::isfinite(*options.scale)) throw ArgumentError("scale", format_number(scale) + " does not fit in a 32-bit float");
  }
  options.weights = weights;
  return options;
}

void add_attention(Result& r, std::vector<float> output, std::vector<float> weights, bool with_weights) {
  r.add("output", std::move(output));
  if (with_weights) r.add("weights", std::move(weights));
}

// dModel, heads and the eight projections from the caller's table (flat_api.hpp).
MultiHeadInput projections_at(Address table) {
  const auto* t = reinterpret_cast<const double*>(table);
  MultiHeadInput in;
  in.dModel = size_of("dModel", t[0]);
  in.heads = size_of("heads", t[1]);
  View<float>* views[] = {&in.wq, &in.wk, &in.wv, &in.wo, &in.bq, &in.bk, &in.bv, &in.bo};
  for (std::size_t i = 0; i < 8; ++i) *views[i] = view<float>(Address(t[2 + 2 * i]), std::size_t(t[3 + 2 * i]));
  return in;
}

void add_config(Result& r, const TextModel& model) {
  const ModelConfig& c = model.config();
  r.add("config.name", c.name);
  r.add("config.layers", double(c.layers));
  r.add("config.heads", double(c.heads));
  r.add("config.dModel", double(c.dModel));
  r.add("config.vocabSize", double(c.vocabSize));
  r.add("config.maxLength", double(c.maxLength));
  r.add("config.causal", c.causal);
  r.add("config.family", c.family);
  r.add("config.kvHeads", double(c.kvHeads));
  r.add("config.headDim", double(c.headDim));
  r.add("config.rotary", c.rotary);
  r.add("config.canPredict", c.canPredict);
  r.add("config.maskToken", c.maskToken);
  r.add("config.scale", c.scale);
  r.add("config.softcap", c.softcap);
  r.add("config.windows", std::vector<std::int32_t>(c.windows.begin(), c.windows.end()));
}

void add_model(Result& r, std::unique_ptr<TextModel> model) {
  add_config(r, *model);
  r.add("handle", double(reinterpret_cast<Address>(model.release())));
}

void add_encoding(Result& r, Encoding e) {
  r.add("ids", std::move(e.ids));
  r.add("offsets", std::move(e.offsets));
  r.add("special", std::move(e.special));
  r.add_strings("labels", e.labels);
}

// A checkpoint being loaded: its small files and weights headers until begin, then the loader.
struct Checkpoint {
  CheckpointFiles files;
  struct Header {
    std::vector<std::uint8_t> bytes;  // [0, 8 + N)
    std::uint64_t file_size;
  };
  std::map<std::string, Header> headers;  // by weights file
  std::optional<CheckpointLoader> loader;
};

Checkpoint& checkpoint_at(Address address) { return *reinterpret_cast<Checkpoint*>(address); }

CheckpointLoader& loader_of(Address address) {
  Checkpoint& c = checkpoint_at(address);
  if (!c.loader) throw ArgumentError("checkpoint", "its header has not been read");
  return *c.loader;
}

}  // namespace

Address allocate(double bytes) {
  if (!(bytes >= 0 && bytes < 0x1p53)) return 0;
  const std::uint64_t rounded = (std::uint64_t(bytes) + 63) / 64 * 64;
  if (rounded > SIZE_MAX) return 0;
  return reinterpret_cast<Address>(std::aligned_alloc(64, rounded ? std::size_t(rounded) : 64));
}

void release(Address memory) { std::free(reinterpret_cast<void*>(memory)); }

Address result_layout(Address result) { return reinterpret_cast<Address>(result_at(result).layout()); }
void result_free(Address result) { delete reinterpret_cast<Result*>(result); }

Address module_info() {
  return guarded([&](Result& r) {
    r.add("version", std::string(version()));
    r.add("arch", std::string(simd_arch_name()));
    r.add("threads", double(parallel::max_threads()));
    r.add_strings("checkpointTextFiles", checkpoint_text_files());
  });
}

Address set_threads(double count) {
  return guarded([&](Result& r) {
    parallel::set_threads(size_of("threads", count));
    r.add("threads", double(parallel::threads()));
  });
}

Address scaled_dot_product_attention(Address q, std::size_t q_length, Address k, std::size_t k_length, Address v,
                                     std::size_t v_length, double n, double m, double dk, double dv, double heads,
                                     bool causal, Address key_mask, std::size_t key_mask_length, bool scale_given,
                                     double scale, bool weights) {
  return guarded([&](Result& r) {
    AttentionInput in;
    in.n = size_of("n", n), in.m = size_of("m", m), in.dk = size_of("dk", dk), in.dv = size_of("dv", dv);
    in.heads = size_of("heads", heads);
    in.q = view<float>(q, q_length), in.k = view<float>(k, k_length), in.v = view<float>(v, v_length);
    in.options = options_of(causal, key_mask, key_mask_length, scale_given, scale, weights);
    auto out = attn::scaled_dot_product_attention(in);
    add_attention(r, std::move(out.output), std::move(out.weights), weights);
  });
}

Address multi_head_attention(Address projections, Address x, std::size_t x_length, Address context,
                             std::size_t context_length, double n, double m, bool causal, Address key_mask,
                             std::size_t key_mask_length, bool scale_given, double scale, bool weights) {
  return guarded([&](Result& r) {
    const std::size_t rows = size_of("n", n);
    MultiHeadInput in = projections_at(projections);
    in.n = rows, in.m = size_of("m", m);
    in.x = view<float>(x, x_length), in.context = view<float>(context, context_length);
    in.options = options_of(causal, key_mask, key_mask_length, scale_given, scale, weights);
    auto out = attn::multi_head_attention(in);
    add_attention(r, std::move(out.output), std::move(out.weights), weights);
  });
}

Address prepare_multi_head(Address projections) {
  return guarded([&](Result& r) {
    auto prepared = std::make_unique<PreparedMultiHead>(projections_at(projections));
    r.add("handle", double(reinterpret_cast<Address>(prepared.release())));
  });
}

Address prepared_run(Address prepared, Address x, std::size_t x_length, Address context, std::size_t context_length,
                     double n, double m, bool causal, Address key_mask, std::size_t key_mask_length,
                     bool scale_given, double scale, bool weights) {
  return guarded([&](Result& r) {
    const auto& layer = *reinterpret_cast<const PreparedMultiHead*>(prepared);
    const std::size_t rows = size_of("n", n), columns = size_of("m", m);
    const AttentionOptions options = options_of(causal, key_mask, key_mask_length, scale_given, scale, weights);
    auto out = layer.run(view<float>(x, x_length), view<float>(context, context_length), rows, columns, options);
    add_attention(r, std::move(out.output), std::move(out.weights), weights);
  });
}

void prepared_free(Address prepared) { delete reinterpret_cast<PreparedMultiHead*>(prepared); }

Address load_model(Address bytes, std::size_t length) {
  return guarded([&](Result& r) {
    add_model(r, as_text_model(attn::load_model(reinterpret_cast<const std::uint8_t*>(bytes), length)));
  });
}

Address model_tokenize(Address model, Address text, std::size_t text_length) {
  return guarded([&](Result& r) {
    EncodeOptions options;
    options.specials = false;
    add_encoding(r, reinterpret_cast<const TextModel*>(model)->encode(text_at(text, text_length), options));
  });
}

Address model_run(Address model, Address text, std::size_t text_length, bool truncate, bool hidden, bool projections,
                  int causal, bool scaled, double temperature, double trace_layer, double trace_head, double predict,
                  Address targets, std::size_t target_count, Address ablate, std::size_t ablate_count,
                  bool reuse) {
  return guarded([&](Result& r) {
    const auto& m = *reinterpret_cast<const TextModel*>(model);
    EncodeOptions encode;
    encode.truncate = truncate;
    Encoding e = m.encode(text_at(text, text_length), encode);
    RunOptions run;
    run.hidden = hidden, run.projections = projections, run.scaled = scaled, run.reuse = reuse;
    if (causal >= 0) run.causal = causal == 1;
    if (trace_layer >= 0) run.trace = RunOptions::Head{index_of("trace.layer", trace_layer), index_of("trace.head", trace_head)};
    run.predict = index_of("predict", predict);
    if (run.predict) {
      const View<std::int32_t> given = view<std::int32_t>(targets, target_count);
      run.targets = given.empty() ? m.default_targets(e) : std::vector<std::int32_t>(given.data, given.data + given.size);
    }
    const auto* pairs = reinterpret_cast<const double*>(ablate);
    for (std::size_t i = 0; i < ablate_count; ++i) {
      const std::string name = "ablate[" + std::to_string(i) + "]";
      run.ablate.push_back({index_of((name + "[0]").c_str(), pairs[2 * i]), index_of((name + "[1]").c_str(), pairs[2 * i + 1])});
    }
    run.temperature = float(temperature);
    if (!(temperature > 0 && std::isfinite(temperature) && run.temperature > 0 && std::isfinite(run.temperature))) {
      throw ArgumentError("temperature", "expected a finite number above 0, got " + format_number(temperature));  // what float cannot hold too
    }
    ModelOutput out = m.run(e.ids, run);
    const bool truncated = e.truncated;
    const double text_tokens = double(e.text_tokens);
    add_encoding(r, std::move(e));
    r.add("attentions", std::move(out.attentions));
    if (hidden) r.add("hidden", std::move(out.hidden));
    if (projections) r.add("queries", std::move(out.queries)), r.add("keys", std::move(out.keys)), r.add("values", std::move(out.values));
    if (run.trace) {
      HeadTrace& t = out.trace;
      r.add("trace.headOutput", std::move(t.head_output));
      r.add("trace.contribution", std::move(t.contribution));
      r.add("trace.attentionOutput", std::move(t.attention_output));
      r.add("trace.residualBefore", std::move(t.residual_before));
      r.add("trace.residualAfter", std::move(t.residual_after));
    }
    if (run.predict) {
      Predictions& p = out.predictions;
      std::vector<std::string> pieces;
      for (const std::int32_t id : p.ids) pieces.push_back(m.piece(id));
      r.add("predictions.k", double(p.k));
      r.add("predictions.ids", std::move(p.ids));
      r.add_strings("predictions.pieces", pieces);
      r.add("predictions.probs", std::move(p.probs));
      r.add("predictions.targets", std::move(run.targets));
      r.add("predictions.targetProbs", std::move(p.target_probs));
      r.add("predictions.loss", p.loss);
    }
    r.add("truncated", truncated);
    r.add("textTokens", text_tokens);
    r.add("reused", double(out.reused));
  });
}

void model_free(Address model) { delete reinterpret_cast<TextModel*>(model); }

Address checkpoint_new() {
  return guarded([&](Result& r) { r.add("handle", double(reinterpret_cast<Address>(new Checkpoint))); });
}

Address checkpoint_check_file(Address name, std::size_t name_length, double size) {
  return guarded([&](Result&) { check_text_file(std::string(text_at(name, name_length)), std::uint64_t(size)); });
}

Address checkpoint_add_file(Address checkpoint, Address name, std::size_t name_length, Address text,
                            std::size_t text_length) {
  return guarded([&](Result&) {
    const std::string file(text_at(name, name_length));
    check_text_file(file, text_length);
    std::string_view contents = text_at(text, text_length);
    if (contents.substr(0, 3) == "\xEF\xBB\xBF") contents.remove_prefix(3);  // a UTF-8 byte order mark, as a browser's Blob.text() drops it
    checkpoint_at(checkpoint).files[file] = std::string(contents);
  });
}

Address checkpoint_weights_files(Address checkpoint) {
  return guarded([&](Result& r) { r.add_strings("files", weights_files(checkpoint_at(checkpoint).files)); });
}

Address safetensors_header_length(Address file, std::size_t file_length, Address first8, std::size_t length,
                                  double file_size) {
  return guarded([&](Result& r) {
    std::uint8_t padded[8] = {};
    std::memcpy(padded, reinterpret_cast<const void*>(first8), length < 8 ? length : 8);
    r.add("length", double(attn::safetensors_header_length(padded, std::uint64_t(file_size), std::string(text_at(file, file_length)))));
  });
}

Address checkpoint_add_weights(Address checkpoint, Address file, std::size_t file_length, Address header,
                               std::size_t header_length, double file_size) {
  return guarded([&](Result&) {
    Checkpoint& c = checkpoint_at(checkpoint);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(header);
    c.headers[std::string(text_at(file, file_length))] = {std::vector<std::uint8_t>(bytes, bytes + header_length), std::uint64_t(file_size)};
  });
}

Address checkpoint_begin(Address checkpoint, double memory_limit) {
  return guarded([&](Result& r) {
    Checkpoint& c = checkpoint_at(checkpoint);
    std::vector<CheckpointLoader::Header> headers;
    for (const auto& [file, h] : c.headers) headers.push_back({file, h.bytes.data(), h.bytes.size(), h.file_size});
    c.loader.emplace(c.files, headers, std::uint64_t(memory_limit));
    c.files.clear(), c.headers.clear();  // read: the loader keeps what it needs
    std::vector<std::string> files, names;
    std::vector<double> begins, ends;
    for (const auto& range : c.loader->needed()) {
      files.push_back(range.file), names.push_back(range.name), begins.push_back(double(range.begin)), ends.push_back(double(range.end));
    }
    r.add_strings("needed.files", files);
    r.add_strings("needed.names", names);
    r.add("needed.begin", std::move(begins));
    r.add("needed.end", std::move(ends));
    r.add("memoryNeeded", double(c.loader->memory_needed()));
  });
}

Address checkpoint_put(Address checkpoint, Address name, std::size_t name_length, Address bytes, std::size_t length) {
  return guarded([&](Result&) {
    loader_of(checkpoint).put(std::string(text_at(name, name_length)), reinterpret_cast<const std::uint8_t*>(bytes), length);
  });
}

Address checkpoint_finish(Address checkpoint) {
  return guarded([&](Result& r) { add_model(r, loader_of(checkpoint).finish()); });
}

void checkpoint_free(Address checkpoint) { delete reinterpret_cast<Checkpoint*>(checkpoint); }

Address checkpoint_tokenizer(Address checkpoint) {
  return guarded([&](Result& r) {
    std::unique_ptr<TextReader> tokenizer = load_tokenizer(checkpoint_at(checkpoint).files);
    r.add("handle", double(reinterpret_cast<Address>(tokenizer.release())));
  });
}

Address tokenizer_encode(Address tokenizer, Address text, std::size_t text_length, bool specials) {
  return guarded([&](Result& r) {
    EncodeOptions options;
    options.specials = specials;
    add_encoding(r, reinterpret_cast<const TextReader*>(tokenizer)->encode(text_at(text, text_length), options, 0));
  });
}

void tokenizer_free(Address tokenizer) { delete reinterpret_cast<TextReader*>(tokenizer); }

}  // namespace attn::flat
