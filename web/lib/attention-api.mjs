// The JS face of the wasm core, shared by the ES-module build (attention.mjs) and the classic scripts
// (attention.inlined.mjs). It picks the SIMD or scalar build and instantiates it; each function then reads its
// arguments once into plain values (js-values.mjs), copies them into wasm memory and calls the core's
// numbers-only boundary (wasm-boundary.mjs), so that no caller code runs while wasm holds memory or a handle.
// Option defaults and the messages that name a JS argument live here; the core checks the rest. No DOM.
import { localSource, tokenizerSource } from './checkpoint-files.mjs';
import { hubArguments, hubInfo, named, openHubCheckpoint } from './hub.mjs';
import { throwIfAborted } from './hub-http.mjs';
import { abortSignal, bytes, callback, flag, number, pairs, size, snapshot, text, typedArray } from './js-values.mjs';
import { wasmBoundary } from './wasm-boundary.mjs';

// The smallest module that uses a SIMD128 instruction and a wasm exception-handling block: validates only where
// both are supported, as the SIMD build needs both (it is compiled with -fwasm-exceptions; the scalar build uses
// JS-based exceptions and runs on any engine).
// (func (result v128) try catch_all end i32.const 0 i8x16.splat i8x16.popcnt)
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 14, 1, 12, 0, 6, 64, 25, 11, 65, 0, 253, 15,
  253, 98, 11,
]);

export function simdSupported() {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

// 'simd' or 'scalar', from the simd option: 'auto' (default) | true | false.
export function chooseBuild(simd = 'auto') {
  if (simd === false) return 'scalar';
  if (simd === 'auto') return simdSupported() ? 'simd' : 'scalar';
  if (simd === true) {
    if (!simdSupported()) throw new Error('simd: true was requested, but this engine does not support WebAssembly SIMD128 (with wasm exception handling); use simd: \'auto\' or false');
    return 'simd';
  }
  throw new TypeError(`simd: expected 'auto', true or false, got ${typeof simd === 'string' ? `'${simd}'` : String(simd)}`);
}

// The threads a run is split between, from the threads option: 1 (default), a whole number up to MAX_THREADS, or
// 'auto' (as many as the device has cores, up to 4, where the threaded build can run; else 1). support: the
// packaging's threadSupport() -> { why: null or why there can be no threaded build here, cores }.
export const MAX_THREADS = 8;
export function chooseThreads(threads = 1, support, simd = 'auto') {
  const auto = threads === 'auto';
  if (!auto && !(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) {
    throw new TypeError(`threads: expected 'auto' or a whole number from 1 to ${MAX_THREADS}, got ${typeof threads === 'string' ? `'${threads}'` : String(threads)}`);
  }
  if (threads === 1) return 1;
  const why = support.why ?? (simd === false ? 'the threaded build uses SIMD, and simd: false asks for the scalar one'
    : simdSupported() ? null : 'this engine lacks WebAssembly SIMD128, which the threaded build uses');
  if (auto) return why ? 1 : Math.max(1, Math.min(4, support.cores));
  if (why) throw new Error(`threads: ${threads} were requested, but ${why}; use threads: 'auto' or 1`);
  return threads;
}

// The models that come with the package, by the name loadModel accepts.
export const BUILTIN_MODELS = {
  builtin: 'builtin-bidirectional',
  'builtin-bidirectional': 'builtin-bidirectional',
  'builtin-causal': 'builtin-causal',
  'builtin-lens': 'builtin-lens',
};

const float32 = (value, name, optional) => typedArray(value, name, 'Float32Array', { optional });

// causal, keyMask, scale and weights, as every attention call takes them.
function attentionOptions(a) {
  const scale = number(a.scale, 'scale', 'a finite number');
  return {
    causal: flag(a.causal, 'causal', false), keyMask: typedArray(a.keyMask, 'keyMask', 'Uint8Array', { optional: true }),
    scale, weights: flag(a.weights, 'weights', true),
  };
}
const OPTION_KEYS = ['causal', 'keyMask', 'scale', 'weights'];
const PROJECTION_KEYS = ['dModel', 'heads', 'wq', 'wk', 'wv', 'wo', 'bq', 'bk', 'bv', 'bo'];
const INPUT_KEYS = ['x', 'context', 'n', 'm', ...OPTION_KEYS];

function projections(a) {
  const dModel = size(a.dModel, 'dModel'), heads = size(a.heads, 'heads');
  const arrays = ['wq', 'wk', 'wv', 'wo', 'bq', 'bk', 'bv', 'bo'].map((name, i) => [name, float32(a[name], name, i >= 4)]);
  return { dModel, heads, arrays };
}

function inputs(a) {
  const n = size(a.n, 'n');
  return { n, m: size(a.m, 'm', n), x: float32(a.x, 'x'), context: float32(a.context, 'context', true), ...attentionOptions(a) };
}

// A handle that dispose() frees once; live() gives it, or throws when it has been disposed of. Every call reads
// its arguments first and calls live() right before entering wasm, so an argument's getter that disposes of the
// object cannot free it under the call.
function lifetime(handle, name, free) {
  let alive = true;
  return {
    live() {
      if (!alive) throw new RangeError(`${name}: it has been disposed of; load it again`);
      return handle;
    },
    dispose() {
      if (alive) free(handle);
      alive = false;
    },
  };
}

// tokens from the labels: a label as it is (a special token's name, a WordPiece), else the text it covers.
const withTokens = (source, { labels, ...result }) => ({
  ...result, tokens: labels.map((label, i) => label || source.slice(result.offsets[2 * i], result.offsets[2 * i + 1])),
});

// A model's functions on its handle. extra: more of the model's own properties (hub: where a model from a hub
// came from).
function makeModel(core, handle, config, extra = {}) {
  const { live, dispose } = lifetime(handle, 'model', core.exports.modelFree);
  return Object.freeze({
    config: Object.freeze({ ...config, maskToken: config.maskToken || null, windows: Object.freeze([...config.windows]) }),
    ...extra,
    /** { ids: Int32Array(n), tokens: string[], offsets: Int32Array(2n), special: Uint8Array(n) } for the text alone. */
    tokenize(value) {
      const source = text(value);
      return withTokens(source, core.call((scope) => {
        const [address, length] = scope.text(source, 'text');
        return core.read(core.exports.modelTokenize(live(), address, length), 'text');
      }));
    },
    /** { ids, tokens, offsets, special, attentions: Float32Array (layers, heads, n, n), hidden?, queries?, keys?,
     *  values?, trace?, predictions?, truncated, textTokens } with the model's special tokens; options in
     *  attention.d.ts. */
    run(value, options) {
      const source = text(value);
      const o = snapshot(options, 'options', ['truncate', 'hidden', 'projections', 'causal', 'scaled', 'temperature',
        'trace', 'predict', 'targets', 'ablate', 'reuse'], { optional: true });
      const causal = flag(o.causal, 'causal', null);
      const trace = o.trace === undefined || o.trace === null ? null : snapshot(o.trace, 'trace', ['layer', 'head']);
      const predict = size(o.predict, 'predict', 0), targets = typedArray(o.targets, 'targets', 'Int32Array', { optional: true });
      if (targets && !predict) throw new TypeError('targets: they score predictions; pass predict: k as well');
      const ablate = new Float64Array(pairs(o.ablate, 'ablate', '[layer, head]'));
      const reuse = flag(o.reuse, 'reuse', true);
      const run = [flag(o.truncate, 'truncate', false), flag(o.hidden, 'hidden', false), flag(o.projections, 'projections', false),
        causal === null ? -1 : Number(causal), flag(o.scaled, 'scaled', true),
        number(o.temperature, 'temperature', 'a number above 0') ?? 1,
        trace ? size(trace.layer, 'trace.layer') : -1, trace ? size(trace.head, 'trace.head') : -1, predict];
      const result = withTokens(source, core.call((scope) => {
        const [address, length] = scope.text(source, 'text');
        const [targetAddress, targetCount] = scope.array(targets, 'targets');
        const [ablateAddress] = scope.array(ablate.length ? ablate : null, 'ablate');
        return core.read(core.exports.modelRun(live(), address, length, ...run, targetAddress, targetCount,
          ablateAddress, ablate.length / 2, reuse), 'text');
      }));
      if (!result.predictions) return result;
      const { pieces, ...predictions } = result.predictions;
      return { ...result, predictions: { ...predictions, tokens: pieces } };
    },
    /** Frees the model's memory in the wasm heap; the object cannot be used afterwards. */
    dispose,
  });
}

// A tokenizer's functions on its handle.
function makeTokenizer(core, handle) {
  const { live, dispose } = lifetime(handle, 'tokenizer', core.exports.tokenizerFree);
  const encode = (value, specials) => {
    const source = text(value);
    return withTokens(source, core.call((scope) => {
      const [address, length] = scope.text(source, 'text');
      return core.read(core.exports.tokenizerEncode(live(), address, length, specials), 'text');
    }));
  };
  return Object.freeze({
    /** { ids, tokens, offsets, special } for the text alone. */
    tokenize: (value) => encode(value, false),
    /** The same with the special tokens its post-processor (or, with config.json, its model) puts around a text. */
    encode: (value) => encode(value, true),
    /** Frees the tokenizer's memory in the wasm heap; the object cannot be used afterwards. */
    dispose,
  });
}

// createAttention for one packaging: loadFactory(build) resolves to the Emscripten module factory,
// compile(build) to its WebAssembly.Module (asked for first: the wasm arrives and compiles while the glue loads),
// readModel(name) to a built-in model's bytes;
// a packaging with the threaded build ('threads') has threadSupport() -> { why, cores } (chooseThreads) and
// threadFiles() -> a promise of the module options that say where its thread workers' scripts are.
const NO_THREADS = () => ({ why: 'this packaging has no threaded build (dist/attention.mjs has it)', cores: 1 });
export async function createAttentionWith({ loadFactory, compile, readModel, threadSupport = NO_THREADS, threadFiles }, options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options: expected an object such as { simd: 'auto' }, got ${String(options)}`);
  }
  const o = snapshot(options, 'options', ['simd', 'threads']);
  const threads = chooseThreads(o.threads, await threadSupport(), o.simd);
  const build = threads > 1 ? 'threads' : chooseBuild(o.simd);
  const compiled = compile(build);
  compiled.catch(() => {});  // (its failure is instantiateWasm's to report)
  const factory = await loadFactory(build);
  let fail;
  const failed = new Promise((resolve, reject) => { fail = reject; });
  const exports = await Promise.race([failed, factory({
    // The threads' workers (threads - 1 of them) start at once and join in when they have loaded the module.
    ...(threads > 1 ? { ...await threadFiles(), pthreadPoolSize: threads - 1 } : {}),
    // Emscripten would locate and fetch the .wasm itself, which fails in node and from file://.
    instantiateWasm(imports, receiveInstance) {
      compiled.then(async (module) => receiveInstance(await WebAssembly.instantiate(module, imports), module))
        .catch((error) => fail(new Error(`could not load the ${build} WebAssembly build: ${error.message}`, { cause: error })));
      return {};
    },
  })]);
  const core = { exports, ...wasmBoundary(exports) };
  const info = core.read(exports.moduleInfo(), 'module');
  if (threads > 1) {
    core.read(exports.setThreads(threads), 'threads');
    // In node a worker thread keeps the process alive, and these wait for work for as long as it lives.
    for (const worker of [...exports.PThread.runningWorkers, ...exports.PThread.unusedWorkers]) worker.unref?.();
  }

  // An attention call's arrays ([name, array] pairs) and options as the boundary takes them.
  const addresses = (scope, arrays) => arrays.flatMap(([name, array]) => scope.array(array, name));
  const optionNumbers = (scope, o) => [o.causal, ...scope.array(o.keyMask, 'keyMask'), o.scale !== undefined, o.scale ?? 0, o.weights];
  const projectionTable = (scope, p) => scope.table([p.dModel, p.heads, ...addresses(scope, p.arrays)]);
  const withNullWeights = (result, o) => ({ output: result.output, weights: o.weights ? result.weights : null });
  // A source's text files (config.json, the shards' index, the tokenizer's) into a checkpoint object, each one's
  // size checked before it is read.
  async function addTextFiles(handle, source, signal) {
    for (const file of info.checkpointTextFiles) {
      if (!source.has(file)) continue;
      const length = await source.size(file);
      core.call((scope) => core.read(exports.checkpointCheckFile(...scope.text(file, 'name'), length), file));
      const contents = await source.read(file, 0, length);
      throwIfAborted(signal);
      core.call((scope) => core.read(exports.checkpointAddFile(handle, ...scope.text(file, 'name'), ...scope.array(contents, file)), file));
    }
  }

  // The one loader of every checkpoint, from a source of its files (web/lib/checkpoint-files.mjs describes it):
  // the core says which files to read and which byte ranges of them; JS reads them and puts them in, never
  // holding more than a small file or one tensor. -> { handle, config } of the model; the checkpoint's own
  // memory is freed however it ends.
  async function loadFrom(source, { onProgress, signal, name }) {
    const { handle } = core.read(exports.checkpointNew(), 'checkpoint');
    try {
      await addTextFiles(handle, source, signal);
      // The weights' files (model.safetensors, or the shards the index names): each one's header.
      const { files: weightFiles } = core.read(exports.checkpointWeightsFiles(handle), 'model.safetensors.index.json');
      for (const file of weightFiles) {
        if (!source.has(file)) throw new Error(`${file}: missing; ${weightFiles.length > 1 ? 'model.safetensors.index.json lists it' : 'it holds the weights'}`);
        const length = await source.size(file);
        const first8 = await source.read(file, 0, Math.min(8, length));
        throwIfAborted(signal);
        const { length: headerLength } = core.call((scope) => core.read(exports.safetensorsHeaderLength(...scope.text(file, 'file'), ...scope.array(first8, file), length), file));
        const header = await source.read(file, 0, 8 + headerLength);
        throwIfAborted(signal);
        core.call((scope) => core.read(exports.checkpointAddWeights(handle, ...scope.text(file, 'file'), ...scope.array(header, file), length), file));
      }
      const memoryLeft = exports.heapMaximum() - exports.heapAllocated();
      const { needed } = core.read(exports.checkpointBegin(handle, memoryLeft), 'model.safetensors');
      const ranges = needed.names.map((tensor, i) => ({ file: needed.files[i], tensor, begin: needed.begin[i], end: needed.end[i] }));
      source.plan?.(ranges);
      const total = ranges.reduce((sum, r) => sum + r.end - r.begin, 0);
      let loaded = 0, shown = 0;
      const arrived = (count) => {  // progress as bytes arrive, at most about a thousand steps
        loaded += count;
        if (loaded - shown >= total / 1000 || loaded === total) onProgress?.({ loaded: (shown = loaded), total });
      };
      onProgress?.({ loaded, total });
      for (const { file, tensor, begin, end } of ranges) {
        const bytes = await source.read(file, begin, end, arrived);
        throwIfAborted(signal);
        core.call((scope) => core.read(exports.checkpointPut(handle, ...scope.text(tensor, 'name'), ...scope.array(bytes, file)), file));
      }
      const { handle: model, config } = core.read(exports.checkpointFinish(handle), 'model.safetensors');
      return { handle: model, config: name === null || name === undefined ? config : { ...config, name } };
    } finally {
      exports.checkpointFree(handle);
    }
  }

  return Object.freeze({
    simd: build !== 'scalar',
    /** How many threads a model's run is split between (1 unless createAttention was given threads). */
    threads,
    version: info.version,
    /** The xsimd architecture the kernels were compiled for, e.g. 'wasm' or 'emulated'. */
    arch: info.arch,
    scaledDotProductAttention(args) {
      const a = snapshot(args, 'arguments', ['q', 'k', 'v', 'n', 'm', 'dk', 'dv', 'heads', ...OPTION_KEYS]);
      const sizes = [size(a.n, 'n'), size(a.m, 'm'), size(a.dk, 'dk'), size(a.dv, 'dv'), size(a.heads, 'heads', 1)];
      const arrays = [['q', float32(a.q, 'q')], ['k', float32(a.k, 'k')], ['v', float32(a.v, 'v')]];
      const o = attentionOptions(a);
      return withNullWeights(core.call((scope) => core.read(exports.scaledDotProductAttention(
        ...addresses(scope, arrays), ...sizes, ...optionNumbers(scope, o)), 'arguments')), o);
    },
    multiHeadAttention(args) {
      const a = snapshot(args, 'arguments', [...PROJECTION_KEYS, ...INPUT_KEYS]);
      const i = inputs(a), p = projections(a);
      return withNullWeights(core.call((scope) => core.read(exports.multiHeadAttention(projectionTable(scope, p),
        ...scope.array(i.x, 'x'), ...scope.array(i.context, 'context'), i.n, i.m, ...optionNumbers(scope, i)), 'arguments')), i);
    },
    /** Projections (dModel, heads, wq..wo, bq..bo) copied into the wasm heap and checked once; run(args) takes
     *  what multiHeadAttention takes besides them. For repeated calls with the same weights. */
    prepareMultiHeadAttention(args) {
      const p = projections(snapshot(args, 'arguments', PROJECTION_KEYS));
      const { handle } = core.call((scope) => core.read(exports.prepareMultiHead(projectionTable(scope, p)), 'arguments'));
      let alive = true;
      return Object.freeze({
        run(args) {
          const i = inputs(snapshot(args, 'arguments', INPUT_KEYS));
          if (!alive) throw new RangeError('prepared: it has been disposed of; prepare it again');
          return withNullWeights(core.call((scope) => core.read(exports.preparedRun(handle, ...scope.array(i.x, 'x'),
            ...scope.array(i.context, 'context'), i.n, i.m, ...optionNumbers(scope, i)), 'arguments')), i);
        },
        dispose() {
          if (alive) exports.preparedFree(handle);
          alive = false;
        },
      });
    },
    /** { memoryBytes, maximumBytes, allocatedBytes } of the wasm heap, to check that nothing leaks. */
    heapStats: () => ({ memoryBytes: exports.heapBytes(), maximumBytes: exports.heapMaximum(), allocatedBytes: exports.heapAllocated() }),
    /** 'builtin' (= 'builtin-bidirectional'), 'builtin-causal', 'builtin-lens', or the bytes of a model file. */
    async loadModel(source) {
      let file;
      if (typeof source === 'string') {
        const name = Object.hasOwn(BUILTIN_MODELS, source) ? BUILTIN_MODELS[source] : null;
        if (!name) throw new RangeError(`source: expected ${Object.keys(BUILTIN_MODELS).map((k) => `'${k}'`).join(', ')} or the bytes of a model file, got '${source}'`);
        file = await readModel(name);
      } else {
        file = bytes(source, 'bytes', 'a Uint8Array or ArrayBuffer of a model file');
      }
      const { handle, config } = core.call((scope) => core.read(exports.loadModel(...scope.array(file, 'bytes')), 'bytes'));
      return makeModel(core, handle, config);
    },
    /** A Hugging Face checkpoint from its files: File objects (named as published), or { 'config.json': Blob |
     *  Uint8Array | string, … }. model.safetensors (or the shards model.safetensors.index.json names) is read
     *  tensor by tensor; onProgress({ loaded, total }) follows it in bytes; signal (an AbortSignal) stops it;
     *  name: the model's name in its config (default: the core's, from config.json's architectures). */
    async loadCheckpoint(files, options) {
      const o = snapshot(options, 'options', ['onProgress', 'signal', 'name'], { optional: true });
      const args = { onProgress: callback(o.onProgress, 'onProgress'), signal: abortSignal(o.signal, 'signal'),
        name: o.name === undefined || o.name === null ? null : text(o.name, 'name') };
      const { handle, config } = await loadFrom(localSource(files, info.checkpointTextFiles), args);
      return makeModel(core, handle, config);
    },
    /** A checkpoint on the Hugging Face Hub (or a mirror at options.endpoint) by its repository's name, read as
     *  loadCheckpoint reads files, in HTTP byte ranges, through this device's copy where Cache Storage exists.
     *  model.hub says where it came from and whether it is now kept on this device. See web/lib/hub.mjs. */
    async loadFromHub(repo, options) {
      const o = hubArguments(repo, options);
      const opened = await openHubCheckpoint(o, info.checkpointTextFiles);
      let loaded;
      try {
        loaded = await loadFrom(opened.source, { ...o, name: opened.name });
      } catch (error) {
        throw await opened.abandon(error);
      }
      const hub = Object.freeze(await opened.finish(loaded.config));
      return makeModel(core, loaded.handle, loaded.config, { hub });
    },
    /** What loadFromHub would read: { repo, revision, sha, endpoint, files: [{ name, size }], bytes, kept }. */
    hubInfo: async (repo, options) => hubInfo(hubArguments(repo, options), info.checkpointTextFiles),
    /** A checkpoint's tokenizer alone: tokenizer.json, or with config.json the files its model type reads.
     *  Files as loadCheckpoint takes them, without model.safetensors. */
    async loadTokenizer(files) {
      const source = tokenizerSource(files, info.checkpointTextFiles);
      const { handle } = core.read(exports.checkpointNew(), 'checkpoint');
      try {
        await addTextFiles(handle, source);
        return makeTokenizer(core, core.read(exports.checkpointTokenizer(handle), 'tokenizer').handle);
      } finally {
        exports.checkpointFree(handle);
      }
    },
  });
}
