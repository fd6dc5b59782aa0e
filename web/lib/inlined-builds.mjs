// The two wasm builds as a bundle inlines them: Emscripten's glue and the wasm bytes.
import simdFactory from '@dist/attention-simd.mjs';
import scalarFactory from '@dist/attention-scalar.mjs';
import simdWasm from '@dist/attention-simd.wasm';
import scalarWasm from '@dist/attention-scalar.wasm';

export const simdBuild = { factory: simdFactory, wasm: simdWasm };
export const scalarBuild = { factory: scalarFactory, wasm: scalarWasm };
