// Packs the two wasm builds (build/wasm-simd, build/wasm-scalar) and web/lib's loader into dist/:
//   attention.mjs, attention-api.mjs, …       ES-module entry and the web/lib modules it imports (copied as they are)
//   attention-{simd,scalar,threads}.mjs / .wasm  Emscripten's glue as an ES module, and the wasm it instantiates
//   attention-threads{,.worker}.{js,cjs}     the threaded build's glue as a classic script, and its threads'
//                                             worker script (.cjs: the same files for node)
//   attention.iife.js                         one classic script (an IIFE), both wasm builds inlined (works from
//                                             file://); attention.umd.js is the same file under its earlier name
//   attention.d.ts                            the hand-written types
//   models/*.attn                             the built-in models
//   attention-view.js                         the <attention-view> element: the SIMD wasm build and the built-in
//                                             bidirectional model inlined (web/attention-view.mjs)
//   attention-view.<model>.js                 the other built-in models, as classic scripts the element loads
//   attention-view.scalar.js                  the scalar build, a classic script the element loads without SIMD
//   playground.mjs, playground-worker.mjs     the playground's page (web/app.mjs) and its worker (web/worker.mjs),
//                                             each with all it imports as one ES module (esbuild)
//   precache.js                               what the service worker (web/sw.js) caches, and its version
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_MODELS } from '../../web/lib/attention-api.mjs';
import { build } from 'esbuild';
import { classicScript, version } from './classic-script.mjs';
import { precacheScript } from './precache.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = `${root}dist`;
await mkdir(dist, { recursive: true });

for (const flavor of ['simd', 'scalar', 'threads']) {
  const from = `${root}build/wasm-${flavor}/cpp/bindings/attention`;
  // MODULARIZE glue is a classic script defining `var createAttentionModule`, followed by a CommonJS/AMD
  // footer; without the footer and with an export, it is an ES module.
  const glue = await readFile(`${from}.js`, 'utf8');
  const footer = glue.indexOf("if (typeof exports === 'object' && typeof module === 'object')");
  if (footer < 0) throw new Error(`${from}.js: Emscripten's module footer not found; has the glue changed?`);
  await writeFile(`${dist}/attention-${flavor}.mjs`, `${glue.slice(0, footer)}export default createAttentionModule;\n`);
  await copyFile(`${from}.wasm`, `${dist}/attention-${flavor}.wasm`);
  if (flavor === 'threads') {
    // Each thread's worker loads the glue as the classic script it is (importScripts); node reads both as
    // CommonJS, under names that say so (this package's .js files are ES modules to node).
    const worker = await readFile(`${from}.worker.js`, 'utf8');
    for (const [name, text] of [['attention-threads.js', glue], ['attention-threads.cjs', glue],
      ['attention-threads.worker.js', worker], ['attention-threads.worker.cjs', worker]]) await writeFile(`${dist}/${name}`, text);
  }
}
// The ES-module entry and every web/lib module it imports, followed import by import (they import only each other).
for (const queue = ['attention.mjs'], copied = new Set(); queue.length > 0;) {
  const file = queue.shift();
  if (copied.has(file)) continue;
  copied.add(file);
  const source = await readFile(`${root}web/lib/${file}`, 'utf8');
  queue.push(...[...source.matchAll(/from '\.\/([\w.-]+\.mjs)'/g)].map((match) => match[1]));
  await copyFile(`${root}web/lib/${file}`, `${dist}/${file}`);
}
// The built-in models (trained by npm run train-model, committed in web/models).
await mkdir(`${dist}/models`, { recursive: true });
for (const name of new Set(Object.values(BUILTIN_MODELS))) {
  await copyFile(`${root}web/models/${name}.attn`, `${dist}/models/${name}.attn`);
}
await copyFile(`${root}web/lib/attention.d.ts`, `${dist}/attention.d.ts`);
// PCRE2 (BSD) is compiled into both wasm builds: its licence goes with them.
await copyFile(`${root}.deps/pcre2/LICENCE`, `${dist}/PCRE2-LICENCE.txt`);

await classicScript('web/lib/attention.classic.mjs', 'classic-script build, defines globalThis.createAttention',
  { outfile: `${dist}/attention.iife.js` });
await copyFile(`${dist}/attention.iife.js`, `${dist}/attention.umd.js`);
await classicScript('web/attention-view.mjs', 'the <attention-view> element, and AttentionView.render',
  { outfile: `${dist}/attention-view.js` });
for (const name of ['builtin-causal', 'builtin-lens']) {
  const base64 = (await readFile(`${root}web/models/${name}.attn`)).toString('base64');
  await writeFile(`${dist}/attention-view.${name}.js`,
    `/* attention-playground ${version}: the built-in model '${name}' for <attention-view> */\n(globalThis.attentionView ??= {})[${JSON.stringify(name)}] = '${base64}';\n`);
}
await classicScript('web/lib/attention-view.scalar.mjs', 'the scalar wasm build for <attention-view>, where WebAssembly SIMD is missing',
  { outfile: `${dist}/attention-view.scalar.js` });
// The playground's page and its worker, each as one ES module: on this 2-core machine every file a page or worker
// asks for costs 20-90 ms (six connections, the server and the browser on the same cores); the page's 60 modules
// held up the worker's script behind them, and the worker then fetched ~25 modules, one import level after
// another, before it could ask for the wasm. Both import dist/'s copies of web/lib (web/app.mjs imports
// './dist/…', served from dist/), so they are bundled from those, and written beside them: import.meta.url still
// finds the .wasm files and models/ there. The Emscripten glue's require() calls are node's branch, never taken
// in a browser. `external`: paths left to the browser (from dist/).
const servedDist = {
  name: 'served-dist',  // web/…/dist/x.mjs, as the server maps /dist/, is dist/x.mjs
  setup(b) {
    b.onResolve({ filter: /(^|\/)dist\// }, ({ path, resolveDir }) => {
      const file = join(resolveDir, path);
      return file.startsWith(`${root}web/dist/`) ? { path: `${dist}/${file.slice(`${root}web/dist/`.length)}` } : undefined;
    });
  },
};
const moduleBundle = (entry, outfile, banner, external = {}) => build({
  entryPoints: [`${root}${entry}`],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  external: ['node:*', 'fs', 'path', 'perf_hooks', 'worker_threads'],
  outfile: `${dist}/${outfile}`,
  banner: { js: `/* attention-playground ${version}: ${banner} */` },
  logLevel: 'warning',
  plugins: [servedDist, {
    name: 'external',
    setup(b) {
      for (const [pattern, path] of Object.entries(external)) {
        b.onResolve({ filter: new RegExp(pattern) }, () => ({ path, external: true }));
      }
    },
  }],
});
await moduleBundle('web/worker.mjs', 'playground-worker.mjs', "the playground's worker (web/worker.mjs), one file");
// The page: early-worker.mjs stays its own module (index.html runs it first, on its own, to start the worker while
// this file arrives; one instance of it, or a second worker would start); the wasm glue, which only the page's
// fallback without a worker loads, stays beside it in dist/.
await moduleBundle('web/app.mjs', 'playground.mjs', 'the playground page (web/app.mjs), one file', {
  '^\\./controllers/early-worker\\.mjs$': '../controllers/early-worker.mjs',
  '^\\./attention-simd\\.mjs$': './attention-simd.mjs',
  '^\\./attention-scalar\\.mjs$': './attention-scalar.mjs',
  '^\\./attention-threads\\.mjs$': './attention-threads.mjs',
});
await writeFile(`${dist}/precache.js`, await precacheScript());
