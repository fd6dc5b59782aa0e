// Switching heads off (zero ablation) in the playground, as a reader does it: a head's switch by keyboard, mouse
// and touch; every view after it following while the layers before it stay the same numbers; the top prediction
// before → after and the KL divergence as node computes them; "only this head on" and "every head on"; the heads
// off in the URL, the share snippets, embed.html and the element; and the head importance with its progress,
// Cancel, a text changed while it runs, and the switch that turns the quiet heads off together.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import createAttention from '../../dist/attention.mjs';
import { analyse } from '../../web/lib/analysis.mjs';
import { headImportance } from '../../web/lib/importance.mjs';
import { describeShift } from '../../web/lib/prediction-text.mjs';
import { defaultState } from '../../web/lib/state.mjs';
import { computeRequest } from '../../web/lib/view-rules.mjs';
import { launchBrowser, serve, viewsReady, watchPage } from './browser.mjs';

let browser, server, attn, builtin;
before(async () => {
  [browser, server, attn] = await Promise.all([launchBrowser(), serve(), createAttention({ simd: true })]);
  builtin = await attn.loadModel('builtin');
});
after(async () => { await browser?.close(); await server?.close(); });

const TEXT = 'The cat sat on the mat because it was tired';
const LONG = 'Attention lets every word look at every other word. The word bank means one thing by a river and another in a city, and the words around it tell the model which. Each head learns its own way of looking: one follows the previous word, another the next, others gather meaning from the whole sentence.';
// Waits for the ranking's status line to say `text`; on a timeout, the error says what it says instead.
const statusSays = (page, text) => page.waitForFunction((want) => document.getElementById('importance-status').textContent === want, text)
  .catch(async (error) => { throw new Error(`${error.message}: the status says “${await page.textContent('#importance-status')}”, not “${text}”`); });
const nodeResult = (fields) => analyse(attn, builtin, computeRequest({ ...defaultState(), ...fields }));

// The chosen head's weights as the heatmap's table shows them (3 decimals), once the readout names that head.
async function weightsOf(page, layer, head) {
  if (await page.inputValue('#layer') !== String(layer)) await page.selectOption('#layer', String(layer));
  if (await page.inputValue('#head') !== String(head)) await page.selectOption('#head', String(head));
  await page.waitForFunction((name) => document.querySelector('.heatmap-readout')?.textContent.startsWith(name), `Layer ${layer}, head ${head}:`);
  return tableOf(page, '#matrix');
}
// The numbers of the heatmap's table under `where` (the table is built when it is first opened).
async function tableOf(page, where) {
  if (!(await page.$eval(`${where} .heatmap-table`, (d) => d.open))) await page.click(`${where} .heatmap-table summary`);
  await page.locator(`${where} .heatmap-table tbody tr`).first().waitFor();
  return page.$$eval(`${where} .heatmap-table tbody tr`, (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)));
}
const switchOf = (page, layer, head) => page.locator(`.head-switch[aria-label="Switch off layer ${layer}, head ${head}"]`);
const offSwitches = (page) => page.$$eval('.head-switch[aria-pressed="true"]', (all) => all.map((s) => s.getAttribute('aria-label').replace(/^Switch off layer (\d+), head (\d+)$/, '$1.$2')));
// Waits until the page shows the result for the heads off in `ablate` (and the URL says so).
const showing = (page, ablate) => page.waitForFunction((want) => {
  const hash = new URLSearchParams(location.hash.slice(1)).get('ablate') ?? '';
  const off = [...document.querySelectorAll('.head-switch[aria-pressed="true"]')].map((s) => s.getAttribute('aria-label').replace(/^Switch off layer (\d+), head (\d+)$/, '$1.$2')).join(' ');
  return hash === want && off === want && document.getElementById('computing').hidden;
}, ablate);

test('a head switched off: later layers, the steps and the predictions change, earlier layers do not', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent(TEXT)}&token=3`);
  await viewsReady(page);
  assert.equal(await page.locator('.head-switch').count(), 12);
  assert.deepEqual(await offSwitches(page), []);
  const early = await weightsOf(page, 1, 0), late = await weightsOf(page, 2, 1);
  const lateSteps = await page.$$eval('.steps-keys tbody .steps-weight', (cells) => cells.map((c) => c.textContent));
  const lateBeams = await page.$$eval('.beams-keys .beams-key', (keys) => keys.map((k) => k.getAttribute('aria-label')));
  assert.equal(await page.locator('.predictions-change').count(), 0, 'every head on: nothing changed');

  // By keyboard: the switch of layer 1, head 3 with Space.
  await switchOf(page, 1, 3).focus();
  await page.keyboard.press('Space');
  await showing(page, '1.3');
  assert.equal(await switchOf(page, 1, 3).getAttribute('aria-pressed'), 'true');
  assert.equal(await switchOf(page, 1, 3).textContent(), 'off');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Switch off layer 1, head 3', 'the focus stays on the switch');
  assert.ok(await page.locator('.head-cell.head-off .head-thumb[aria-label^="Layer 1, head 3 (switched off):"]').count() === 1);
  assert.match(await page.textContent('#status'), /\(head 1\.3 off\)/);
  assert.notDeepEqual(await weightsOf(page, 2, 1), late, 'layer 2 follows');
  assert.notDeepEqual(await page.$$eval('.steps-keys tbody .steps-weight', (cells) => cells.map((c) => c.textContent)), lateSteps, 'so do its steps');
  assert.notDeepEqual(await page.$$eval('.beams-keys .beams-key', (keys) => keys.map((k) => k.getAttribute('aria-label'))), lateBeams, 'and its beams');
  assert.deepEqual(await weightsOf(page, 1, 0), early, 'layer 1 is as it was');

  // The change of the chosen token's top prediction, as node computes it.
  const shift = describeShift(nodeResult({ text: TEXT, ablate: '1.3' }), 3);
  await page.waitForSelector('.predictions-change');
  const change = await page.textContent('.predictions-change');
  assert.ok(change.includes(`With head 1.3 off (zero ablation): ${shift.top}`), `${change} / ${shift.top}`);
  assert.ok(change.includes(shift.klText), change);
  assert.ok(shift.kl > 0);
  assert.equal(await page.textContent('#ablation-effect'), `At “·sat”: ${shift.top} ${shift.klText}`);

  // The steps of the head switched off say so.
  await weightsOf(page, 1, 3);
  await page.waitForSelector('.steps-off');
  await page.waitForFunction(() => document.querySelector('.steps-residual .steps-output')?.textContent.startsWith('This head is switched off'));

  // By mouse: a second head; Back undoes it.
  await switchOf(page, 0, 2).click();
  await showing(page, '0.2 1.3');
  await page.goBack();
  await showing(page, '1.3');
  assert.deepEqual(problems, []);
  await page.close();
});

test('only this head on, every head on, and a switch by touch', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent(TEXT)}&layer=2&head=1`);
  await viewsReady(page);
  assert.equal(await page.textContent('#ablate-only'), 'Only layer 2, head 1 on');
  assert.equal(await page.isDisabled('#ablate-reset'), true);
  await page.tap('#ablate-only');
  const others = [];
  for (let l = 0; l < 3; l++) for (let h = 0; h < 4; h++) if (l !== 2 || h !== 1) others.push(`${l}.${h}`);
  await showing(page, others.join(' '));
  assert.equal(await page.textContent('#ablation-status'), '11 of 12 heads off (zero ablation).');
  const alone = nodeResult({ text: TEXT, ablate: others.join(' ') });
  await page.waitForFunction((loss) => document.querySelector('.predictions-loss')?.textContent.startsWith(`Loss over the text: ${loss}`), alone.main.predictions.loss.toFixed(3));
  // A tap on one switch turns that head back on.
  await switchOf(page, 0, 0).tap();
  await showing(page, others.slice(1).join(' '));
  await page.tap('#ablate-reset');
  await showing(page, '');
  assert.equal(await page.locator('.predictions-change').count(), 0);
  assert.equal(await page.isDisabled('#ablate-reset'), true);
  assert.equal(await page.textContent('#ablation-status'), 'Every head is on (12 heads).');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the heads off travel in the URL, the share snippets, embed.html and the element', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent(TEXT)}&ablate=1.3+0.2+0.2+9.9&layer=2&head=0`);
  await viewsReady(page);
  await page.waitForFunction(() => document.querySelectorAll('.head-switch[aria-pressed="true"]').length === 2);
  assert.deepEqual(await offSwitches(page), ['0.2', '1.3'], 'one spelling; the heads the model lacks are dropped');
  const shown = await weightsOf(page, 2, 0);
  await page.reload();
  await viewsReady(page);
  assert.deepEqual(await weightsOf(page, 2, 0), shown, 'a reload shows the same numbers');

  await page.click('#share-open');
  await page.waitForSelector('#share[open]');
  await page.selectOption('#share-view', 'matrix');
  await page.waitForFunction(() => document.getElementById('share-element').value.includes('view="matrix"'));
  const element = await page.inputValue('#share-element'), iframe = await page.inputValue('#share-iframe');
  assert.match(element, / ablate="0\.2 1\.3"/);
  const embedUrl = iframe.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  assert.match(embedUrl, /ablate=0\.2\+1\.3/);

  // embed.html from the snippet: the element gets the attribute and draws the same weights; a switch inside it
  // goes back into the embed's hash.
  const embed = await browser.newPage();
  const embedProblems = watchPage(embed, server.url);
  await embed.goto(embedUrl.replace(/^https?:\/\/[^/]+/, server.url));
  await viewsReady(embed, ['#view']);
  assert.equal(await embed.getAttribute('#view', 'ablate'), '0.2 1.3');
  await embed.waitForFunction(() => document.querySelector('#view').shadowRoot.querySelector('.heatmap-readout')?.textContent
    .startsWith('builtin-bidirectional (heads 0.2 and 1.3 off): Layer 2, head 0.'));
  assert.deepEqual(await tableOf(embed, '#view'), shown, 'the embed shows the playground\'s numbers');
  await embed.$eval('#view', (view) => view.setAttribute('view', 'heads'));
  await embed.waitForFunction(() => document.querySelector('#view').shadowRoot.querySelectorAll('.head-switch[aria-pressed="true"]').length === 2);
  await embed.locator('#view .head-switch[aria-label="Switch off layer 0, head 2"]').click();
  await embed.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('ablate') === '1.3');
  await embed.waitForFunction(() => document.querySelector('#view').shadowRoot.querySelectorAll('.head-switch[aria-pressed="true"]').length === 1);
  assert.equal(await embed.getAttribute('#view', 'ablate'), '1.3');
  assert.deepEqual(embedProblems, []);
  await embed.close();
  assert.deepEqual(problems, []);
  await page.close();
});

test('head importance: progress, the numbers node computes, Cancel, a text changed while it runs, the quiet heads off', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent(TEXT)}`);
  await viewsReady(page);
  // Every value the progress bar and the status take, as they change.
  await page.evaluate(() => {
    window.seen = [];
    const bar = document.getElementById('importance-progress'), status = document.getElementById('importance-status');
    new MutationObserver(() => window.seen.push([bar.hidden ? null : bar.value, bar.max, status.textContent]))
      .observe(document.querySelector('.importance-tools'), { attributes: true, subtree: true, childList: true, characterData: true });
  });
  await page.click('#importance-run');
  await page.waitForSelector('.importance-table');
  const seen = await page.evaluate(() => window.seen);
  const values = [...new Set(seen.filter(([value]) => value !== null).map(([value]) => value))];
  assert.deepEqual(values.filter((v) => v > 0), Array.from({ length: 13 }, (_, i) => i + 1), 'every run, in order');
  assert.ok(seen.some(([, , text]) => text === 'Run 7 of 13: layer 1, head 1 off.'));
  assert.equal(await page.isVisible('#importance-progress'), false);
  assert.equal(await page.textContent('#importance-status'), 'Ranked the 12 heads.');
  const expected = await headImportance(builtin, computeRequest({ ...defaultState(), text: TEXT }));
  const cells = await page.$$eval('.importance-table td', (all) => all.map((c) => [c.dataset.head, c.textContent]));
  assert.deepEqual(cells, Array.from(expected.increases, (x, i) => [`${Math.floor(i / 4)}.${i % 4}`, `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(3)}`]));
  assert.match(await page.textContent('.importance-summary'), new RegExp(`loss with every head on is ${expected.baseLoss.toFixed(3)} nats, the mean of −ln p over ${expected.positions} positions`));
  // The quiet heads counted apart from those whose removal lowers the loss by more than 1 %.
  const limit = 0.01 * expected.baseLoss, increases = Array.from(expected.increases);
  const quietCount = increases.filter((x) => Math.abs(x) < limit).length, lowerCount = increases.filter((x) => x <= -limit).length;
  assert.ok(lowerCount > 1, 'this sentence has heads that lower the loss');
  assert.ok((await page.textContent('.importance-summary')).includes(`${quietCount} of 12 heads change it by less than 1\u00a0% (${limit.toFixed(3)} nats) either way; `
    + `${lowerCount} others lower it by more than that when switched off.`));

  // Switch the quiet heads off together: the loss with all of them off, beside the loss with every head on.
  const quiet = Array.from(expected.increases).map((x, i) => [x, `${Math.floor(i / 4)}.${i % 4}`]).filter(([x]) => Math.abs(x) < 0.01 * expected.baseLoss).map(([, name]) => name);
  await page.click('.importance-prune');
  await showing(page, quiet.join(' '));
  const pruned = nodeResult({ text: TEXT, ablate: quiet.join(' ') }).main.predictions.loss;
  await page.waitForFunction((want) => document.querySelector('.predictions-loss')?.textContent.startsWith(want),
    `Loss over the text: ${pruned.toFixed(3)} nats (${expected.baseLoss.toFixed(3)} with every head on)`);
  assert.equal(await page.locator('#importance .length-note').count(), 0, 'heads off do not make the ranking old');

  // A new text: the ranking says it is for the old one.
  await page.fill('#sentence', `${TEXT}!`);
  await page.waitForSelector('#importance .length-note');
  assert.match(await page.textContent('#importance .length-note'), /^This ranking is for “The cat sat on the mat because it was tired” \(builtin-bidirectional\)/);

  // Cancel, pressed as soon as the second run has reported (a long text: 13 runs of many tokens).
  await page.fill('#sentence', LONG);
  await page.waitForFunction((n) => document.querySelectorAll('#matrix .heatmap-rows .heatmap-label').length === n, nodeResult({ text: LONG }).main.tokens.length);
  const pressCancelAt = (done) => page.evaluate((at) => {
    const bar = document.getElementById('importance-progress');
    const observer = new MutationObserver(() => { if (bar.value >= at) { observer.disconnect(); document.getElementById('importance-cancel').click(); } });
    observer.observe(bar, { attributes: true });
  }, done);
  await pressCancelAt(2);
  await page.click('#importance-run');
  await statusSays(page, 'Cancelled: the heads were not ranked.');
  assert.equal(await page.isVisible('#importance-progress'), false);
  assert.equal(await page.isVisible('#importance-cancel'), false);
  assert.equal(await page.isEnabled('#importance-run'), true);
  assert.match(await page.textContent('#importance .length-note'), /^This ranking is for “The cat sat/, 'the last finished ranking stays, marked');

  // The text changed while it runs: the ranking stops, and the views show the new text at once.
  await page.evaluate(() => {
    const bar = document.getElementById('importance-progress');
    const observer = new MutationObserver(() => {
      if (bar.value < 2) return;
      observer.disconnect();
      const input = document.getElementById('sentence');
      input.value = 'The dog ran';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    observer.observe(bar, { attributes: true });
  });
  await page.click('#importance-run');
  await statusSays(page, 'Cancelled because the sentence, the model or a what-if control changed: the heads were not ranked.');
  await page.waitForFunction(() => [...document.querySelectorAll('#matrix .heatmap-rows .heatmap-label')].slice(1)
    .map((label) => label.textContent).join('').replaceAll('·', ' ') === 'The dog ran');
  // And a ranking of the new text runs to its end.
  await page.click('#importance-run');
  await statusSays(page, 'Ranked the 12 heads.');
  assert.match(await page.textContent('.importance-summary'), /^On “The dog ran” \(builtin-bidirectional\)/);
  assert.equal(await page.locator('#importance .length-note').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});
