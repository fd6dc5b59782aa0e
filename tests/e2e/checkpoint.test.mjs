// Your own model in the playground: the fixture checkpoints (tests/fixtures/checkpoints) chosen with the file
// picker or dropped on the page, loaded in the worker, and shown in every view with the reference's numbers;
// a missing file named; the page after a reload without the files; Cancel, and a second choice cancelling the first.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gpt2Shapes, writeHalfSafetensors } from '../../tools/fixtures/synthetic-checkpoint.mjs';
import { launchBrowser, serve, viewsReady, watchPage } from './browser.mjs';

let browser, server;
before(async () => { browser = await launchBrowser(); server = await serve(); });
after(async () => { await browser?.close(); await server?.close(); });

const fixtures = fileURLToPath(new URL('../fixtures/checkpoints/', import.meta.url));
const filesOf = async (model) => (await readdir(`${fixtures}${model}`)).filter((f) => f !== 'reference.json').map((f) => `${fixtures}${model}/${f}`);
const referenceOf = async (model) => JSON.parse(await readFile(`${fixtures}${model}/reference.json`, 'utf8'));
const status = (page) => page.textContent('#status');

test('a BERT checkpoint chosen with the file picker shows in every view, with the reference\'s weights', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  const { cases: [first] } = await referenceOf('bert');
  await page.goto(`${server.url}/#text=${encodeURIComponent(first.text)}`);
  await viewsReady(page);
  await page.setInputFiles('#checkpoint-files', await filesOf('bert'));
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('BertForMaskedLM'), null, { timeout: 20000 });
  assert.match(await page.textContent('#checkpoint-status'), /^Loaded BertForMaskedLM: 2 layers × 4 heads, dModel 32, up to 40 tokens\.$/);
  assert.equal(await page.inputValue('#model'), 'checkpoint');
  assert.equal(await page.locator('#checkpoint-progress').isHidden(), true);
  assert.match(await page.evaluate(() => location.hash), /model=checkpoint/);

  const n = first.ids.length;
  const labels = await page.$$eval('.heatmap-rows .heatmap-label', (spans) => spans.map((s) => s.textContent));
  assert.deepEqual([labels[0], labels[1], labels.at(-1), labels.length], ['[CLS]', 'the', '[SEP]', n]);
  assert.equal(await page.textContent('#hide-bos-label'), 'hide [CLS] and [SEP]');
  // Every view: beams, heatmap (and its table), the four steps, the head grid.
  assert.equal(await page.locator('.beams-queries .beams-token').count(), n);
  assert.deepEqual(await page.$eval('#matrix canvas', (c) => [c.width, c.height]), [n, n]);
  assert.equal(await page.locator('.steps-keys tbody tr').count(), n);
  assert.equal(await page.locator('.head-thumb').count(), 8);
  // Layer 0, head 0 in the table, to 3 decimals, is the reference's.
  await page.click('.heatmap-table summary');
  // (the table is built when it opens, after the frame: wait for its rows)
  await page.waitForFunction((count) => document.querySelectorAll('.heatmap-table tbody tr').length === count, n);
  const table = await page.$$eval('.heatmap-table tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => Number(c.textContent))));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) assert.ok(Math.abs(table[i][j] - first.attentions[i * n + j]) <= 0.0005 + 1e-9, `row ${i}, column ${j}`);
  }
  // "hide [CLS] and [SEP]": both of BERT's special tokens leave every view, the steps' shown weights included.
  await page.check('#hide-bos');
  await page.waitForFunction((count) => document.querySelectorAll('#matrix .heatmap-rows .heatmap-label').length === count, n - 2);
  const shown = await page.$$eval('#matrix .heatmap-rows .heatmap-label', (spans) => spans.map((s) => s.textContent));
  assert.deepEqual([shown.includes('[CLS]'), shown.includes('[SEP]'), shown[0]], [false, false, 'the']);
  assert.deepEqual(await page.$$eval('.steps-keys tbody tr.steps-hidden th', (cells) => cells.map((c) => c.textContent)), ['[CLS]', '[SEP]']);
  await page.uncheck('#hide-bos');
  // The grid selects another head; the comparison and cross-attention run on the loaded model too.
  await page.click('.head-thumb >> nth=7');
  await page.waitForFunction(() => document.querySelector('.heatmap-readout').textContent.startsWith('Layer 1, head 3'));
  await page.fill('#compare', 'The cat played.');
  await page.waitForFunction(() => document.querySelectorAll('.compare-panel canvas').length === 3);
  const m = await page.$$eval('.compare-panel', (panels) => panels[1].querySelectorAll('.heatmap-rows .heatmap-label').length);
  assert.deepEqual(await page.$eval('.compare-panel:nth-child(3) canvas', (c) => [c.height, c.width]), [n, m]);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a GPT-2 checkpoint dropped on the page loads; a missing file is named; a reload asks for the files again', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent('The cat sat on the mat.')}`);
  await viewsReady(page);

  // Without vocab.txt: the error names it, and the built-in model stays.
  await page.setInputFiles('#checkpoint-files', (await filesOf('bert')).filter((f) => !f.endsWith('vocab.txt')));
  await page.waitForFunction(() => document.getElementById('checkpoint-status').classList.contains('error'), null, { timeout: 20000 });
  assert.equal(await page.textContent('#checkpoint-status'), 'Could not load your model: vocab.txt: is missing; BertForMaskedLM needs vocab.txt or tokenizer.json');
  assert.equal(await page.inputValue('#model'), 'builtin');

  // Drag and drop, as a file manager would.
  const files = await Promise.all((await filesOf('gpt2')).map(async (path) => [path.split('/').pop(), [...await readFile(path)]]));
  await page.evaluate((entries) => {
    const transfer = new DataTransfer();
    for (const [name, bytes] of entries) transfer.items.add(new File([new Uint8Array(bytes)], name));
    document.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    document.getElementById('views').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files);
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('GPT2LMHeadModel'), null, { timeout: 20000 });
  const labels = await page.$$eval('.heatmap-rows .heatmap-label', (spans) => spans.map((s) => s.textContent));
  assert.equal(labels[0], '<|endoftext|>');
  assert.equal(labels.slice(1).join('').replaceAll('·', ' '), 'The cat sat on the mat.');
  // Causal: the upper triangle of the table is zero.
  await page.click('.heatmap-table summary');
  await page.waitForFunction((count) => document.querySelectorAll('.heatmap-table tbody tr').length === count, labels.length);
  const table = await page.$$eval('.heatmap-table tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => Number(c.textContent))));
  table.forEach((row, i) => row.forEach((w, j) => { if (j > i) assert.equal(w, 0); }));
  assert.equal(await page.evaluate(() => document.body.classList.contains('dropping')), false);

  // A dropped folder: the model is named by it, not by its architecture (GPT2LMHeadModel). The folder's entry is
  // made here as the browser makes it for a folder from a file manager (which a test cannot drag).
  await page.evaluate((entries) => {
    const files = entries.map(([name, bytes]) => new File([new Uint8Array(bytes)], name));
    const folder = {
      isDirectory: true, isFile: false, name: 'my-gpt2',
      createReader: () => { let done = false; return { readEntries: (resolve) => { resolve(done ? [] : files.map((file) => ({ isFile: true, file: (ok) => ok(file) }))); done = true; } }; },
    };
    DataTransferItem.prototype.webkitGetAsEntry = () => folder;
    const transfer = new DataTransfer();
    transfer.items.add(files[0]);
    document.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files);
  await page.waitForFunction(() => document.getElementById('checkpoint-status').textContent.startsWith('Loaded my-gpt2: 2 layers × 4 heads'), null, { timeout: 20000 });
  assert.equal(await page.locator('#model option:checked').textContent(), 'your own model: my-gpt2');
  assert.match(await page.textContent('#status'), / · my-gpt2 · computed/);

  await page.reload();
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Your own model is not loaded in this tab'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('a large checkpoint loading can be cancelled, and a second one chosen while the first loads is the one that shows', async () => {
  // GPT-2's shapes (12 layers, dModel 768) with the fixture's tokenizer: 170 MB of float16 zeros, a few seconds to read.
  const folder = await mkdtemp(join(tmpdir(), 'large-checkpoint-'));
  const config = { ...JSON.parse(await readFile(`${fixtures}gpt2/config.json`, 'utf8')), n_embd: 768, n_layer: 12, n_head: 12 };
  await writeFile(join(folder, 'config.json'), JSON.stringify(config));
  for (const name of ['vocab.json', 'merges.txt']) await copyFile(`${fixtures}gpt2/${name}`, join(folder, name));
  await writeHalfSafetensors(join(folder, 'model.safetensors'), gpt2Shapes({ vocab: config.vocab_size, layers: 12, positions: config.n_positions }), { sparse: true });
  const large = ['config.json', 'vocab.json', 'merges.txt', 'model.safetensors'].map((name) => join(folder, name));
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  try {
    await page.goto(`${server.url}/`);
    await viewsReady(page);
    await page.setInputFiles('#checkpoint-files', large);
    await page.waitForFunction(() => document.getElementById('checkpoint-progress').value > 0, null, { timeout: 20000 });
    assert.match(await page.textContent('#checkpoint-status'), /^Reading your model: [\d.]+ [kM]B of 17\d MB$/);
    await page.click('#load-cancel');
    await page.waitForFunction(() => document.getElementById('checkpoint-status').textContent === 'Cancelled: your model was not loaded.');
    assert.equal(await page.inputValue('#model'), 'builtin');

    await page.setInputFiles('#checkpoint-files', large);
    await page.waitForFunction(() => document.getElementById('checkpoint-status').textContent.startsWith('Reading your model'), null, { timeout: 20000 });
    await page.setInputFiles('#checkpoint-files', await filesOf('bert'));
    await page.waitForFunction(() => document.getElementById('checkpoint-status').textContent.startsWith('Loaded BertForMaskedLM'), null, { timeout: 20000 });
    await page.waitForTimeout(5000);  // longer than the first one would still take
    assert.match(await page.textContent('#checkpoint-status'), /^Loaded BertForMaskedLM: 2 layers/);
    assert.equal(await page.locator('#model option:checked').textContent(), 'your own model: BertForMaskedLM');
    assert.match(await page.textContent('#status'), /BertForMaskedLM · computed/);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await rm(folder, { recursive: true, force: true });
  }
});
