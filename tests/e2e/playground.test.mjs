// The page `npm start` serves: it loads the wasm core, draws a weight matrix, and follows typing,
// with no console error, no CSP violation and no request leaving the origin.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, serve, watchPage } from './browser.mjs';

let browser, server;
before(async () => { browser = await launchBrowser(); server = await serve(); });
after(async () => { await browser?.close(); await server?.close(); });

test('the playground draws the attention matrix of the sentence and follows typing', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#matrix[data-ready="true"] canvas', { timeout: 15000 });
  assert.match(await page.textContent('#status'), /^11 tokens · computed in [\d.]+ ms by the SIMD WebAssembly build/);
  const size = await page.$eval('#matrix canvas', (canvas) => [canvas.width, canvas.height]);
  assert.deepEqual(size, [11, 11]);

  // User text is inserted as text: markup stays inert and shows literally.
  await page.fill('#sentence', '<img src=x onerror=alert(1)> hello');
  // 13 tokens: < img src = x onerror = alert ( 1 ) > hello
  await page.waitForFunction(() => document.querySelector('#matrix canvas')?.width === 13);
  assert.equal(await page.$$eval('#matrix img', (images) => images.length), 0);
  const labels = await page.$$eval('.heatmap-rows .heatmap-label', (spans) => spans.map((s) => s.textContent));
  assert.deepEqual(labels.slice(0, 3), ['<', 'img', 'src']);
  assert.deepEqual(problems, []);
  await page.close();
});
