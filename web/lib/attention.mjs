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

// The build's wasm, compiled as it arrives.
async function compile(build) {
  const url = new URL(`./attention-${build}.wasm`, import.meta.url);
  if (isNode && url.protocol === 'file:') return WebAssembly.compile(await readBeside(url.href));
  const response = fetch(url);
  try {
    return await WebAssembly.compileStreaming(response);
  } catch (error) {
    // A server without the application/wasm MIME type: compile from the bytes instead.
    if (!(error instanceof TypeError)) throw error;
    return WebAssembly.compile(await (await response).arrayBuffer());
  }
}

// The threaded build's glue comes twice: as an ES module for this module to import in browsers, and as the
// classic script it was built as, which each thread's worker (attention-threads.worker.js) loads with
// importScripts. Node reads the same two files as CommonJS (.cjs: this package's .js files are ES modules).
async function loadFactory(build) {
  if (build === 'threads' && isNode) {
    const { createRequire } = await import('node:module');
    return createRequire(import.meta.url)('./attention-threads.cjs');
  }
  const glue = build === 'simd' ? await import('./attention-simd.mjs')
    : build === 'threads' ? await import('./attention-threads.mjs') : await import('./attention-scalar.mjs');
  return glue.default;
}

// Threads need memory shared between workers: a cross-origin-isolated page (COOP same-origin and COEP
// require-corp), or node.
async function threadSupport() {
  if (isNode) return { why: null, cores: (await import('node:os')).cpus().length };
  const why = typeof SharedArrayBuffer !== 'function' || !globalThis.crossOriginIsolated
    ? 'this page is not cross-origin isolated (it needs the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), so it cannot share memory between threads'
    : null;
  return { why, cores: navigator.hardwareConcurrency || 1 };
}

// Where the threads' workers start from and what they load: files beside this module (in node, paths).
async function threadFiles() {
  const { fileURLToPath } = isNode ? await import('node:url') : {};
  const beside = (name) => (isNode ? fileURLToPath(new URL(name, import.meta.url)) : new URL(name, import.meta.url).href);
  const [worker, glue] = isNode ? ['attention-threads.worker.cjs', 'attention-threads.cjs'] : ['attention-threads.worker.js', 'attention-threads.js'];
  return { locateFile: (file) => (file.endsWith('.worker.js') ? beside(worker) : beside(file)), mainScriptUrlOrBlob: beside(glue) };
}

export default function createAttention(options) {
  return createAttentionWith({ loadFactory, compile, readModel, threadSupport, threadFiles }, options);
}
