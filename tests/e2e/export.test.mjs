// Exports fit for a paper or a post: every figure headed by the sentence and what it shows; the beams and the
// weights, the weights alone, every head and the comparison, as SVG and PNG; a long text laid out so that its
// labels are readable (the same pitch for beams and cells) instead of a tall strip with a small heatmap.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { launchBrowser, serve, viewsReady, watchPage } from './browser.mjs';

let browser, server;
before(async () => { browser = await launchBrowser(); server = await serve(); });
after(async () => { await browser?.close(); await server?.close(); });

const LONG = 'Attention lets every word look at every other word. The word bank means one thing by a river and another in a city, and the words around it tell the model which. Each head learns its own way of looking: one follows the previous word, another the next, others gather meaning from the whole sentence.';

async function exported(page, what, format) {
  await page.selectOption('#export-what', what);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-export="${format}"]`)]);
  return [download.suggestedFilename(), await readFile(await download.path())];
}
const pngSize = (png) => [png.readUInt32BE(16), png.readUInt32BE(20)];
// The SVG's texts, as a browser parses it (and no element from the input).
const parse = (page, svg) => page.evaluate((text) => {
  const document = new DOMParser().parseFromString(text, 'image/svg+xml');
  return {
    error: document.querySelector('parsererror')?.textContent ?? null,
    texts: [...document.querySelectorAll('text')].map((t) => t.textContent),
    images: document.querySelectorAll('image').length, lines: document.querySelectorAll('line').length,
    rects: document.querySelectorAll('rect').length, size: [document.documentElement.getAttribute('width'), document.documentElement.getAttribute('height')].map(Number),
  };
}, svg.toString('utf8'));

test('a 68-token text exports readably: the sentence on top, beams and cells at one pitch, a wide figure', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent(LONG)}&token=14&hideBos=on`);
  await viewsReady(page);
  const [name, svg] = await exported(page, 'figure', 'svg');
  assert.equal(name, 'attention-attention-lets-every-word-look-at-every-layer0-head2.svg');
  const figure = await parse(page, svg);
  assert.equal(figure.error, null);
  assert.ok(figure.texts[0].startsWith('“Attention lets every word look at every other word.'), figure.texts[0]);
  assert.ok(figure.texts.some((t) => t === 'builtin-bidirectional · Layer 0, head 2 · [BOS] hidden, rows rescaled'));
  const [width, height] = figure.size;
  assert.ok(width > height, `${width}×${height}`);
  assert.ok(!figure.texts.includes('[BOS]'), 'hidden in the export too');
  const [, png] = await exported(page, 'figure', 'png');
  const [pngWidth, pngHeight] = pngSize(png);
  assert.deepEqual([pngWidth, pngHeight], [width * 2, height * 2], 'the PNG is the SVG at 2×');
  console.log(`68 tokens: figure ${width}×${height} (PNG ${pngWidth}×${pngHeight}, ${png.length} bytes; SVG ${svg.length} bytes)`);

  const [heatmapName, heatmap] = await exported(page, 'heatmap', 'svg');
  assert.equal(heatmapName, name.replace('.svg', '-heatmap.svg'));
  const alone = await parse(page, heatmap);
  assert.deepEqual([alone.lines, alone.rects], [0, 67 * 67 + 3], 'the cells, the page, the chosen row, the colour bar; no beams');
  assert.ok(alone.texts[0].startsWith('“Attention lets'));
  const [, heatmapPng] = await exported(page, 'heatmap', 'png');
  console.log(`68 tokens: heatmap alone ${alone.size.join('×')} (PNG ${pngSize(heatmapPng).join('×')}, ${heatmapPng.length} bytes)`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('every head, and the comparison, export as figures too', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent('The cat sat on the mat')}&layer=1&head=3`);
  await viewsReady(page);
  const [headsName, heads] = await exported(page, 'heads', 'svg');
  assert.equal(headsName, 'attention-the-cat-sat-on-the-mat-layer1-head3-heads.svg');
  const grid = await parse(page, heads);
  assert.equal(grid.error, null);
  assert.equal(grid.images, 12, 'one thumbnail per head');
  assert.deepEqual([grid.texts[0], grid.texts[1]], ['“The cat sat on the mat”', 'builtin-bidirectional · every head']);
  const names = await page.locator('.head-thumb-label').allTextContents();
  for (const label of names) assert.ok(grid.texts.some((t) => label.startsWith(t.replace(/…$/, ''))), `${label} in the export`);
  const [, headsPng] = await exported(page, 'heads', 'png');
  console.log(`every head: ${grid.size.join('×')} (PNG ${pngSize(headsPng).join('×')}, ${headsPng.length} bytes)`);

  // Without a second sentence there is no comparison to export: said, not a broken file.
  await page.selectOption('#export-what', 'comparison');
  await page.click('[data-export="svg"]');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Could not export: type a second sentence under “Compare” first');
  await page.fill('#compare', 'I deposited cash at the bank');
  await page.waitForFunction(() => document.querySelectorAll('.compare-panel canvas').length === 3);
  const [compareName, compare] = await exported(page, 'comparison', 'svg');
  assert.equal(compareName, 'attention-the-cat-sat-on-the-mat-layer1-head3-compare.svg');
  const comparison = await parse(page, compare);
  assert.equal(comparison.texts[0], '“The cat sat on the mat” and “I deposited cash at the bank”');
  for (const title of ['First sentence', 'Second sentence', 'Cross-attention: first → second']) assert.ok(comparison.texts.includes(title));
  const [, comparePng] = await exported(page, 'comparison', 'png');
  console.log(`comparison: ${comparison.size.join('×')} (PNG ${pngSize(comparePng).join('×')}, ${comparePng.length} bytes)`);
  assert.deepEqual(problems, []);
  await page.close();
});
