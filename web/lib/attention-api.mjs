// The JS face of the wasm core, shared by the ES-module build (attention.mjs) and the classic-script build
// (attention.classic.mjs). It picks the SIMD or scalar build, instantiates it, and turns the bindings'
// {errorType, message} results into thrown Errors. No DOM, no compute.
import { byteLength, checkpointFiles, readRange } from './checkpoint-files.mjs';

// The smallest module that uses a SIMD128 instruction: validates only where SIMD is supported.
// (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export function simdSupported() {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

// 'simd' or 'scalar', from the simd option: 'auto' (default) | true | false.
export function chooseBuild(simd = 'auto') {
  if (simd === false) return 'scalar';
  if (simd === 'auto') return simdSupported() ? 'simd' : 'scalar';
  if (simd === true) {
    if (!simdSupported()) throw new Error('simd: true was requested, but this engine does not support WebAssembly SIMD128; use simd: \'auto\' or false');
    return 'simd';
  }
  throw new TypeError(`simd: expected 'auto', true or false, got ${typeof simd === 'string' ? `'${simd}'` : String(simd)}`);
}

// Results of the bindings are either {output, weights} or {errorType, message}.
function unwrap(result) {
  if (result.errorType === undefined) return result;
  const ErrorType = { TypeError, RangeError }[result.errorType] ?? Error;
  throw new ErrorType(result.message);
}

// The models that come with the package, by the name loadModel accepts.
export const BUILTIN_MODELS = {
  builtin: 'builtin-bidirectional',
  'builtin-bidirectional': 'builtin-bidirectional',
  'builtin-causal': 'builtin-causal',
  'builtin-lens': 'builtin-lens',
};

// A loaded transformer. run() puts the model's special tokens around the text ([BOS] for the built-in models,
// [CLS] … [SEP] for BERT, <|endoftext|> first for GPT-2); offsets are [start, end) pairs in the text's UTF-16
// units (a character split across byte tokens shows in the token that holds its first byte; specials get
// [0, 0]); tokens are how each one shows: its label from the bindings (a special's name, a WordPiece such as
// "##ing"), else the text it covers.
function makeModel(module, handle, config) {
  const withTokens = (text, { labels, ...result }) => {
    const tokens = labels.map((label, i) => label ?? text.slice(result.offsets[2 * i], result.offsets[2 * i + 1]));
    return { ...result, tokens };
  };
  return Object.freeze({
    config: Object.freeze(config),
    /** { ids: Int32Array(n), tokens: string[], offsets: Int32Array(2n) } for the text alone. */
    tokenize: (text) => withTokens(text, unwrap(module.modelTokenize(handle, text))),
    /** { ids, tokens, offsets, attentions: Float32Array (layers, heads, n, n), hidden?, queries?, keys?, values?,
     *  truncated, textTokens } with [BOS] first; options are checked by the bindings (see attention.d.ts). */
    run: (text, options) => withTokens(text, unwrap(module.modelRun(handle, text, options))),
    /** Frees the model's memory in the wasm heap; the object cannot be used afterwards. */
    dispose: () => module.modelDispose(handle),
  });
}

// createAttention for one packaging: loadFactory(build) resolves to the Emscripten module factory,
// instantiate(build, imports) to a WebAssembly {instance, module}, readModel(name) to a built-in model's bytes.
export async function createAttentionWith({ loadFactory, instantiate, readModel }, options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options: expected an object such as { simd: 'auto' }, got ${String(options)}`);
  }
  const build = chooseBuild(options.simd);
  const factory = await loadFactory(build);
  let fail;
  const failed = new Promise((resolve, reject) => { fail = reject; });
  const module = await Promise.race([failed, factory({
    // Emscripten would locate and fetch the .wasm itself, which fails in node and from file://.
    instantiateWasm(imports, receiveInstance) {
      instantiate(build, imports).then(
        ({ instance, module: compiled }) => receiveInstance(instance, compiled),
        (error) => fail(new Error(`could not load the ${build} WebAssembly build: ${error.message}`, { cause: error })),
      );
      return {};
    },
  })]);
  return Object.freeze({
    simd: build === 'simd',
    version: module.version(),
    /** The xsimd architecture the kernels were compiled for, e.g. 'wasm' or 'emulated'. */
    arch: module.simdArch(),
    scaledDotProductAttention: (args) => unwrap(module.scaledDotProductAttention(args)),
    multiHeadAttention: (args) => unwrap(module.multiHeadAttention(args)),
    /** Projections (dModel, heads, wq..wo, bq..bo) copied into the wasm heap and checked once; run(args) takes
     *  what multiHeadAttention takes besides them. For repeated calls with the same weights. */
    prepareMultiHeadAttention(args) {
      const { handle } = unwrap(module.prepareMultiHead(args));
      return Object.freeze({
        run: (inputs) => unwrap(module.preparedRun(handle, inputs)),
        dispose: () => module.preparedDispose(handle),
      });
    },
    /** { memoryBytes, allocatedBytes } of the wasm heap, to check that nothing leaks. */
    heapStats: () => module.heapStats(),
    /** 'builtin' (= 'builtin-bidirectional'), 'builtin-causal', 'builtin-lens', or the bytes of a model file. */
    async loadModel(source) {
      let bytes = source;
      if (typeof source === 'string') {
        const name = BUILTIN_MODELS[source];
        if (!name) throw new RangeError(`source: expected ${Object.keys(BUILTIN_MODELS).map((k) => `'${k}'`).join(', ')} or the bytes of a model file, got '${source}'`);
        bytes = await readModel(name);
      } else if (source instanceof ArrayBuffer) {
        bytes = new Uint8Array(source);
      }
      const { handle, config } = unwrap(module.loadModel(bytes));
      return makeModel(module, handle, config);
    },
    /** A Hugging Face checkpoint (BERT, DistilBERT, GPT-2) from its files: File objects (named as published),
     *  or { 'config.json': Blob | Uint8Array | string, … }. model.safetensors is read tensor by tensor;
     *  onProgress({ loaded, total }) follows it in bytes. See web/lib/checkpoint-files.mjs. */
    async loadCheckpoint(files, { onProgress } = {}) {
      const { texts, weights } = await checkpointFiles(files);
      const size = byteLength(weights);
      const { length } = unwrap(module.safetensorsHeaderLength(await readRange(weights, 0, Math.min(8, size)), size));
      const { handle, needed } = unwrap(module.checkpointBegin(texts, await readRange(weights, 0, 8 + length), size));
      try {
        const total = needed.reduce((sum, r) => sum + (r.end - r.begin), 0);
        let loaded = 0;
        onProgress?.({ loaded, total });
        for (const { name, begin, end } of needed) {
          unwrap(module.checkpointPut(handle, name, await readRange(weights, begin, end)));
          loaded += end - begin;
          onProgress?.({ loaded, total });
        }
        const { handle: model, config } = unwrap(module.checkpointFinish(handle));
        return makeModel(module, model, config);
      } catch (error) {
        module.checkpointDispose(handle);
        throw error;
      }
    },
  });
}
