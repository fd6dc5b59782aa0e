// Models from the Hugging Face Hub in Chromium, against the stand-in Hub (tests/hub/stand-in-hub.mjs), named by
// the page's ?hub= and confirmed as a mirror: open by name, sizes from the API, progress and Cancel, a second
// choice cancelling the first, a confirmation above 100 MB, the permalink, the models kept on this device (Delete,
// a full quota, a half-read model never shown as kept), a reload served from this device with the Hub stopped,
// the element with model="hf:…", and no request to any origin but the page's, the hub's and its storage host's;
// the reader's sentence sent nowhere.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { largeGpt2Files, standInRepos, startStandInHub } from '../hub/stand-in-hub.mjs';
import { launchBrowser, serve, viewsReady, watchPage } from './browser.mjs';

const SENTENCE = 'Zebras quietly gather';  // looked for in every request
let browser, hub, server;
before(async () => {
  const repos = { ...await standInRepos(), 'test/large': { files: await largeGpt2Files() } };
  hub = await startStandInHub({ repos });
  // The mirror and its storage host, as a static host's CSP would list them (the pages name the mirror by ?hub=).
  server = await serve({ hubs: [hub.endpoint, hub.storage] });
});
after(async () => { await browser?.close(); await server?.close(); await hub?.close(); });
before(async () => { browser = await launchBrowser(); });

const withHub = (path = '/', hash = '') => `${server.url}${path}?hub=${encodeURIComponent(hub.endpoint)}${hash}`;
const status = (page) => page.textContent('#checkpoint-status');
const labels = (page) => page.$$eval('.heatmap-rows .heatmap-label', (spans) => spans.map((s) => s.textContent));
const opened = (page, repo) => page.waitForFunction((name) => document.getElementById('checkpoint-status').textContent.startsWith(`Opened ${name}`), repo, { timeout: 30000 });

async function newPage(context) {
  const page = await context.newPage();
  const problems = watchPage(page, server.url, [hub.endpoint, hub.storage]);
  const sent = [];
  page.on('request', (request) => sent.push(`${request.url()} ${request.postData() ?? ''}`));
  return { page, problems, sent };
}
// No request carries the sentence (the page's own address holds it in the hash, which is never sent).
const noSentence = (sent) => assert.ok(!sent.some((line) => [SENTENCE, encodeURIComponent(SENTENCE), SENTENCE.replaceAll(' ', '+')].some((form) => line.includes(form))),
  'the sentence is sent nowhere');

async function openDialogWithMirror(page) {
  await page.click('#hub-open');
  assert.equal(await page.locator('#hub-mirror').isVisible(), true, 'the mirror is asked about first');
  assert.equal(await page.textContent('#hub-mirror-url'), hub.endpoint);
  await page.click('#hub-mirror-use');
}
// A fresh context (its own storage) on the playground with the mirror, its dialog open and the mirror confirmed.
async function pageWithDialog() {
  const context = await browser.newContext();
  const watched = await newPage(context);
  await watched.page.goto(withHub());
  await viewsReady(watched.page);
  await openDialogWithMirror(watched.page);
  return { context, ...watched };
}
// A repository typed in the dialog's field, and Enter.
async function ask(page, repo) {
  await page.fill('#hub-repo', repo);
  await page.keyboard.press('Enter');
}

test('open by name: the mirror confirmed first, sizes from the API, the canonical name, the model in every view, only the allowed origins', async () => {
  const context = await browser.newContext();
  const { page, problems, sent } = await newPage(context);
  const from = hub.requests.length;
  await page.goto(withHub('/', `#text=${encodeURIComponent(SENTENCE)}`));
  await viewsReady(page);
  assert.equal(hub.requests.length, from, 'nothing asked of the hub before the reader asks');
  await openDialogWithMirror(page);
  // The suggested models with their sizes as the API reports them: gpt2's four files are 166 kB.
  await page.waitForFunction(() => [...document.querySelectorAll('.hub-size')].every((s) => s.textContent !== '…'));
  const suggested = await page.$$eval('.hub-model', (buttons) => buttons.map((b) => [b.querySelector('.hub-name').textContent, b.querySelector('.hub-size').textContent]));
  assert.deepEqual(suggested[0], ['openai-community/gpt2', '166 kB']);
  assert.deepEqual(suggested.map(([name]) => name), ['openai-community/gpt2', 'distilbert/distilgpt2', 'EleutherAI/pythia-70m', 'HuggingFaceTB/SmolLM2-135M',
    'Qwen/Qwen2.5-0.5B', 'google-bert/bert-base-uncased', 'distilbert/distilbert-base-uncased', 'FacebookAI/roberta-base']);
  // A bad name is refused before any request; then the keyboard: type a legacy name, Enter.
  const before = hub.requests.length;
  await ask(page, 'a--b');
  assert.match(await page.textContent('#hub-error'), /^'a--b' is not a repository name on the Hugging Face Hub \(it has '--' or '\.\.'\)/);
  assert.equal(hub.requests.length, before);
  await ask(page, 'bert-base-uncased');
  await opened(page, 'google-bert/bert-base-uncased');
  assert.match(await status(page), /^Opened google-bert\/bert-base-uncased: 2 layers × 4 heads, dModel 32, up to 40 tokens \(commit [0-9a-f]{7}, 10\d kB read from http:\/\/127\.0\.0\.1:\d+, kept on this device\)\.$/);
  assert.equal(await page.locator('#hub').isVisible(), false);
  await viewsReady(page);
  const shown = await labels(page);
  assert.deepEqual([shown[0], shown.at(-1)], ['[CLS]', '[SEP]']);
  assert.match(await page.textContent('#status'), /google-bert\/bert-base-uncased · computed in/);
  const model = await page.inputValue('#model');
  assert.match(model, /^hf:google-bert\/bert-base-uncased@[0-9a-f]{40}$/);
  assert.equal(await page.locator('#model option:checked').textContent(), 'Hub: google-bert/bert-base-uncased');
  assert.ok((await page.evaluate(() => location.hash)).includes(encodeURIComponent(model)), 'the permalink carries the repository and commit');
  assert.equal(await page.locator('.head-thumb').count(), 8);
  noSentence(sent);
  assert.deepEqual(problems, []);
  await context.close();
});

test('progress and Cancel; a second choice made while the first loads is the one that shows', async () => {
  const { context, page, problems } = await pageWithDialog();
  await ask(page, 'test/slow');
  await page.waitForFunction(() => document.getElementById('checkpoint-progress').value > 0, null, { timeout: 20000 });
  assert.match(await status(page), /^Reading test\/slow: [\d.]+ kB of 155 kB$/);
  await page.click('#load-cancel');
  await page.waitForFunction(() => document.getElementById('checkpoint-status').textContent === 'Cancelled: test/slow was not loaded.');
  assert.equal(await page.locator('#checkpoint-progress').isHidden(), true);
  assert.equal(await page.inputValue('#model'), 'builtin');
  // Again, and this time another model is chosen while it loads: that one shows, and stays.
  await page.click('#hub-open');
  await ask(page, 'test/slow');
  await page.waitForFunction(() => document.getElementById('checkpoint-status').textContent.startsWith('Reading test/slow'), null, { timeout: 20000 });
  await page.click('#hub-open');
  await ask(page, 'distilgpt2');
  await opened(page, 'distilbert/distilgpt2');
  await page.waitForTimeout(2500);  // longer than test/slow would still take
  assert.match(await page.inputValue('#model'), /^hf:distilbert\/distilgpt2@/);
  assert.match(await status(page), /^Opened distilbert\/distilgpt2/);
  // Nothing of the cancelled loads is kept.
  const kept = await page.evaluate(async () => (await (await caches.open('attention-hub-models')).keys()).map((r) => decodeURIComponent(r.url)));
  assert.ok(kept.length > 0 && !kept.some((url) => url.includes('test/slow')), kept.join('\n'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('above 100 MB the reader confirms first; the bytes read are those of the tensors; then a reload with the Hub gone reads it from this device', async (t) => {
  const { context, page, problems } = await pageWithDialog();
  await ask(page, 'test/large');
  await page.waitForSelector('#hub-confirm:not([hidden])');
  assert.match(await page.textContent('#hub-confirm-text'), /^test\/large \(commit [0-9a-f]{7}\) is up to 128 MB to download from http:\/\/127\.0\.0\.1:\d+; it is kept on this device afterwards\. Download it\?$/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'hub-confirm-yes');
  const before = hub.requests.length;
  await page.click('#hub-confirm-no');
  assert.equal(hub.requests.length, before, '“Not now” downloads nothing');
  await page.keyboard.press('Enter');  // the field has the focus again
  await page.waitForSelector('#hub-confirm:not([hidden])');
  const started = performance.now();
  await page.click('#hub-confirm-yes');
  await page.waitForFunction(() => document.getElementById('checkpoint-progress').value > 0, null, { timeout: 30000 });
  await opened(page, 'test/large');
  await viewsReady(page);
  const downloaded = hub.requests.slice(before).reduce((sum, r) => sum + r.bytes, 0);
  const size = (await standInSize('test/large'));
  t.diagnostic(`test/large: ${downloaded} bytes transferred for a ${size}-byte model.safetensors, in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  assert.ok(downloaded < size + 10000, `${downloaded} bytes for a ${size}-byte file`);

  // The Hub stopped: the permalink opens the model from this device, with no request.
  await hub.close();
  const reload = performance.now();
  await page.reload();
  await opened(page, 'test/large');
  await viewsReady(page);
  t.diagnostic(`reload to the first view of test/large from this device: ${(performance.now() - reload).toFixed(0)} ms`);
  assert.match(await status(page), /\(commit [0-9a-f]{7}, read from this device, kept on this device\)\.$/);
  hub = await restartHub();
  assert.deepEqual(problems, []);
  await context.close();
});

// The stand-in's copy of a file's size, and the stand-in started again with the same repositories (same port not needed).
const standInSize = async (repo) => hub.repos[repo].files['model.safetensors'].length;
async function restartHub() {
  const restarted = await startStandInHub({ repos: hub.repos });
  await server.close();
  server = await serve({ hubs: [restarted.endpoint, restarted.storage] });
  return restarted;
}

test('a permalink: offered (nothing requested) on a device without the model, opened after the reader says yes; models on this device, Delete', async () => {
  // Find the commit a link would carry.
  const info = await (await fetch(`${hub.endpoint}/api/models/openai-community/gpt2/revision/main`)).json();
  const link = withHub('/', `#model=${encodeURIComponent(`hf:openai-community/gpt2@${info.sha}`)}&text=${encodeURIComponent(SENTENCE)}`);
  const context = await browser.newContext();
  const { page, problems, sent } = await newPage(context);
  const from = hub.requests.length;
  await page.goto(link);
  await page.waitForSelector('#hub-offer:not([hidden])');
  assert.match(await page.textContent('#hub-offer-text'), new RegExp(`^This link shows openai-community/gpt2 at commit ${info.sha.slice(0, 7)} from the mirror http://127\\.0\\.0\\.1:\\d+, which this page's address names; it is not on this device yet\\.$`));
  assert.match(await page.textContent('#status'), /^openai-community\/gpt2 from the Hugging Face Hub is not open in this tab yet/);
  assert.equal(hub.requests.length, from, 'nothing requested before the reader says yes');
  await page.click('#hub-offer-open');
  await opened(page, 'openai-community/gpt2');
  await viewsReady(page);
  assert.equal((await labels(page))[0], '<|endoftext|>');
  assert.equal(await page.inputValue('#model'), `hf:openai-community/gpt2@${info.sha}`);

  // Models on this device: the one just read, with its size; Delete removes it.
  await page.click('#hub-open');
  await page.waitForSelector('.hub-kept');
  assert.deepEqual(await page.$$eval('.hub-kept', (items) => items.map((i) => i.textContent)), [`openai-community/gpt2commit ${info.sha.slice(0, 7)} · 163 kB · from ${hub.endpoint}OpenDelete`]);
  await page.click('.hub-kept button:has-text("Delete")');
  await page.waitForFunction(() => document.getElementById('hub-error').textContent.startsWith('Deleted openai-community/gpt2 (163 kB)'));
  // The list is read again from the device after the message: wait for it (it failed under load when counted at once).
  await page.waitForFunction(() => document.querySelectorAll('.hub-kept').length === 0, null, { timeout: 5000 });
  assert.deepEqual(await page.evaluate(async () => (await (await caches.open('attention-hub-models')).keys()).length), 0);
  noSentence(sent);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a dropped connection leaves an incomplete model, never shown as kept; a full quota is named and keeps nothing; errors name the repository', async () => {
  const { context, page, problems } = await pageWithDialog();
  await ask(page, 'test/drop');
  await page.waitForFunction(() => document.getElementById('checkpoint-status').classList.contains('error'), null, { timeout: 20000 });
  assert.match(await status(page), /^Could not load test\/drop: model\.safetensors: the connection to 127\.0\.0\.1:\d+ was lost after [\d.]+ kB; try again$/);
  await page.click('#hub-open');
  await page.waitForSelector('.hub-kept');
  assert.match(await page.textContent('.hub-kept'), /^test\/dropan incomplete download: [\d.]+ kB so far · from http:\/\/127\.0\.0\.1:\d+ResumeDelete$/);
  await page.click('.hub-kept button:has-text("Delete")');
  await page.waitForFunction(() => document.querySelectorAll('.hub-kept').length === 0);

  for (const [repo, message] of [['nobody/none', /^nobody\/none: not found on http:\/\/127\.0\.0\.1:\d+ \(HTTP 404: Repository not found\); check the name$/],
    ['test/gated', /^test\/gated: gated on .*This playground reads public models only and sends no token/],
    ['test/t5', /^Could not load test\/t5: config\.json: "model_type" is "t5"; this playground reads bert, distilbert, roberta, gpt2, llama/]]) {
    await ask(page, repo);
    if (repo === 'test/t5') {  // known only once config.json is read: the load fails, not the question
      await page.waitForFunction(() => document.getElementById('checkpoint-status').textContent.startsWith('Could not load test/t5'), null, { timeout: 20000 });
      assert.match(await status(page), message);
      await page.click('#hub-open');
    } else {
      await page.waitForFunction(() => document.getElementById('hub-error').classList.contains('error') && !document.getElementById('hub-error').textContent.startsWith('Asking'));
      assert.match(await page.textContent('#hub-error'), message);
    }
  }

  // A quota of 100 kB: the model opens, but is not kept, and says why.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: 100000 });
  await ask(page, 'openai-community/gpt2');
  await opened(page, 'openai-community/gpt2');
  assert.match(await status(page), /\)\. Not kept on this device: (the browser's storage for the playground is full|this browser lets the playground store [\d.]+ kB more, and) .*166 kB\)?; delete models on this device to make room\.$/);
  await page.click('#hub-open');
  await page.waitForFunction(() => document.querySelector('#hub-device .note'));
  assert.equal(await page.locator('.hub-kept').count(), 0, 'nothing half-kept');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the element with model="hf:gpt2": asks before it reads, opens the canonical repository, and next time opens it from this device', async () => {
  const context = await browser.newContext();
  const { page, problems, sent } = await newPage(context);
  const from = hub.requests.length;
  const url = `${server.url}/test-pages/element-hub.html?hub=${encodeURIComponent(hub.endpoint)}`;
  await page.goto(url);
  const button = page.locator('#gpt2 .hub-offer button');
  await button.waitFor();
  assert.match(await page.locator('#gpt2 .hub-offer').textContent(), /^This view shows gpt2, a model on the mirror http:\/\/127\.0\.0\.1:\d+\. Open it from http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(hub.requests.length, from, 'nothing requested before the reader asks');
  await button.focus();
  await page.keyboard.press('Enter');
  await viewsReady(page, ['#gpt2']);
  assert.match(await page.locator('#gpt2 .status').textContent(), /^\d+ tokens · openai-community\/gpt2: Layer 0, head 2 · computed in a worker$/);
  assert.equal((await page.locator('#gpt2 .heatmap-rows .heatmap-label').allTextContents())[0], '<|endoftext|>');

  const before = hub.requests.length;
  await page.reload();
  await viewsReady(page, ['#gpt2']);
  assert.equal(hub.requests.length, before, 'the second visit reads it from this device');
  noSentence(sent);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the element on a page opened from disk: fetch works there, so it opens the model too, computed on the page', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page, 'file://', [hub.endpoint, hub.storage]);
  await page.goto(`${pathToFileURL(new URL('pages/element-hub.html', import.meta.url).pathname).href}?hub=${encodeURIComponent(hub.endpoint)}`);
  await page.locator('#gpt2 .hub-offer button').click();
  await viewsReady(page, ['#gpt2']);
  assert.match(await page.locator('#gpt2 .status').textContent(), /openai-community\/gpt2: Layer 0, head 2 · computed on the page$/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('embed.html with a model from the Hub: the element inside asks, then shows it; its link back keeps the mirror', async () => {
  const context = await browser.newContext();
  const { page, problems } = await newPage(context);
  await page.goto(withHub('/embed.html', `#model=${encodeURIComponent('hf:distilgpt2')}&view=matrix`));
  await page.locator('attention-view .hub-offer button').click();
  await viewsReady(page, ['attention-view']);
  assert.match(await page.locator('attention-view .status').textContent(), /distilbert\/distilgpt2/);
  assert.equal(await page.getAttribute('#open', 'href'), `./?hub=${encodeURIComponent(hub.endpoint)}#model=hf%3Adistilgpt2&view=matrix`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the installed playground opens a kept model with the network off: the page from its service worker, the model from this device', async () => {
  const context = await browser.newContext();
  const { page, problems } = await newPage(context);
  await page.goto(withHub());
  await viewsReady(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
  await openDialogWithMirror(page);
  await ask(page, 'distilbert-base-uncased');
  await opened(page, 'distilbert/distilbert-base-uncased');
  await server.close();
  await hub.close();
  try {
    await context.setOffline(true);
    await page.reload();
    await opened(page, 'distilbert/distilbert-base-uncased');
    await viewsReady(page);
    assert.match(await status(page), /read from this device/);
    assert.match(await page.textContent('#status'), /in a worker on \d threads$/);
    assert.equal((await labels(page))[0], '[CLS]');
  } finally {
    hub = await restartHub();
  }
  assert.deepEqual(problems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED')), []);
  await context.close();
});

test('on a phone, by touch: the dialog fits the screen, and a tap on a suggested model opens it', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const { page, problems } = await newPage(context);
  await page.goto(withHub());
  await viewsReady(page);
  await page.tap('#hub-open');
  await page.tap('#hub-mirror-use');
  await page.waitForFunction(() => [...document.querySelectorAll('.hub-size')].every((s) => s.textContent !== '…'));
  // Its width fits the screen and nothing in it overflows (where it sits also depends on the page's own width).
  const [width, overflow, right, pageWidth] = await page.$eval('#hub', (dialog) => [dialog.getBoundingClientRect().width,
    dialog.scrollWidth - dialog.clientWidth, dialog.getBoundingClientRect().right, window.innerWidth]);
  assert.ok(width <= 390 - 16 && overflow === 0 && right <= pageWidth, `the dialog is ${width} px wide, ${overflow} px overflow, right edge ${right} of ${pageWidth}`);
  await page.tap('.hub-model >> nth=1');
  await opened(page, 'distilbert/distilgpt2');
  await viewsReady(page);
  assert.deepEqual(problems, []);
  await context.close();
});
