// The two packagings in a real browser (Debian's Chromium): the classic script from file://, and the
// ES module inside a Web Worker over http, under the strict CSP of the dev server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { launchBrowser, serve, watchPage } from './browser.mjs';

let browser, server;
before(async () => { browser = await launchBrowser(); server = await serve(); });
after(async () => { await browser?.close(); await server?.close(); });

async function resultOf(page) {
  await page.waitForFunction(() => document.getElementById('result').textContent !== 'pending', null, { timeout: 15000 });
  return JSON.parse(await page.textContent('#result'));
}

test('the classic-script build works from a file:// page', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page);
  await page.goto(pathToFileURL(new URL('pages/classic.html', import.meta.url).pathname).href);
  const result = await resultOf(page);
  assert.equal(result.failed, undefined, result.failed);
  assert.equal(result.simd, true);
  const e = Math.exp(1 / Math.sqrt(2));
  assert.ok(Math.abs(result.weights[0] - e / (e + 1)) < 1e-6);
  assert.equal(result.error, 'RangeError: q: expected n*dk = 2 floats, got 1');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the ES-module build runs inside a Web Worker', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/test-pages/worker.html`);
  const result = await resultOf(page);
  assert.equal(result.failed, undefined, result.failed);
  assert.equal(result.simd, true);
  // Two heads over identity projections: head 0 sees columns 0-1, head 1 columns 2-3.
  assert.equal(result.weights.length, 2 * 2 * 2);
  const high = Math.exp(1 / Math.sqrt(2)) / (Math.exp(1 / Math.sqrt(2)) + 1);
  assert.ok(Math.abs(result.weights[0] - high) < 1e-6, String(result.weights));
  assert.deepEqual(problems, []);
  await page.close();
});
