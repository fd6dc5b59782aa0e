// web/index.html loads the page as one file, dist/playground.mjs (web/app.mjs and all it imports, written by
// tools/build/bundle.mjs), and its worker is one file too, dist/playground-worker.mjs: on a small machine every
// file asked for costs 20-90 ms (first picture: issue 17, item 7). (Needs dist/ built.)
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { precacheManifest } from '../../tools/build/precache.mjs';

const read = (path) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');
// import … from '…', export … from '…', and bare import '…' (not import(): those load on demand).
const staticImports = (source) => [...source.matchAll(/^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)].map(([, s]) => s);

test('index.html runs one script, the page as one file', async () => {
  const html = await read('web/index.html');
  assert.deepEqual([...html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag), ['<script type="module" src="dist/playground.mjs">']);
  assert.doesNotMatch(html, /modulepreload/);
});

test('the page bundle imports nothing (the glue it asks for on demand stays in dist/); the worker bundle imports nothing', async () => {
  const page = await read('dist/playground.mjs');
  assert.deepEqual(staticImports(page), []);
  assert.match(page, /function serveRequests|function startEngine/, 'web/lib is inside');
  const worker = await read('dist/playground-worker.mjs');
  assert.deepEqual(staticImports(worker), []);
  assert.match(worker, /function serveRequests/);
  // Only node's branches import: the glue is inside.
  assert.deepEqual([...new Set([...worker.matchAll(/\bimport\(\s*["']([^"']+)["']/g)].map(([, s]) => s))].filter((s) => !s.startsWith('node:')), []);
});

test('the service worker keeps both bundles and what they load, for offline use', async () => {
  const { files } = await precacheManifest();
  for (const file of ['./', 'index.html', 'dist/playground.mjs', 'dist/playground-worker.mjs',
    'dist/attention-threads.wasm', 'dist/attention-threads.js', 'dist/attention-threads.worker.js', 'dist/models/builtin-bidirectional.attn']) {
    assert.ok(files.includes(file), file);
  }
  assert.ok(!files.includes('app.mjs') && !files.includes('worker.mjs'), 'not the sources the bundles hold');
});

test('the dev server serves the bundles as tools/build/bundle.mjs writes them, made from the sources of the moment', async () => {
  const { startServer } = await import('../../tools/serve/serve.mjs');
  const server = await startServer(0);
  try {
    for (const name of ['playground.mjs', 'playground-worker.mjs']) {
      const response = await fetch(`http://127.0.0.1:${server.address().port}/dist/${name}`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type'), /^text\/javascript/);
      assert.equal(await response.text(), await read(`dist/${name}`), `${name}: as built (rebuild dist/ if a source changed since)`);
    }
  } finally {
    await new Promise((done) => server.close(done));
  }
});
