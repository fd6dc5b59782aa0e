// createAttention with both wasm builds inside the bundle (tools/build/bundle.mjs resolves '@dist/…'; esbuild inlines
// the .wasm files): what a page opened from file:// needs, where nothing can be fetched. Shared by the classic
// script (dist/attention.iife.js), the <attention-view> element and the offline playground.
import { createAttentionWith } from './attention-api.mjs';
import simdFactory from '@dist/attention-simd.mjs';
import scalarFactory from '@dist/attention-scalar.mjs';
import simdWasm from '@dist/attention-simd.wasm';
import scalarWasm from '@dist/attention-scalar.wasm';

const builds = {
  simd: { factory: simdFactory, wasm: simdWasm },
  scalar: { factory: scalarFactory, wasm: scalarWasm },
};

// readModel(name) -> the bytes of a built-in model ('builtin-bidirectional', …), for the bundle to provide.
export const inlinedCreateAttention = (readModel) => (options) =>
  createAttentionWith(
    {
      loadFactory: async (build) => builds[build].factory,
      instantiate: async (build, imports) => WebAssembly.instantiate(builds[build].wasm, imports),
      readModel,
    },
    options,
  );
