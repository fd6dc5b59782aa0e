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
//                                             each with all it imports as one ES module (tools/build/playground-bundles.mjs)
//   precache.js                               what the service worker (web/sw.js) caches, and its version
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BUILTIN_MODELS } from '../../web/lib/attention-api.mjs';
import { classicScript, version } from './classic-script.mjs';
import { PLAYGROUND_BUNDLES, playgroundBundle } from './playground-bundles.mjs';
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
// After the copies above: the bundles are made from them.
for (const name of Object.keys(PLAYGROUND_BUNDLES)) await playgroundBundle(name);
await writeFile(`${dist}/precache.js`, await precacheScript());
