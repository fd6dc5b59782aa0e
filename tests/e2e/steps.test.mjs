// The steps as a reader meets them: every key's row reachable with the keyboard, a total, every component of
// q, k and v, step 5 through W_O into the residual stream, the export of the steps, and "hide [BOS]" showing
// the same weights here as in the beams. And the examples menu opening each example where it shows what it says.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import createAttention from '../../dist/attention.mjs';
import { analyse } from '../../web/lib/analysis.mjs';
import { EXAMPLES, PROMISED, exampleState, exampleView } from '../../web/lib/examples.mjs';
import { computeRequest } from '../../web/lib/view-rules.mjs';
import { launchBrowser, serve, viewsReady, watchPage } from './browser.mjs';

let browser, server;
before(async () => { browser = await launchBrowser(); server = await serve(); });
after(async () => { await browser?.close(); await server?.close(); });

const LONG = 'Attention lets every word look at every other word. The word bank means one thing by a river and another in a city, and the words around it tell the model which. Each head learns its own way of looking: one follows the previous word, another the next, others gather meaning from the whole sentence.';
const inBox = (row, box) => row.top >= box.top - 1 && row.bottom <= box.bottom + 1;

test('the steps: every row by keyboard, a total that stays in view, all components, and step 5 into the residual stream', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent(LONG)}&layer=1&head=1&token=10`);
  await viewsReady(page);
  const rows = page.locator('.steps-keys tbody tr');
  assert.equal(await rows.count(), 68, 'a row for every key');
  const softmax = await page.$$eval('.steps-keys tbody .steps-weight', (cells) => cells.map((c) => Number(c.textContent)));
  assert.ok(Math.abs(softmax.reduce((a, b) => a + b) - 1) < 0.02, `the softmax column sums to ${softmax.reduce((a, b) => a + b)}`);
  assert.equal(await page.textContent('.steps-keys tfoot .steps-total'), '1.000');

  // Tab reaches the rows' box; the keyboard scrolls it to the last row, under a total that stays in view.
  await page.focus('.steps-tools button');
  for (let i = 0; i < 6 && !(await page.evaluate(() => document.activeElement.matches('.scroll-box'))); i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), await page.textContent('.steps-caption'));
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none', 'a visible focus');
  await page.keyboard.press('End');
  await page.waitForFunction(() => { const box = document.activeElement; return box.scrollTop > 0 && box.scrollTop + box.clientHeight >= box.scrollHeight - 1; });
  const box = await page.evaluate(() => document.activeElement.getBoundingClientRect().toJSON());
  const [last, total] = await Promise.all([rows.last(), page.locator('.steps-keys tfoot th')].map((l) => l.evaluate((e) => e.getBoundingClientRect().toJSON())));
  assert.ok(inBox(total, box), `the total row is in view: ${JSON.stringify([total, box])}`);
  assert.ok(last.bottom <= total.top + 1 && last.top >= box.top, 'the last row is in view above it');

  // Every component of q, k and v.
  assert.match(await page.textContent('.steps-keys tbody .steps-vector'), /^\[[^\]]*, …\]$/);
  await page.click('.steps-tools button[aria-pressed="false"]');
  const vector = await page.textContent('.steps-keys tbody .steps-vector');
  assert.equal(vector.split(',').length, 16, vector);
  assert.equal((await page.textContent('.steps-query')).match(/q = \[([^\]]*)\]/)[1].split(',').length, 16);

  // Step 5, from the core's trace of the head: five vectors with their lengths, and what they say.
  await page.waitForSelector('.steps-path');
  const path = await page.$$eval('.steps-path dt', (terms) => terms.map((t) => t.textContent));
  assert.equal(path.length, 5);
  for (const term of path) assert.match(term, /, length \d+\.\d\d$/);
  const summary = await page.textContent('.steps-residual .steps-output');
  const [, share, , change, error] = summary.match(/share is (\d+) % of the attention output's length \(cosine (−?[\d.]+) with it\); the attention block changes the residual stream of “[^”]+” by (\d+) % .* to within ([\d.e+-]+)\./);
  assert.ok(Number(share) > 0 && Number(change) > 0 && Number(error) < 1e-5, summary);
  // Another head: step 5 follows it.
  await page.selectOption('#head', '2');
  await page.waitForFunction((before) => document.querySelector('.steps-residual .steps-output')?.textContent !== before, summary);
  assert.deepEqual(problems, []);
  await page.close();
});

test('hide [BOS]: the steps show the weights the beams show, rescaled, and the export of the steps holds them', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent('The cat sat on the mat')}&model=builtin-causal&token=4&hideBos=on`);
  await viewsReady(page);
  const shown = await page.$$eval('.steps-keys tbody tr', (rows) => rows.map((r) => [r.querySelector('th').textContent, r.classList.contains('steps-hidden'), r.querySelector('.steps-shown').textContent]));
  assert.deepEqual(shown[0].slice(0, 2), ['[BOS]', true]);
  assert.equal(shown[0][2], 'hidden');
  const beams = await page.$$eval('.beams-keys .beams-key', (keys) => keys.map((k) => [k.firstChild.textContent, Number(k.getAttribute('aria-label').split(': ')[1])]));
  assert.equal(beams.length, shown.length - 1, 'the beams leave [BOS] out too');
  beams.forEach(([token, weight], i) => {
    assert.equal(shown[i + 1][0], token);
    assert.ok(Math.abs(Number(shown[i + 1][2]) - weight) <= 0.0015, `${token}: steps ${shown[i + 1][2]}, beams ${weight}`);
  });
  assert.equal(await page.locator('.steps-keys tfoot .steps-total').nth(1).textContent(), '1.000');

  // The steps' own export: CSV (a row per key, the total, the output) and JSON (step 5 too).
  await page.waitForSelector('.steps-path');
  const exported = async (name) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`.steps-tools button:text-is("${name}")`)]);
    return [download.suggestedFilename(), await readFile(await download.path(), 'utf8')];
  };
  const [csvName, csv] = await exported('CSV');
  assert.equal(csvName, 'attention-the-cat-sat-on-the-mat-layer0-head2-token4-steps.csv');
  const lines = csv.trim().split('\n');
  assert.equal(lines.length, 1 + shown.length + 2);
  assert.equal(lines[0].split(',').length, 5 + 2 * 16);
  assert.equal(lines[1].split(',')[4], 'hidden');
  const [jsonName, json] = await exported('JSON');
  assert.equal(jsonName, csvName.replace('.csv', '.json'));
  const steps = JSON.parse(json);
  assert.deepEqual([steps.format, steps.model, steps.token, steps.keys.length, steps.query.length], ['attention-steps', 'builtin-causal', '·on', shown.length, 16]);
  assert.equal(steps.throughWO.contribution.length, 64);
  assert.ok(steps.keys.slice(5).every((key) => !key.visible), 'the causal mask: the later keys');
  assert.deepEqual(problems, []);
  await page.close();
});

test('every example opens on the head where its query shows what it names, as the models compute it', async () => {
  const attn = await createAttention({ simd: true });
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/`);
  await viewsReady(page);
  for (const example of EXAMPLES) {
    await page.selectOption('#examples', { label: example.label });
    const state = exampleState(example);
    const view = exampleView(example, analyse(attn, await attn.loadModel(state.model), computeRequest(state)));
    await page.waitForFunction(({ text, token }) => document.getElementById('sentence').value === text
      && document.querySelector('.beams-queries [aria-pressed="true"]')?.dataset.focus === `beam-${token}`, { text: example.text, token: view.token });
    assert.equal(await page.inputValue('#model'), example.model);
    if (!example.keys) {
      assert.equal(await page.locator('#example-note').isVisible(), false, example.label);
      continue;
    }
    await page.waitForSelector('#example-note:not([hidden])');
    assert.equal(await page.textContent('#example-note'), view.note);
    assert.ok(view.weight >= PROMISED, view.note);
    assert.match(await page.textContent('.heatmap-readout'), new RegExp(`^Layer ${view.layer}, head ${view.head}:`));
    // The steps' softmax column on the named keys adds up to what the note says.
    const weights = await page.$$eval('.steps-keys tbody tr', (rows) => rows.map((r) => Number(r.querySelector('.steps-weight')?.textContent ?? 0)));
    assert.ok(Math.abs(view.keys.reduce((s, j) => s + weights[j], 0) - view.weight) < 0.003 * view.keys.length, example.label);
  }
  // Changing the head leaves the example: its note goes.
  await page.selectOption('#head', '0');
  await page.waitForSelector('#example-note', { state: 'hidden' });
  assert.deepEqual(problems, []);
  await page.close();
});
