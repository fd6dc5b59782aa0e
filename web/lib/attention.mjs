// ES-module entry: `import createAttention from './dist/attention.mjs'`. Works in browsers, workers and node >= 18.
// dist/ holds, beside this file, attention-{simd,scalar}.mjs (Emscripten's glue) and attention-{simd,scalar}.wasm.
import { createAttentionWith } from './attention-api.mjs';

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

// The bytes of a file beside this module: read from disk in node, fetched elsewhere.
async function readBeside(path) {
  const url = new URL(path, import.meta.url);
  if (isNode && url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const readModel = (name) => readBeside(`./models/${name}.attn`);

async function instantiate(build, imports) {
  const url = new URL(`./attention-${build}.wasm`, import.meta.url);
  if (isNode && url.protocol === 'file:') return WebAssembly.instantiate(await readBeside(url.href), imports);
  const response = fetch(url);
  try {
    return await WebAssembly.instantiateStreaming(response, imports);
  } catch (error) {
    // A server without the application/wasm MIME type: compile from the bytes instead.
    if (!(error instanceof TypeError)) throw error;
    return WebAssembly.instantiate(await (await response).arrayBuffer(), imports);
  }
}

async function loadFactory(build) {
  const glue = build === 'simd' ? await import('./attention-simd.mjs') : await import('./attention-scalar.mjs');
  return glue.default;
}

export default function createAttention(options) {
  return createAttentionWith({ loadFactory, instantiate, readModel }, options);
}
