// Classic-script entry, bundled by tools/bundle.mjs into dist/attention.umd.js with both wasm builds inlined:
// `<script src="attention.umd.js">` defines globalThis.createAttention and works from file:// pages.
import { createAttentionWith } from './attention-api.mjs';
import simdFactory from '@dist/attention-simd.mjs';
import scalarFactory from '@dist/attention-scalar.mjs';
import simdWasm from '@dist/attention-simd.wasm';
import scalarWasm from '@dist/attention-scalar.wasm';

const builds = {
  simd: { factory: simdFactory, wasm: simdWasm },
  scalar: { factory: scalarFactory, wasm: scalarWasm },
};

globalThis.createAttention = (options) =>
  createAttentionWith(
    {
      loadFactory: async (build) => builds[build].factory,
      instantiate: async (build, imports) => WebAssembly.instantiate(builds[build].wasm, imports),
      // Kept out of this file to keep it small: pages opened from file:// pass a model file's bytes instead.
      readModel: async (name) => {
        throw new Error(`the classic-script build does not include '${name}'; pass the bytes of its .attn file to loadModel`);
      },
    },
    options,
  );
