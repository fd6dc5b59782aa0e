// The page `npm start` serves: it runs the built-in model in the wasm core, draws one head's weights, and
// follows typing and the controls, with no console error, no CSP violation and no request leaving the origin.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, serve, watchPage } from './browser.mjs';

let browser, server;
before(async () => { browser = await launchBrowser(); server = await serve(); });
after(async () => { await browser?.close(); await server?.close(); });

const rowLabels = (page) => page.$$eval('.heatmap-rows .heatmap-label', (spans) => spans.map((s) => s.textContent));

test('the playground draws a head of the built-in model and follows typing and the controls', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#matrix[data-ready="true"] canvas', { timeout: 15000 });
  assert.match(await page.textContent('#status'), /^\d+ tokens · builtin-bidirectional · computed in [\d.]+ ms by the SIMD WebAssembly build/);
  const labels = await rowLabels(page);
  assert.equal(labels[0], '[BOS]');
  assert.equal(labels.slice(1).join('').replaceAll('·', ' '), 'The cat sat on the mat because it was tired');
  const size = await page.$eval('#matrix canvas', (canvas) => [canvas.width, canvas.height]);
  assert.deepEqual(size, [labels.length, labels.length]);
  assert.match(await page.textContent('.heatmap-readout'), /^Layer 0, head 2:/);

  // The table view holds the same numbers, with the tokens as row and column headers.
  await page.click('.heatmap-table summary');
  const table = await page.$$eval('.heatmap-table tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
  assert.equal(table.length, labels.length);
  assert.equal(table[2][0], '·cat');
  for (const row of table) {
    const sum = row.slice(1).reduce((total, cell) => total + Number(cell), 0);
    assert.ok(Math.abs(sum - 1) < 0.01 * labels.length, `row ${row[0]} sums to ${sum}`);
  }

  // The controls, by keyboard-reachable native selects.
  await page.selectOption('#layer', '2');
  await page.selectOption('#head', '1');
  await page.waitForFunction(() => document.querySelector('.heatmap-readout').textContent.startsWith('Layer 2, head 1:'));
  await page.selectOption('#model', 'builtin-causal');
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('builtin-causal'));

  // User text is inserted as text: markup stays inert and shows literally.
  await page.fill('#sentence', '<img src=x onerror=alert(1)> hello');
  await page.waitForFunction(() => [...document.querySelectorAll('.heatmap-rows .heatmap-label')]
    .map((s) => s.textContent).join('').endsWith('hello'));
  assert.equal(await page.$$eval('#matrix img', (images) => images.length), 0);
  assert.equal((await rowLabels(page)).slice(1).join('').replaceAll('·', ' '), '<img src=x onerror=alert(1)> hello');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the state lives in the URL hash: permalinks restore it, and Back undoes a change', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  const text = 'Un chat 🐈 & a dog';
  await page.goto(`${server.url}/#text=${encodeURIComponent(text)}&model=builtin-causal&layer=1&head=3`);
  await page.waitForSelector('#matrix[data-ready="true"] canvas', { timeout: 15000 });
  assert.equal(await page.inputValue('#sentence'), text);
  assert.equal(await page.inputValue('#model'), 'builtin-causal');
  assert.match(await page.textContent('.heatmap-readout'), /^Layer 1, head 3:/);

  await page.selectOption('#head', '0');
  await page.waitForFunction(() => location.hash.includes('head=0'));
  assert.match(await page.textContent('.heatmap-readout'), /^Layer 1, head 0:/);
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('.heatmap-readout').textContent.startsWith('Layer 1, head 3:'));
  assert.equal(await page.inputValue('#head'), '3');

  // The grid of every head: one button per layer and head, the selected one pressed; clicking selects.
  assert.equal(await page.$$eval('.head-thumb', (buttons) => buttons.length), 12);
  assert.deepEqual(await page.$$eval('.head-thumb[aria-pressed="true"]', (b) => b.map((x) => x.getAttribute('aria-label').split(':')[0])), ['Layer 1, head 3']);
  await page.click('.head-thumb[aria-label^="Layer 2, head 2:"]');
  await page.waitForFunction(() => document.querySelector('.heatmap-readout').textContent.startsWith('Layer 2, head 2:'));
  assert.match(await page.evaluate(() => location.hash), /layer=2/, 'head 2 is the default, so only the layer shows');
  await page.focus('.head-thumb[aria-label^="Layer 0, head 1:"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('.heatmap-readout').textContent.startsWith('Layer 0, head 1:'));

  // Across heads and layers: the average of a layer's heads, and the rollout.
  await page.selectOption('#head', 'average');
  await page.waitForFunction(() => document.querySelector('.heatmap-readout').textContent.startsWith('Layer 0, average of its 4 heads:'));
  await page.selectOption('#layer', '2');
  await page.selectOption('#head', 'rollout');
  await page.waitForFunction(() => document.querySelector('.heatmap-readout').textContent.startsWith('Attention rollout through layers 0–2:'));
  assert.match(await page.evaluate(() => location.hash), /head=rollout/);

  // Out-of-range values from a hand-edited link are clamped to the model, not an error.
  await page.goto(`${server.url}/#layer=9&head=9`);
  await page.waitForFunction(() => document.querySelector('.heatmap-readout')?.textContent.startsWith('Layer 2, head 3:'));
  assert.deepEqual(problems, []);
  await page.close();
});
