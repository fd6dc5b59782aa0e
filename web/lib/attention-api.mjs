// The JS face of the wasm core, shared by the ES-module build (attention.mjs) and the classic-script build
// (attention.classic.mjs). It picks the SIMD or scalar build, instantiates it, and turns the bindings'
// {errorType, message} results into thrown Errors. No DOM, no compute.

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

// createAttention for one packaging: loadFactory(build) resolves to the Emscripten module factory,
// instantiate(build, imports) to a WebAssembly {instance, module}.
export async function createAttentionWith({ loadFactory, instantiate }, options = {}) {
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
    /** { memoryBytes, allocatedBytes } of the wasm heap, to check that nothing leaks. */
    heapStats: () => module.heapStats(),
  });
}
