// createAttention from wasm builds inside a bundle (tools/build/bundle.mjs resolves '@dist/…'; esbuild inlines
// the .wasm files): what a page opened from file:// needs, where nothing can be fetched. Shared by the classic
// script (dist/attention.iife.js), the <attention-view> element and the offline playground.
import { createAttentionWith } from './attention-api.mjs';
import { scalarBuild, simdBuild } from './inlined-builds.mjs';

// builds: { simd, scalar }, each async () -> { factory, wasm } (the element fetches its scalar build only
// where SIMD is missing); readModel(name) -> the bytes of a built-in model ('builtin-bidirectional', …).
export const createAttentionFrom = (builds, readModel) => (options) =>
  createAttentionWith(
    {
      loadFactory: async (build) => (await builds[build]()).factory,
      compile: async (build) => WebAssembly.compile((await builds[build]()).wasm),
      readModel,
    },
    options,
  );

export const inlinedCreateAttention = (readModel) =>
  createAttentionFrom({ simd: async () => simdBuild, scalar: async () => scalarBuild }, readModel);
