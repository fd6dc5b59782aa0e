// The Predictions view in the playground: the chosen token's top 5 with bars, as node computes them, for a masked
// LM and a causal model; the token's target and the text's loss; tokens as text; the Mask button (and Unmask, a
// mask typed by hand, a reload of a masked link); and a checkpoint without its output head saying so.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import createAttention from '../../dist/attention.mjs';
import { analyse } from '../../web/lib/analysis.mjs';
import { percent, positionRole } from '../../web/lib/prediction-text.mjs';
import { displayPiece } from '../../web/lib/predictions.mjs';
import { defaultState } from '../../web/lib/state.mjs';
import { computeRequest, display } from '../../web/lib/view-rules.mjs';
import { launchBrowser, serve, viewsReady, watchPage } from './browser.mjs';

let browser, server, attn;
before(async () => { [browser, server, attn] = await Promise.all([launchBrowser(), serve(), createAttention({ simd: true })]); });
after(async () => { await browser?.close(); await server?.close(); });

const TEXT = 'The cat sat on the mat because it was tired';
const models = new Map();
const nodeModel = async (name) => {
  if (!models.has(name)) models.set(name, await attn.loadModel(name));
  return models.get(name);
};
const nodeResult = async (fields) => {
  const state = { ...defaultState(), ...fields };
  return analyse(attn, await nodeModel(state.model), computeRequest(state));
};
// What the view lists for the chosen token: [token, probability, bar length].
const listed = (page) => page.$$eval('.predictions-item', (items) => items.map((item) => [
  item.querySelector('.predictions-token').textContent, item.querySelector('.predictions-prob').textContent,
  Number(item.querySelector('.predictions-bar').style.getPropertyValue('--p'))]));
// The same, from node's result.
const expected = ({ main }, token) => {
  const { k, tokens, probs } = main.predictions;
  return Array.from({ length: k }, (_, r) => [displayPiece(tokens[token * k + r]), percent(probs[token * k + r]), probs[token * k + r]]);
};
const sameList = (got, want) => {
  assert.deepEqual(got.map(([t, p]) => [t, p]), want.map(([t, p]) => [t, p]));
  got.forEach(([, , bar], r) => assert.ok(Math.abs(bar - want[r][2]) < 1e-6, `bar ${r}: ${bar} vs ${want[r][2]}`));
};
const headingIs = (page, text) => page.waitForFunction((want) => document.querySelector('.predictions-what')?.textContent === want, text)
  .catch(async (error) => { throw new Error(`${error.message}: the heading says “${await page.textContent('.predictions-what')}”, not “${text}”`); });

test('the chosen token\'s top 5, its target and the loss, as node computes them, for both built-in models', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent(TEXT)}&token=3`);
  await viewsReady(page);
  const masked = await nodeResult({ text: TEXT });
  const labels = masked.main.tokens.map(display);
  await headingIs(page, 'At “·sat” (token 3), which the model can see');
  sameList(await listed(page), expected(masked, 3));
  const role = positionRole(masked, 3, labels);
  assert.equal(await page.textContent('.predictions-target-line'), role.target);
  assert.equal(await page.textContent('.predictions-loss'), role.loss);
  // Another token, chosen in the beams: its own predictions, without computing again.
  await page.click('.beams-queries [data-focus="beam-6"]');
  await headingIs(page, `At “${labels[6]}” (token 6), which the model can see`);
  sameList(await listed(page), expected(masked, 6));

  // The causal model: the next token.
  await page.selectOption('#model', 'builtin-causal');
  const causal = await nodeResult({ text: TEXT, model: 'builtin-causal' });
  await headingIs(page, `Next token after “${labels[6]}” (token 6)`);
  sameList(await listed(page), expected(causal, 6));
  assert.equal(await page.textContent('.predictions-target-line'), positionRole(causal, 6, labels).target);
  assert.ok((await page.textContent('.predictions-target-line')).startsWith(`The next token in the text, “${labels[7]}”: `));
  // The last token has no next one.
  await page.click(`.beams-queries [data-focus="beam-${labels.length - 1}"]`);
  await page.waitForFunction(() => document.querySelector('.predictions-target-line')?.textContent.startsWith('The text ends here'));
  // Typed markup stays text in the view (the heading quotes the token).
  await page.fill('#sentence', '<img src=x onerror=alert(1)>');
  await page.waitForFunction(() => document.querySelectorAll('#matrix .heatmap-rows .heatmap-label')[1]?.textContent === '<');
  await page.click('.beams-queries [data-focus="beam-1"]');
  await headingIs(page, 'Next token after “<” (token 1)');
  assert.equal(await page.locator('#predictions img').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Mask a token: the model guesses it, scored against the word that was there; Unmask puts it back', async (t) => {
  // The Mask button needs the core to name the model's mask token and read it in text as one token.
  const { config } = await nodeModel('builtin');
  if (!config.maskToken) return t.skip('the core gives no config.maskToken for the built-in model yet');
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent(TEXT)}&token=2`);
  await viewsReady(page);
  await page.waitForSelector('.predictions-mask');
  assert.equal(await page.textContent('.predictions-mask'), 'Mask “·cat”');
  await page.click('.predictions-mask');
  const maskedText = 'The[MASK] sat on the mat because it was tired';
  await page.waitForFunction((text) => document.getElementById('sentence').value === text, maskedText);
  await headingIs(page, 'At “[MASK]” (token 2), where “·cat” was');
  assert.match(await page.evaluate(() => decodeURIComponent(location.hash)), /masked=3:%20cat/);
  const result = await nodeResult({ text: maskedText, masked: '3:%20cat' });
  assert.equal(result.main.tokens[2], '[MASK]', 'the core reads the mask token as one token');
  const labels = result.main.tokens.map(display);
  sameList(await listed(page), expected(result, 2));
  const role = positionRole(result, 2, labels);
  assert.match(role.target, /^The word that was there, “·cat”: [\d.]+\u00a0% \(loss −ln p = \d+\.\d\d nats\)\.$/);
  assert.equal(await page.textContent('.predictions-target-line'), role.target);
  assert.equal(await page.textContent('.predictions-loss'), role.loss);
  assert.match(role.loss, /over 1 position: the masked position, against the word that was there\.$/);
  // A reload of the link keeps what was masked.
  await page.reload();
  await viewsReady(page);
  await headingIs(page, 'At “[MASK]” (token 2), where “·cat” was');
  assert.equal(await page.textContent('.predictions-target-line'), role.target);
  // Unmask: the text as it was, nothing remembered.
  assert.equal(await page.textContent('.predictions-mask'), 'Unmask: put “·cat” back');
  await page.click('.predictions-mask');
  await page.waitForFunction((text) => document.getElementById('sentence').value === text, TEXT);
  await headingIs(page, 'At “·cat” (token 2), which the model can see');
  assert.doesNotMatch(await page.evaluate(() => location.hash), /masked=/);
  // Typed by hand: a mask, with nothing remembered to score it against.
  // (The mask takes the space before it, as the model was trained: no lone space token.)
  await page.fill('#sentence', 'The [MASK] sat on the mat');
  await page.click('.beams-queries [data-focus="beam-3"]');
  await page.click('.beams-queries [data-focus="beam-2"]');
  await headingIs(page, 'At “[MASK]” (token 2)');
  assert.match(await page.textContent('.predictions-target-line'), /^No word is remembered for this mask/);
  assert.equal(await page.locator('.predictions-mask').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a checkpoint without its output head says it cannot predict, and its heads still switch off', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent('the cat sat')}`);
  await viewsReady(page);
  const dir = fileURLToPath(new URL('../fixtures/checkpoints/bert/', import.meta.url));
  await page.setInputFiles('#checkpoint-files', (await readdir(dir)).filter((f) => f !== 'reference.json').map((f) => dir + f));
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('BertForMaskedLM'));
  await page.waitForSelector('.predictions-none');
  assert.match(await page.textContent('.predictions-none'),
    /^BertForMaskedLM cannot predict tokens: model\.safetensors has no cls\.predictions\.transform\.dense\.bias, .*\(the language-model head\)\. Everything else works, switching heads off included\.$/);
  await page.click('.head-switch[aria-label="Switch off layer 1, head 2"]');
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('(head 1.2 off)'));
  await page.click('#importance-run');
  assert.equal(await page.textContent('#importance-status'), 'Cannot rank the heads: BertForMaskedLM cannot predict, so it has no loss to rank heads by.');
  assert.deepEqual(problems, []);
  await page.close();
});
