// The page `npm start` serves: it runs the built-in model in the wasm core, draws one head's weights, and
// follows typing and the controls, with no console error, no CSP violation and no request leaving the origin.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, serve, viewsReady, watchPage } from './browser.mjs';

let browser, server;
before(async () => { browser = await launchBrowser(); server = await serve(); });
after(async () => { await browser?.close(); await server?.close(); });

// The files of a fixture checkpoint (tests/fixtures/checkpoints), as the file picker takes them.
const checkpointFiles = async (name) => {
  const folder = new URL(`../fixtures/checkpoints/${name}/`, import.meta.url);
  return (await readdir(folder)).filter((f) => f !== 'reference.json').map((f) => fileURLToPath(new URL(f, folder)));
};
const rowLabels = (page) => page.$$eval('.heatmap-rows .heatmap-label', (spans) => spans.map((s) => s.textContent));

test('the playground draws a head of the built-in model and follows typing and the controls', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  // Every text the status line shows while the page loads: "Loading…", then the result, and nothing in between.
  await page.addInitScript(() => {
    window.statuses = [];
    new MutationObserver(() => {
      const text = document.getElementById('status')?.textContent;
      if (text && text !== window.statuses.at(-1)) window.statuses.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(`${server.url}/`);
  await viewsReady(page);
  assert.match(await page.textContent('#status'), /^\d+ tokens · builtin-bidirectional · computed in [\d.]+ ms by the SIMD WebAssembly build on the page$/);
  assert.deepEqual((await page.evaluate(() => window.statuses)).filter((text) => !/^Loading|^\d+ tokens/.test(text)), [], 'no error while the core loads');
  const labels = await rowLabels(page);
  assert.equal(labels[0], '[BOS]');
  assert.equal(labels.slice(1).join('').replaceAll('·', ' '), 'The cat sat on the mat because it was tired');
  const size = await page.$eval('#matrix canvas', (canvas) => [canvas.width, canvas.height]);
  assert.deepEqual(size, [labels.length, labels.length]);
  assert.match(await page.textContent('.heatmap-readout'), /^Layer 0, head 2:/);
  // The marks in the tokens are explained beside them: a legend just under the beams.
  const legend = await page.$$eval('#token-legend div', (items) => items.map((item) => [item.querySelector('dt').textContent, item.querySelector('dd').textContent]));
  assert.deepEqual(legend.map(([mark]) => mark), ['·', '…', '⏎']);
  assert.match(legend[0][1], /^a space before the token/);
  assert.match(legend[1][1], /^part of a character/);
  const [beamsBox, legendBox] = await Promise.all(['#beams', '#token-legend'].map((selector) => page.locator(selector).boundingBox()));
  assert.ok(legendBox.y >= beamsBox.y + beamsBox.height - 1 && legendBox.y - (beamsBox.y + beamsBox.height) < 40, 'right under the beams');

  // The table view holds the same numbers, with the tokens as row and column headers.
  await page.click('.heatmap-table summary');
  await page.waitForSelector('.heatmap-table tbody tr');
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
  // The lens model's hand-set heads, named by the head grid; its single layer clamps the layer control.
  await page.selectOption('#model', 'builtin-lens');
  await page.waitForFunction(() => document.querySelectorAll('.head-thumb').length === 4);
  assert.equal(await page.inputValue('#layer'), '0');
  const named = await page.$$eval('.head-thumb-label', (spans) => spans.map((s) => s.textContent.split(' ')[0]));
  assert.deepEqual(named, ['previous', 'next', 'itself', '[BOS]']);
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
  await viewsReady(page);
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

// The numbers of the main heatmap, read from its table view.
async function weightsTable(page) {
  if (!(await page.$eval('#matrix .heatmap-table', (d) => d.open))) await page.click('#matrix .heatmap-table summary');
  await page.waitForSelector('#matrix .heatmap-table tbody tr');
  return page.$$eval('#matrix .heatmap-table tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => Number(c.textContent))));
}

test('typing changes the weights; a clicked token drives the beams and the four steps', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent('The cat sat')}&layer=1&head=0`);
  await viewsReady(page);
  const before = await weightsTable(page);
  await page.focus('#sentence');
  await page.keyboard.press('End');
  await page.keyboard.type(' on');
  await page.waitForFunction(() => document.querySelectorAll('#matrix .heatmap-rows .heatmap-label').length === 5);
  const after = await weightsTable(page);
  assert.notDeepEqual(after.slice(0, 4).map((r) => r.slice(0, 4)), before, 'a new token changes the earlier rows (bidirectional)');
  await page.waitForFunction(() => /text=The\+cat\+sat\+on/.test(location.hash));  // (written once typing pauses)

  // Beams: one button per token; clicking one selects it, draws one line per visible key and names it in the steps.
  assert.equal(await page.$$eval('.beams-queries button', (b) => b.length), 5);
  await page.click('.beams-queries button:nth-child(3)');
  await page.waitForFunction(() => location.hash.includes('token=2'));
  assert.equal(await page.getAttribute('.beams-queries button:nth-child(3)', 'aria-pressed'), 'true');
  assert.equal(await page.$$eval('.beams-lines line', (lines) => lines.length), 5);
  assert.match(await page.textContent('.steps-query'), /^1\. Project\. The query of “·cat” is q = \[/);
  const check = await page.textContent('.steps-output');
  const [, difference] = check.match(/to within ([\d.e+-]+)\./);
  assert.ok(Number(difference) < 1e-5, check);
  // The steps' softmax column is row 2 of the heatmap.
  const softmax = await page.$$eval('.steps-weight', (cells) => cells.map((c) => Number(c.textContent)));
  const table = await weightsTable(page);
  assert.deepEqual(softmax, table[2]);
  assert.deepEqual(problems, []);
  await page.close();
});

test('what-if controls: a causal mask empties the upper triangle; hide [BOS]; the √d_k box and temperature', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent('The bank by the river')}&layer=1&head=1`);
  await viewsReady(page);
  const open = await weightsTable(page);
  assert.ok(open.some((row, i) => row.some((w, j) => j > i && w > 0.001)), 'the bidirectional model looks ahead');

  await page.selectOption('#mask', 'causal');
  await page.waitForFunction(() => location.hash.includes('mask=causal'));
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('mask: causal'));
  const masked = await weightsTable(page);
  masked.forEach((row, i) => row.forEach((w, j) => { if (j > i) assert.equal(w, 0, `row ${i}, column ${j}`); }));
  assert.ok(await page.$$eval('.steps-table td', (cells) => cells.some((c) => c.textContent.startsWith('masked'))));

  await page.selectOption('#mask', 'trained');
  await page.uncheck('#scaled');
  await page.waitForFunction(() => location.hash.includes('scaled=off'));
  await page.waitForFunction(() => document.querySelector('.steps-caption').textContent.includes('Divide by 1 = 1.00'));
  await page.check('#scaled');
  await page.$eval('#temperature', (range) => { range.value = '2'; range.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForFunction(() => location.hash.includes('temperature=2'));
  await page.waitForFunction(() => document.querySelector('.steps-caption').textContent.includes('√16 × 2 = 8.00'));

  await page.check('#hide-bos');
  await page.waitForFunction(() => location.hash.includes('hideBos=on'));
  const labels = await rowLabels(page);
  assert.equal(labels.includes('[BOS]'), false);
  assert.equal(labels.length, 5);
  for (const row of await weightsTable(page)) assert.ok(Math.abs(row.reduce((a, b) => a + b) - 1) < 0.01);
  assert.deepEqual(problems, []);
  await page.close();
});

test('compare and cross-attention; long input keeps working with a note; the examples menu', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/`);
  await viewsReady(page);
  await page.selectOption('#examples', { label: 'Compare two sentences with “bank” (and cross-attention)' });
  await page.waitForFunction(() => document.querySelectorAll('.compare-panel').length === 3);
  assert.equal(await page.inputValue('#compare'), 'I deposited cash at the bank');
  const sizes = await page.$$eval('.compare-panel canvas', (canvases) => canvases.map((c) => [c.height, c.width]));
  const [a, b] = await page.$$eval('.compare-panel', (panels) => panels.slice(0, 2).map((p) => p.querySelectorAll('.heatmap-rows .heatmap-label').length));
  assert.deepEqual(sizes, [[a, a], [b, b], [a, b]], 'cross-attention: the first sentence\'s queries by the second\'s keys');

  const long = Array.from({ length: 500 }, (_, i) => ['the', 'cat', 'sat', 'on', 'mat'][i % 5]).join(' ');
  await page.fill('#sentence', long);
  await page.waitForSelector('#length-note:not([hidden])');
  assert.match(await page.textContent('#length-note'), /^The text has \d+ tokens; the model reads at most 127 besides \[BOS\], so the views show the first 127\./);
  assert.deepEqual(await page.$eval('#matrix canvas', (c) => [c.width, c.height]), [128, 128]);
  assert.equal(await page.$$eval('.beams-rows', (f) => f.length), 1, 'long input: the beams turn into rows');
  await page.fill('#sentence', 'short again');
  await page.waitForSelector('#length-note[hidden]', { state: 'attached' });
  assert.deepEqual(problems, []);
  await page.close();
});

test('keyboard only: controls, beams and the head grid, with a visible focus', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent('a cat and a dog')}`);
  await viewsReady(page);
  await page.focus('#sentence');
  const tabTo = async (selector) => {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => document.activeElement.matches(s), selector)) return;
    }
    throw new Error(`Tab never reached ${selector}`);
  };
  await tabTo('#layer');
  await page.keyboard.press('ArrowDown');  // a focused closed select changes value with the arrow keys
  await page.waitForFunction(() => location.hash.includes('layer=1'));
  await tabTo('.beams-queries button');
  assert.notEqual(await page.$eval('.beams-queries button[tabindex="0"]', (b) => getComputedStyle(b).outlineStyle), 'none');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('token=5'));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.focus), 'beam-5', 'focus survives the re-render');
  await tabTo('.head-thumb');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('head=0'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('?simd=0 runs the scalar build, the built-in models on the page (no worker started), with the same numbers', async () => {
  const tables = [];
  for (const search of ['', '?simd=0']) {
    const page = await browser.newPage();
    const problems = watchPage(page, server.url);
    await page.goto(`${server.url}/${search}#text=${encodeURIComponent('Attention is all you need')}&layer=2&head=3`);
    await viewsReady(page);
    assert.match(await page.textContent('#status'), new RegExp(`by the ${search ? 'scalar' : 'SIMD'} WebAssembly build on the page$`));
    assert.equal(page.workers().length, 0, 'the worker starts only for a model of its own');
    tables.push(await weightsTable(page));
    assert.deepEqual(problems, []);
    await page.close();
  }
  const worst = Math.max(...tables[0].flatMap((row, i) => row.map((w, j) => Math.abs(w - tables[1][i][j]))));
  assert.ok(worst <= 0.0011, `SIMD and scalar differ by ${worst} (3 decimals shown)`);
});

test('over http the page is cross-origin isolated: a model of your own is computed in the worker on the threaded build, ?threads=1 on one thread', async () => {
  const files = await checkpointFiles('gpt2');
  const tables = [];
  for (const search of ['', '?threads=1']) {
    const page = await browser.newPage();
    const problems = watchPage(page, server.url);
    await page.goto(`${server.url}/${search}#text=${encodeURIComponent('The cat sat on the mat.')}&layer=1&head=3`);
    await viewsReady(page);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    await page.setInputFiles('#checkpoint-files', files);
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('GPT2LMHeadModel'), null, { timeout: 20000 });
    const threads = search ? 1 : await page.evaluate(() => Math.min(4, navigator.hardwareConcurrency));
    assert.match(await page.textContent('#status'), new RegExp(`by the SIMD WebAssembly build in a worker${threads > 1 ? ` on ${threads} threads` : ''}$`));
    // The page's worker, and each further thread's worker (started from a script of this origin, no blob:).
    assert.equal(page.workers().length, threads);
    for (const worker of page.workers()) assert.ok(worker.url().startsWith(`${server.url}/`), worker.url());
    tables.push(await weightsTable(page));
    // Back to a built-in model: on the page again.
    await page.selectOption('#model', 'builtin-causal');
    await page.waitForFunction(() => /builtin-causal · computed in [\d.]+ ms by the SIMD WebAssembly build on the page$/.test(document.getElementById('status').textContent));
    assert.deepEqual(problems, []);
    await page.close();
  }
  assert.deepEqual(tables[0], tables[1]);
});

test('a long text survives a reload through its compressed link; a damaged or over-long link says what it lost', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/`);
  await viewsReady(page);
  const long = Array.from({ length: 1200 }, (_, i) => ['Attention', 'looks', 'back', 'at', 'every', 'word', '猫', '&', '#'][i % 9]).join(' ');
  await page.fill('#sentence', long);
  await page.waitForFunction(() => location.hash.startsWith('#z1='));
  await page.reload();
  await viewsReady(page);
  assert.equal(await page.inputValue('#sentence'), long, `${long.length} characters kept`);
  assert.match(await page.textContent('#length-note'), /^The text has \d+ tokens; the model reads at most 127/);
  assert.equal(await page.locator('#link-note').isVisible(), false);

  await page.goto(`${server.url}/#z1=not-deflate`);
  await page.waitForSelector('#link-note:not([hidden])');
  assert.match(await page.textContent('#link-note'), /^This link is damaged \(its compressed part cannot be read: .*\); the playground opens with its defaults\.$/);
  assert.equal(await page.inputValue('#sentence'), 'The cat sat on the mat because it was tired');

  // (The note for the damaged link is still up: wait for the new one, not for a visible note.)
  await page.fill('#sentence', 'x '.repeat(50005));
  const cut = 'A link keeps the first 100,000 characters of the sentence; the rest is not in it.';
  await page.waitForFunction((text) => document.getElementById('link-note').textContent === text && !document.getElementById('link-note').hidden, cut);
  assert.deepEqual(problems, []);
  await page.close();
});

// Typing a word, one key every 40 ms; the views' results counted by their timings (views.mjs).
async function typeWord(page, word) {
  await page.focus('#sentence');
  await page.keyboard.press('End');
  await page.keyboard.type(word, { delay: 40 });
}

test('the status line\'s live region speaks once typing settles, not on every keystroke', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=The`);
  await viewsReady(page);
  // The live region that reports the computation (role=status), whichever element it is.
  await page.waitForFunction(() => document.querySelector('.actions [role="status"]').textContent !== '');
  await page.evaluate(() => {
    window.liveChanges = [];
    const live = document.querySelector('.actions [role="status"]');
    new MutationObserver(() => window.liveChanges.push(live.textContent)).observe(live, { childList: true, characterData: true, subtree: true });
    performance.clearMeasures('render beams');
  });
  const word = ' cat sat on the warm mat';
  await typeWord(page, word);
  await page.waitForFunction(() => document.getElementById('sentence').value.endsWith('mat'));
  await page.waitForTimeout(1500);  // longer than the region waits for the page to settle
  const { changes, results, live, status } = await page.evaluate(() => ({
    changes: window.liveChanges, results: performance.getEntriesByName('render beams').length,
    live: document.querySelector('.actions [role="status"]').textContent, status: document.getElementById('status').textContent,
  }));
  assert.ok(results >= 2, `${results} results drawn while typing`);
  assert.ok(changes.length <= results && changes.length <= 2, `${changes.length} announcements for ${word.length} keystrokes and ${results} results: ${changes.join(' | ')}`);
  assert.ok(changes.length >= 1, 'the final result is told');
  assert.match(live, /^\d+ tokens, builtin-bidirectional: Layer 0, head 2\.$/);
  assert.equal(live.split(' ')[0], status.split(' ')[0], 'the same token count as the line shows');
  assert.equal(await page.getAttribute('#status', 'role'), null, 'the line itself is not a live region');
  assert.deepEqual(problems, []);
  await page.close();
});

test('"Computing…" shows, and the views say they are busy, whenever the shown result is older than the text', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  // Results from the worker (a model of your own: the built-in ones are computed on the page, in the keystroke's
  // frame) arrive 700 ms late while window.slow is set: time to see the state in between.
  await page.addInitScript(() => {
    const listen = Worker.prototype.addEventListener;
    Worker.prototype.addEventListener = function (type, listener, options) {
      const late = (event) => (window.slow && event.data?.result ? setTimeout(() => listener(event), 700) : listener(event));
      return listen.call(this, type, type === 'message' ? late : listener, options);
    };
  });
  await page.goto(`${server.url}/#text=The+cat`);
  await viewsReady(page);
  await page.setInputFiles('#checkpoint-files', await checkpointFiles('gpt2'));
  await page.waitForFunction(() => /GPT2LMHeadModel · computed/.test(document.getElementById('status').textContent), null, { timeout: 20000 });
  await page.waitForSelector('#computing', { state: 'hidden' });
  const tokens = await page.locator('.beams-queries .beams-token').count();
  await page.evaluate(() => { window.slow = true; });
  await typeWord(page, ' sat');
  assert.equal(await page.locator('#computing').isVisible(), true);
  assert.equal(await page.getAttribute('#views', 'aria-busy'), 'true');
  assert.equal(await page.locator('.beams-queries .beams-token').count(), tokens, 'still the older result');
  await page.waitForFunction((n) => document.querySelectorAll('.beams-queries .beams-token').length > n, tokens);
  assert.equal(await page.getAttribute('#views', 'aria-busy'), 'false', 'the views show the newer result');
  // The predictions follow the rest of the result: until they come, their view says it is out of date.
  assert.equal(await page.getAttribute('#predictions', 'aria-busy'), 'true');
  assert.equal(await page.locator('#computing').isVisible(), true);
  await page.waitForSelector('#computing', { state: 'hidden' });
  assert.equal(await page.getAttribute('#predictions', 'aria-busy'), 'false');
  // A what-if control is a change of result too; the head is not (it redraws the last result at once).
  await page.uncheck('#scaled');
  assert.equal(await page.locator('#computing').isVisible(), true);
  await page.waitForSelector('#computing', { state: 'hidden' });
  await page.selectOption('#head', '1');
  assert.equal(await page.locator('#computing').isVisible(), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('choosing a head in the grid brings the views it changed into sight', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/`);
  await viewsReady(page);
  await page.locator('#heads').scrollIntoViewIfNeeded();
  const below = await page.evaluate(() => document.querySelector('.pair').getBoundingClientRect().top);
  assert.ok(below < -600, `the views are ${-below} px above`);
  await page.click('.head-thumb[aria-label^="Layer 1, head 3:"]');
  await page.waitForFunction(() => document.querySelector('.heatmap-readout').textContent.startsWith('Layer 1, head 3:'));
  await page.waitForFunction(() => Math.abs(document.querySelector('.pair').getBoundingClientRect().top) < 40, null, { timeout: 5000 });
  assert.equal(await page.locator('.pair.just-changed').count(), 1, 'and marked');
  assert.deepEqual(problems, []);
  await page.close();
});

test('typing reaches the link once it pauses, and a change right after typing keeps the typed text in the entry Back returns to', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent('The cat sat')}`);
  await viewsReady(page);
  await page.focus('#sentence');
  await page.keyboard.press('End');
  await page.keyboard.type(' on the mat');
  await page.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('text') === 'The cat sat on the mat');
  // Typed, then another head chosen at once (a new history entry) before the typing's pause.
  await page.keyboard.type(' today');
  await page.selectOption('#head', '0');
  await page.waitForFunction(() => location.hash.includes('head=0'));
  assert.equal(new URLSearchParams(await page.evaluate(() => location.hash.slice(1))).get('text'), 'The cat sat on the mat today');
  await page.goBack();
  await page.waitForFunction(() => document.getElementById('head').value === '2');
  assert.equal(await page.inputValue('#sentence'), 'The cat sat on the mat today', 'the entry before the change has the typed text');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the head grid out of view is painted once typing pauses, and in view at once: its chosen head is the heatmap', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent('The cat sat on the mat')}&layer=1&head=2`);
  await viewsReady(page);
  // The thumbnail of the chosen head against the main heatmap: the same pixels once both show this text.
  const same = () => {
    const pixels = (canvas) => `${canvas.width}x${canvas.height}:${canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.join(',')}`;
    return pixels(document.querySelector('.head-thumb[aria-pressed="true"] canvas')) === pixels(document.querySelector('#matrix canvas'));
  };
  const inView = () => page.evaluate(() => {
    const box = document.getElementById('heads').getBoundingClientRect();
    return box.bottom > -200 && box.top < innerHeight + 200;
  });
  assert.equal(await inView(), false, 'the grid starts out of view');
  await page.focus('#sentence');
  await page.keyboard.press('End');
  await page.keyboard.type(' because', { delay: 30 });
  await page.waitForFunction(() => document.getElementById('computing').hidden);
  await page.waitForFunction(same, null, { timeout: 5000 });  // the pause's painting
  await page.locator('#heads').scrollIntoViewIfNeeded();
  await page.evaluate(() => {  // typed without scrolling the field into view (fill would)
    performance.clearMeasures();
    const field = document.getElementById('sentence');
    field.value = 'The cat sat on the mat because it was tired';
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });
  // The grid redrawn (views.mjs times each view): in view, its thumbnails are painted in that same redraw.
  await page.waitForFunction(() => performance.getEntriesByName('render head grid').length > 0);
  assert.equal(await inView(), true);
  assert.equal(await page.evaluate(same), true, 'in view: painted with the views');
  assert.deepEqual(problems, []);
  await page.close();
});
