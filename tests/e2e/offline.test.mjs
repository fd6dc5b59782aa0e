// Offline use: the one-file playground (npm run build:offline) from file:// with the network off, the exports
// (PNG, SVG, JSON) it makes, and the served site as a PWA: it works after the first visit with the server gone,
// and a new version is offered and replaces the old cache cleanly.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readWeights } from '../../web/lib/weights-format.mjs';
import { launchBrowser, serve, viewsReady, watchPage } from './browser.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const HOSTILE = '<img src=x onerror=alert(1)> & "quotes"';
const offlineFile = pathToFileURL(new URL('../../dist/attention-playground.html', import.meta.url).pathname).href;
const rowLabels = (page) => page.$$eval('.heatmap-rows .heatmap-label', (spans) => spans.map((s) => s.textContent));

// Clicks an export button; returns [file name, bytes].
async function exported(page, kind) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-export="${kind}"]`)]);
  return [download.suggestedFilename(), await readFile(await download.path())];
}

test('the offline file runs the whole playground from file:// with the network off, and exports PNG, SVG and JSON', async () => {
  const html = await readFile(new URL(offlineFile), 'utf8');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[^']+' 'wasm-unsafe-eval'; style-src 'sha256-[^']+'/);
  const markup = html.replace(/<script>[\s\S]*<\/script>/, '<script></script>');  // one inline script, nothing loaded
  assert.doesNotMatch(markup, /<script[^>]+src=|<link[^>]+stylesheet|style="/);

  const context = await browser.newContext();
  await context.setOffline(true);
  const page = await context.newPage();
  const problems = watchPage(page, 'file://');
  await page.goto(`${offlineFile}#text=${encodeURIComponent(HOSTILE)}&layer=1&head=3`);
  await viewsReady(page);
  assert.match(await page.textContent('#status'), /builtin-bidirectional · computed in [\d.]+ ms by the SIMD WebAssembly build on the page$/);
  const labels = await rowLabels(page);
  assert.equal(labels.slice(1).join('').replaceAll('·', ' '), HOSTILE);
  assert.equal(await page.locator('#share-open').isVisible(), false);  // its snippets would point at this disk
  // Markup typed in stays text in every view: beams, heatmap and its table, steps, head grid, comparison.
  await page.click('.heatmap-table summary');
  await page.fill('#compare', HOSTILE);
  await page.waitForSelector('.compare-panel canvas');
  assert.equal(await page.locator('img').count(), 0);
  const stepRows = await page.$$eval('.steps-keys tbody th[scope="row"]', (cells) => cells.map((c) => c.textContent));
  assert.equal(stepRows.slice(1).join('').replaceAll('·', ' '), HOSTILE);

  const [pngName, png] = await exported(page, 'png');
  assert.equal(pngName, 'attention-img-src-x-onerror-alert-1-quotes-layer1-head3.png');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  assert.ok(width > 600 && height > 300 && png.length > 10000, `${width}x${height}, ${png.length} bytes`);

  const [svgName, svg] = await exported(page, 'svg');
  assert.equal(svgName, pngName.replace('.png', '.svg'));
  const parsed = await page.evaluate((text) => {
    const document = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: document.querySelector('parsererror')?.textContent ?? null,
      root: document.documentElement.localName,
      texts: [...document.querySelectorAll('text')].map((t) => t.textContent),
      foreign: document.querySelectorAll('img, script, foreignObject').length,
    };
  }, svg.toString('utf8'));
  assert.equal(parsed.error, null);
  assert.equal(parsed.root, 'svg');
  assert.equal(parsed.foreign, 0);
  for (const token of ['<', '>', '&', '"', '·on']) assert.ok(parsed.texts.includes(token), `${token} in ${parsed.texts.join('|')}`);
  assert.ok(parsed.texts.includes('[BOS]'));

  const [jsonName, json] = await exported(page, 'json');
  assert.equal(jsonName, pngName.replace('.png', '.json'));
  const data = JSON.parse(json.toString('utf8'));
  const read = readWeights(data);
  assert.deepEqual([read.layers, read.heads, read.n, read.m], [3, 4, labels.length, labels.length]);
  assert.equal(data.tokens.slice(1).join(''), HOSTILE);
  assert.deepEqual([data.model.name, data.model.layers, data.state.text, data.state.layer, data.state.head], ['builtin-bidirectional', 3, HOSTILE, 1, 3]);
  for (let row = 0; row < read.n; row++) {
    const sum = read.attentions.subarray(row * read.m, (row + 1) * read.m).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4, `row ${row} sums to ${sum}`);
  }

  // The other built-in models are in the file too.
  await page.selectOption('#model', 'builtin-lens');
  await page.waitForFunction(() => document.querySelectorAll('.head-thumb').length === 4);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the served site is a PWA: it works with the server gone after one visit, and a new version is offered and cleanly replaces the old', async () => {
  let salt = 'v1';
  let server = await serve({ precacheSalt: () => salt });
  const { port } = server;
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/`);
  await viewsReady(page);
  const manifest = await page.evaluate(async () => (await fetch(document.querySelector('link[rel="manifest"]').href)).json());
  assert.deepEqual([manifest.name, manifest.start_url, manifest.display], ['Attention playground', './', 'standalone']);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
  const [firstCache] = await page.evaluate(() => caches.keys());
  // Installable: Chromium finds nothing missing (test contexts are incognito-like, which it reports on its own).
  const { installabilityErrors } = await (await context.newCDPSession(page)).send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors.filter((e) => e.errorId !== 'in-incognito'), []);

  // The network gone: no server, and the browser offline.
  await server.close();
  await context.setOffline(true);
  await page.reload();
  await viewsReady(page);
  assert.match(await page.textContent('#status'), /on the page$/);
  await page.fill('#sentence', 'Offline still works');
  await page.waitForFunction(() => [...document.querySelectorAll('.heatmap-rows .heatmap-label')].map((s) => s.textContent).join('') === '[BOS]Offline·still·works');
  await page.selectOption('#model', 'builtin-causal');
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('builtin-causal'));
  // A model of your own starts the worker, its threads and their build, from the cache.
  const folder = new URL('../fixtures/checkpoints/gpt2/', import.meta.url);
  await page.setInputFiles('#checkpoint-files', (await readdir(folder)).filter((f) => f !== 'reference.json').map((f) => fileURLToPath(new URL(f, folder))));
  await page.waitForFunction(() => /GPT2LMHeadModel · computed in [\d.]+ ms by the SIMD WebAssembly build in a worker on \d threads$/.test(document.getElementById('status').textContent), null, { timeout: 20000 });
  await page.selectOption('#model', 'builtin');  // (the reload below cannot have your files)
  await viewsReady(page);

  // A new version on the server: offered, not forced; Reload switches, and only the new cache remains.
  salt = 'v2';
  server = await serve({ precacheSalt: () => salt }, port);
  await context.setOffline(false);
  assert.equal(await page.locator('#update').isVisible(), false);
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  await page.waitForSelector('#update:not([hidden])', { timeout: 20000 });
  await Promise.all([page.waitForEvent('load'), page.click('#update-reload')]);
  await viewsReady(page);
  const caches = await page.evaluate(() => caches.keys());
  assert.equal(caches.length, 1);
  assert.notEqual(caches[0], firstCache);
  assert.match(caches[0], /^attention-playground-[0-9a-f]{16}$/);
  assert.deepEqual(problems.filter((p) => !p.includes('net::ERR_INTERNET_DISCONNECTED')), []);
  await context.close();
  await server.close();
});
