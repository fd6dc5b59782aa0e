// The wasm module's exports: the core's numbers-only boundary (attn/flat_api.hpp), registered as it is, and the
// wasm heap's size. Nothing here reads a JS value: web/lib/attention-api.mjs checks and copies every argument
// into memory it allocated before it calls, and reads every result out after.
#include <emscripten/bind.h>
#include <emscripten/heap.h>

#include <malloc.h>

#include "attn/flat_api.hpp"

namespace {

// The wasm memory's size now and at most, and the bytes malloc has handed out (for the memory-flatness tests
// and for checking a checkpoint fits before reading it).
double heap_bytes() { return double(emscripten_get_heap_size()); }
double heap_maximum() { return double(emscripten_get_heap_max()); }
double heap_allocated() { return double(static_cast<unsigned>(mallinfo().uordblks)); }  // (an int: above 2 GiB it wraps)

}  // namespace

EMSCRIPTEN_BINDINGS(attention) {
  using namespace attn::flat;
  using emscripten::function;
  function("allocate", &allocate);
  function("release", &release);
  function("resultLayout", &result_layout);
  function("resultFree", &result_free);
  function("moduleInfo", &module_info);
  function("setThreads", &set_threads);
  function("scaledDotProductAttention", &scaled_dot_product_attention);
  function("multiHeadAttention", &multi_head_attention);
  function("prepareMultiHead", &prepare_multi_head);
  function("preparedRun", &prepared_run);
  function("preparedFree", &prepared_free);
  function("loadModel", &load_model);
  function("modelTokenize", &model_tokenize);
  function("modelRun", &model_run);
  function("modelFree", &model_free);
  function("checkpointNew", &checkpoint_new);
  function("checkpointCheckFile", &checkpoint_check_file);
  function("checkpointAddFile", &checkpoint_add_file);
  function("checkpointWeightsFiles", &checkpoint_weights_files);
  function("safetensorsHeaderLength", &safetensors_header_length);
  function("checkpointAddWeights", &checkpoint_add_weights);
  function("checkpointBegin", &checkpoint_begin);
  function("checkpointPut", &checkpoint_put);
  function("checkpointFinish", &checkpoint_finish);
  function("checkpointFree", &checkpoint_free);
  function("checkpointTokenizer", &checkpoint_tokenizer);
  function("tokenizerEncode", &tokenizer_encode);
  function("tokenizerFree", &tokenizer_free);
  function("heapBytes", &heap_bytes);
  function("heapMaximum", &heap_maximum);
  function("heapAllocated", &heap_allocated);
}
