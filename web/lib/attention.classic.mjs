// Classic-script entry, bundled by tools/bundle.mjs into dist/attention.umd.js with both wasm builds inlined:
// `<script src="attention.umd.js">` defines globalThis.createAttention and works from file:// pages.
import { inlinedCreateAttention } from './attention.inlined.mjs';

// The models are kept out of this file to keep it small: pages opened from file:// pass a model file's bytes.
globalThis.createAttention = inlinedCreateAttention(async (name) => {
  throw new Error(`the classic-script build does not include '${name}'; pass the bytes of its .attn file to loadModel`);
});
