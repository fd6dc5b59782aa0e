// The core behind a boundary that carries only numbers, for the wasm bindings (cpp/bindings/embind.cpp
// registers these functions, web/lib/attention-api.mjs calls them) and testable natively like any other code:
//
//  - Every argument is a number, or the address of memory the caller got from allocate() and filled. Sizes
//    arrive as the caller's numbers (doubles) and are checked here like any other argument.
//  - Every call returns a Result, which the caller reads from its layout (result_layout()) and then frees with
//    result_free(); an error is a Result too (its error kind not 0, the message in field 0). No exception leaves these functions,
//    and none calls back into the caller.
//  - Objects that live between calls (models, prepared projections, checkpoint loaders) are addresses returned
//    in a Result's "handle" field, freed by their *_free function. The caller keeps track of which are alive.
#pragma once

#include <cstddef>
#include <cstdint>

namespace attn::flat {

using Address = std::uintptr_t;

// ---- Memory and results

// bytes of memory, 64-byte aligned; 0 when there is not enough (never throws). release(0) does nothing.
Address allocate(double bytes);
void release(Address memory);

enum class ErrorKind : int {
  kNone = 0,
  kArgument = 1,     // an argument was wrong (JS: RangeError); the message starts with its name
  kOutOfMemory = 2,  // (JS: RangeError)
  kOther = 3,        // (JS: Error)
};

// The types of a Result's fields, as the data they point at: a number (one float64), a boolean (one byte), a
// string (UTF-8), arrays of float32, int32, uint8 or float64, and a list of strings (a uint32 count, count
// uint32 end offsets, then the UTF-8 of all of them).
enum class FieldType : int { kNumber, kBoolean, kString, kFloat32, kInt32, kUint8, kFloat64, kStrings };

// A Result described in one table of float64, so that a caller reads it with one call across the boundary (a
// wasm call through the bindings costs about as much as copying a few hundred floats): [error (an ErrorKind),
// count, then per field: type (a FieldType), name address, name length (UTF-8 bytes; a dotted name such as
// "config.layers" nests), data address, length (elements; bytes for strings and lists)]. The table belongs
// to the Result: valid until result_free.
Address result_layout(Address result);
void result_free(Address result);

// {version, arch (the SIMD architecture), threads (how many this build can run), checkpointTextFiles (the names
// loadCheckpoint reads as text)}
Address module_info();

// How many threads the model runs and attention layers are split between (1 to the build's threads), for every
// call after it; call it while no other call runs. Result: {threads}.
Address set_threads(double count);

// ---- Attention (attention.hpp). Arrays are (address, element count); an absent optional array is (0, 0).
// scale_given false: the default scale. Result: {output, weights?}.

Address scaled_dot_product_attention(Address q, std::size_t q_length, Address k, std::size_t k_length, Address v,
                                     std::size_t v_length, double n, double m, double dk, double dv, double heads,
                                     bool causal, Address key_mask, std::size_t key_mask_length, bool scale_given,
                                     double scale, bool weights);

// Every multi-head call takes its projections this way: dModel, heads, then wq, wk, wv, wo, bq, bk, bv, bo as
// (address, length) in that order, at `projections` (a caller-filled table of 2 + 16 float64).
Address multi_head_attention(Address projections, Address x, std::size_t x_length, Address context,
                             std::size_t context_length, double n, double m, bool causal, Address key_mask,
                             std::size_t key_mask_length, bool scale_given, double scale, bool weights);
// Result: {handle}.
Address prepare_multi_head(Address projections);
Address prepared_run(Address prepared, Address x, std::size_t x_length, Address context, std::size_t context_length,
                     double n, double m, bool causal, Address key_mask, std::size_t key_mask_length,
                     bool scale_given, double scale, bool weights);
void prepared_free(Address prepared);

// ---- Models (text_model.hpp). A text is UTF-8 (address, bytes).

// A model file's bytes. Result: {handle, config.name, config.layers, …}.
Address load_model(Address bytes, std::size_t length);
// Result: {ids, offsets, special, labels} (Encoding, no special tokens).
Address model_tokenize(Address model, Address text, std::size_t text_length);
// causal: -1 the model's own mask, 0 none, 1 causal. trace_layer, trace_head: a head to follow through W_O, or
// -1. predict: k, or 0 for no predictions; targets: int32 (address, count), or (0, 0) for the model's defaults;
// ablate: (layer, head) pairs as float64, `ablate_count` of them. reuse: RunOptions::reuse. Result: the Encoding's fields, then attentions,
// hidden?, queries?, keys?, values?, trace.* (headOutput, contribution, attentionOutput, residualBefore,
// residualAfter)?, predictions.* (k, ids, pieces, probs, targets, targetProbs, loss)?, truncated, textTokens, reused.
Address model_run(Address model, Address text, std::size_t text_length, bool truncate, bool hidden, bool projections,
                  int causal, bool scaled, double temperature, double trace_layer, double trace_head, double predict,
                  Address targets, std::size_t target_count, Address ablate, std::size_t ablate_count,
                  bool reuse);
void model_free(Address model);

// ---- Checkpoints (checkpoint.hpp), in steps: new, add each small file, ask which safetensors files hold the
// weights, add each one's header, begin, put each needed tensor, finish.

Address checkpoint_new();  // Result: {handle}
// Before reading a file: is it one a checkpoint is read from, and not too large? Result: {}.
Address checkpoint_check_file(Address name, std::size_t name_length, double size);
Address checkpoint_add_file(Address checkpoint, Address name, std::size_t name_length, Address text,
                            std::size_t text_length);
// Result: {files}: model.safetensors, or the shards model.safetensors.index.json names.
Address checkpoint_weights_files(Address checkpoint);
// file: the safetensors file's name, for errors. Result: {length}: its header is bytes [8, 8 + length).
Address safetensors_header_length(Address file, std::size_t file_length, Address first8, std::size_t length,
                                  double file_size);
// A weights file's bytes [0, 8 + length) and size. Result: {}.
Address checkpoint_add_weights(Address checkpoint, Address file, std::size_t file_length, Address header,
                               std::size_t header_length, double file_size);
// memory_limit: bytes the weights may take. Result: {needed.files, needed.names, needed.begin, needed.end,
// memoryNeeded}.
Address checkpoint_begin(Address checkpoint, double memory_limit);
Address checkpoint_put(Address checkpoint, Address name, std::size_t name_length, Address bytes, std::size_t length);
// Result: as load_model's. The checkpoint object stays until checkpoint_free.
Address checkpoint_finish(Address checkpoint);
void checkpoint_free(Address checkpoint);

// ---- A checkpoint's tokenizer alone (checkpoint.hpp's load_tokenizer), from the files added to a checkpoint
// object (config.json optional). Result: {handle}.
Address checkpoint_tokenizer(Address checkpoint);
// specials: with the special tokens around the text (no length limit). Result: {ids, offsets, special, labels}.
Address tokenizer_encode(Address tokenizer, Address text, std::size_t text_length, bool specials);
void tokenizer_free(Address tokenizer);

}  // namespace attn::flat
