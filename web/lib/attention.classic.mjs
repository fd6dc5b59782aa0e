// Classic-script entry, bundled by tools/build/bundle.mjs into dist/attention.iife.js (an IIFE, also
// written as attention.umd.js, its earlier name) with both wasm builds inlined: `<script src="attention.iife.js">` defines globalThis.createAttention and works from file:// pages.
import { inlinedCreateAttention } from './attention.inlined.mjs';

// The models are kept out of this file to keep it small: pages opened from file:// pass a model file's bytes.
globalThis.createAttention = inlinedCreateAttention(async (name) => {
  throw new Error(`the classic-script build does not include '${name}'; pass the bytes of its .attn file to loadModel`);
});
