// Embedding: the <attention-view> element on a plain page (over http under the strict CSP, from file://
// offline, with scripts off), the iframe embed with its height messages, the oEmbed answer, and the
// playground's Share / embed dialog. User text that looks like markup stays text everywhere.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { launchBrowser, serve, viewsReady, watchPage } from './browser.mjs';

let browser, server;
before(async () => { browser = await launchBrowser(); server = await serve(); });
after(async () => { await browser?.close(); await server?.close(); });

const HOSTILE = '<img src=x onerror=alert(1)> one two';
const elementPage = pathToFileURL(new URL('pages/element.html', import.meta.url).pathname).href;
const texts = (page, selector) => page.locator(selector).allTextContents();

// What both the http and the file:// page must show.
async function checkElements(page, where) {
  await viewsReady(page, ['#beams', '#lens', '#custom > attention-view']);
  for (const id of ['beams', 'lens']) assert.match(await page.locator(`#${id} .status`).textContent(), new RegExp(`computed ${where}$`));
  const queries = await texts(page, '#beams .beams-queries .beams-token');
  assert.equal(queries[0], '[BOS]');
  assert.equal(queries.slice(1).join('').replaceAll('·', ' '), 'The cat sat on the mat');
  assert.equal(await page.locator('#beams .beams-token[aria-pressed="true"]').textContent(), queries[2]);
  // The lens model, loaded on demand from attention-view.builtin-lens.js beside the script.
  assert.deepEqual((await texts(page, '#lens .head-thumb-label')).map((label) => label.split(' ')[0]), ['previous', 'next', 'itself', '[BOS]']);
  assert.equal(await page.locator('#lens input.sentence').inputValue(), HOSTILE);
  // Weights from elsewhere, through AttentionView.render: labels, layer names, text that looks like markup.
  assert.deepEqual(await texts(page, '#custom .heatmap-rows .heatmap-label'), ['[CLS]', 'hello', '<b>world</b>']);
  assert.equal(await page.locator('#custom select >> nth=0').inputValue(), '1');
  assert.deepEqual(await page.locator('#custom select >> nth=0').locator('option').allTextContents(), ['first', 'second']);
  assert.equal(await page.locator('img, b').count(), 0);  // Playwright's CSS reaches into the shadow roots
  assert.equal(await page.locator('#fallback').isVisible(), false);
}

test('the element over http: built-in models in one shared worker, render() for outside weights, keyboard and errors', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/test-pages/element.html`);
  await checkElements(page, 'in a worker');
  assert.equal(page.workers().length, 1);

  // Choices inside an element become its attributes and an event for the page.
  await page.evaluate(() => document.addEventListener('attention-view-change', (e) => { window.lastChange = e.detail; }));
  await page.locator('#beams select >> nth=1').selectOption('0');
  await page.waitForFunction(() => document.getElementById('beams').getAttribute('head') === '0');
  assert.deepEqual(await page.evaluate(() => [window.lastChange.head, window.lastChange.layer]), [0, 0]);
  await page.locator('#beams .beams-token[aria-pressed="true"]').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('beams').getAttribute('token') === '3');

  // height: the element keeps it and scrolls inside; theme: dark or light whatever the reader's preference.
  const look = () => page.$eval('#beams', (e) => [e.getBoundingClientRect().height, getComputedStyle(e).backgroundColor]);
  const [, light] = await look();
  await page.evaluate(() => { const e = document.getElementById('beams'); e.setAttribute('height', '200px'); e.setAttribute('theme', 'dark'); });
  await page.waitForFunction(() => document.getElementById('beams').getBoundingClientRect().height === 200);
  const [, dark] = await look();
  assert.deepEqual([light, dark], ['rgb(255, 255, 255)', 'rgb(28, 31, 36)']);

  // Typing in an editable element recomputes it.
  await page.locator('#lens input.sentence').fill('a b c d');
  await page.waitForFunction(() => document.getElementById('lens').shadowRoot.querySelector('.status').textContent.startsWith('5 tokens'));

  // Bad data: a TypeError naming the field, and the elements keep working.
  const error = await page.evaluate(() => {
    try { globalThis.AttentionView.render(document.getElementById('custom'), { tokens: 'x', weights: [] }); } catch (e) { return `${e.name}: ${e.message}`; }
    return 'no error';
  });
  assert.equal(error, 'TypeError: tokens: expected an array of strings, got string');
  await page.evaluate(() => document.getElementById('beams').setAttribute('sentence', 'Hello world'));
  await page.waitForFunction(() => [...document.getElementById('beams').shadowRoot.querySelectorAll('.beams-queries .beams-token')]
    .map((b) => b.textContent).join('') === '[BOS]Hello·world');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the element from file:// with the network off: computed on the page, the lens model from its script', async () => {
  const context = await browser.newContext();
  await context.setOffline(true);
  const page = await context.newPage();
  const problems = watchPage(page, 'file://');
  await page.goto(elementPage);
  await checkElements(page, 'on the page');
  assert.deepEqual(problems, []);
  await context.close();
});

test('without WebAssembly SIMD, the element loads the scalar build from attention-view.scalar.js beside it', async () => {
  const context = await browser.newContext();
  await context.setOffline(true);
  // A browser without SIMD128: its validator refuses the SIMD probe (and nothing else here calls it).
  await context.addInitScript(() => { WebAssembly.validate = () => false; });
  const page = await context.newPage();
  const problems = watchPage(page, 'file://');
  await page.goto(elementPage);
  await checkElements(page, 'on the page');
  assert.equal(await page.locator('script[src$="/attention-view.scalar.js"]').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('with scripts off, the element shows its fallback content', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/test-pages/element.html`);
  assert.equal(await page.locator('#fallback').isVisible(), true);
  assert.match(await page.locator('#fallback').textContent(), /needs JavaScript/);
  await context.close();
});

test('the iframe embed: state from the hash, height reported to the host, changes back into its hash; oEmbed', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/test-pages/iframe.html`);
  const frame = page.frameLocator('#embed');
  await viewsReady(frame, ['attention-view']);
  assert.equal(await frame.locator('attention-view select >> nth=0').inputValue(), '1');
  assert.equal(await frame.locator('attention-view select >> nth=1').inputValue(), '0');
  assert.deepEqual((await frame.locator('.heatmap-rows .heatmap-label').allTextContents()).slice(1).join('').replaceAll('·', ' '), 'The dog chased the ball');
  // The host set the iframe to the last height the embed reported, which fits the whole view.
  await page.waitForFunction(() => {
    const heights = document.getElementById('heights').textContent.trim().split('\n').map(Number);
    return heights.length > 0 && document.getElementById('embed').height === String(heights.at(-1));
  });
  const height = Number(await page.locator('#embed').getAttribute('height'));
  const content = await page.frame({ url: /embed\.html/ }).evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height > 300 && Math.abs(height - content) <= 1, `iframe ${height}, content ${content}`);

  await frame.locator('attention-view select >> nth=1').selectOption('3');
  const embed = page.frame({ url: /embed\.html/ });
  await embed.waitForFunction(() => location.hash.includes('head=3'));
  assert.match(await frame.locator('#open').getAttribute('href'), /^\.\/#.*head=3/);
  assert.match(await frame.locator('link[rel="alternate"]').getAttribute('type'), /json\+oembed/);

  const embedUrl = `${server.url}/embed.html#text=${encodeURIComponent(HOSTILE)}`;
  const oembed = await (await page.request.get(`${server.url}/oembed.json?url=${encodeURIComponent(embedUrl)}&maxwidth=600`)).json();
  assert.deepEqual([oembed.version, oembed.type, oembed.width, oembed.provider_url], ['1.0', 'rich', 600, `${server.url}/`]);
  assert.match(oembed.html, /^<iframe src="http:\/\/localhost:\d+\/embed\.html#text=%3Cimg[^"]*" title="Self-attention on “&lt;img src=x/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Share / embed: permalink, iframe and element snippets for the current state, copied to the clipboard', async () => {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent(HOSTILE)}&layer=1&head=0`);
  await viewsReady(page);
  await page.click('#share-open');
  assert.equal(await page.locator('#share').isVisible(), true);
  await page.selectOption('#share-view', 'heads');
  const iframe = await page.inputValue('#share-iframe');
  const element = await page.inputValue('#share-element');
  assert.ok(!iframe.includes('<img') && !element.includes('<img'));
  assert.match(element, /<attention-view sentence="&lt;img src=x onerror=alert\(1\)&gt; one two" model="builtin" layer="1" head="0" token="3" view="heads">/);
  await page.click('[data-copy="share-permalink"]');
  await page.waitForFunction(() => document.getElementById('share-copied').textContent === 'Copied.');
  const permalink = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(permalink, await page.inputValue('#share-permalink'));
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#share').isVisible(), false);

  // The iframe snippet's address shows the same state in the embed.
  const src = iframe.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  await page.goto(src);
  await viewsReady(page, ['attention-view']);
  assert.equal(await page.locator('attention-view input.sentence').inputValue(), HOSTILE);
  assert.equal(await page.locator('.head-thumb[aria-pressed="true"]').getAttribute('aria-label').then((label) => label.startsWith('Layer 1, head 0')), true);
  assert.equal(await page.locator('img').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the embed carries the whole teaching state: the comparison and cross-attention, √d_k off, temperature, hidden [BOS]', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page, server.url);
  const [text, compare] = ['The bank by the river', 'I deposited cash at the bank'];
  await page.goto(`${server.url}/#text=${encodeURIComponent(text)}&compare=${encodeURIComponent(compare)}&layer=1&head=0&mask=none&scaled=off&temperature=2&hideBos=on`);
  await viewsReady(page);
  await page.click('#share-open');
  assert.equal(await page.inputValue('#share-view'), 'compare', 'a comparison is what the embed offers first');
  const element = await page.inputValue('#share-element');
  assert.match(element, / compare="I deposited cash at the bank" mask="none" scaled="off" temperature="2" hide-bos>/);
  const src = (await page.inputValue('#share-iframe')).match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  await page.goto(src);
  await viewsReady(page, ['attention-view']);
  const view = page.locator('attention-view');
  assert.equal(await view.locator('.compare-panel').count(), 3);
  assert.deepEqual(await view.locator('.compare-panel h3').allTextContents(), ['First sentence', 'Second sentence', 'Cross-attention: first → second']);
  const firstRows = await view.locator('.compare-panel >> nth=0').locator('.heatmap-rows .heatmap-label').allTextContents();
  assert.equal(firstRows.join('').replaceAll('·', ' '), text, '[BOS] hidden');
  assert.match(await view.locator('.status').textContent(), /builtin-bidirectional \(mask: none, not divided by √dk, temperature 2\): Layer 1, head 0, \[BOS\] hidden, rows rescaled/);
  // The element's own view chooser offers the comparison; a choice there goes back into the embed's hash.
  await view.locator('select >> nth=2').selectOption('matrix');
  await page.waitForFunction(() => location.hash.includes('view=matrix') && location.hash.includes('temperature=2'));
  assert.equal(await view.locator('.heatmap-rows .heatmap-label').first().textContent(), 'The', 'still without [BOS]');
  // Choosing rows redraws the heatmap in the elements it keeps: its colour bar stays one.
  const cells = view.locator('.heatmap-cells'), box = await cells.boundingBox();
  const rows = await view.locator('.heatmap-rows .heatmap-label').count();
  for (const row of [4, 1]) {
    await cells.click({ position: { x: 2, y: (row + 0.5) * (box.height / rows) } });
    await page.waitForFunction((r) => location.hash.includes(`token=${r + 1}`), row);  // [BOS], hidden, is token 0
  }
  assert.equal(await view.locator('.colorbar').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a missing attention-view.builtin-causal.js is named, with where it must be', async () => {
  const context = await browser.newContext();
  await context.route('**/attention-view.builtin-causal.js', (route) => route.fulfill({ status: 404, body: 'Not found' }));
  const page = await context.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/test-pages/element.html`);
  await viewsReady(page, ['#beams']);
  await page.evaluate(() => document.getElementById('beams').setAttribute('model', 'builtin-causal'));
  const status = page.locator('#beams .status.error');
  await status.waitFor({ timeout: 20000 });
  assert.equal(await status.textContent(), `The model 'builtin-causal' is in attention-view.builtin-causal.js, which could not be loaded from `
    + `${server.url}/dist/attention-view.builtin-causal.js: copy attention-view.builtin-causal.js (from the project's dist/ folder) beside attention-view.js.`);
  // The element still works with the model it has.
  await page.evaluate(() => document.getElementById('beams').setAttribute('model', 'builtin'));
  await page.waitForFunction(() => document.getElementById('beams').shadowRoot.querySelector('.status:not(.error)'));
  assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
  await context.close();
});
