// The playground as a reader feels it, in Debian's Chromium (headless, driven by playwright-core), measured from
// outside the page's code the way issue 17 does, and from inside (the page's own performance.measure marks):
//   keystroke   an input event in the sentence → the first animation frame whose heatmap canvas shows other
//               pixels, at 64 tokens with the built-in model, alternately typing a letter at the end and deleting
//               it, each edit once the previous one is painted and the page is idle; medians and p90
//   startup     navigation start → the first animation frame with the heatmap painted, cold (a new browser
//               profile: no HTTP cache, no service worker) and warm (the same profile again: the service worker's
//               cache), with the requests of one cold load as a waterfall
//   checkpoint  (--checkpoint, alone) a GPT-2-small-sized checkpoint (124M parameters, float16 file of made-up
//               weights) opened on the page, at about 64 tokens: a keystroke at the end (the core's prefix cache
//               keeps the rows before it) and one at the start (every row again) → the first changed heatmap
//               frame; whether "Computing…" showed in between; and five keystrokes typed at once: how many
//               requests the worker computed (the newest-only rule: not five)
// With --before <checkout> (a built checkout of an older commit, e.g. ../old), the same measurements of that
// checkout's page, served by its own server, interleaved with this one's in the same browser.
//   npm run bench:page [-- --simd=0 | --threads=1] [--before ../old] [--edits 60] [--loads 12] [--only keystroke|startup]
//   node bench/page.mjs --checkpoint [--edits 20]
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser, serve } from '../tests/e2e/browser.mjs';
import { GPT2_SMALL_CONFIG, gpt2Shapes, writeSyntheticCheckpoint } from '../tools/fixtures/synthetic-checkpoint.mjs';

const flag = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const EDITS = Number(flag('--edits', 60)), LOADS = Number(flag('--loads', 12)), TOKENS = 64;
const only = flag('--only', null);
const search = process.argv.includes('--simd=0') ? '?simd=0' : process.argv.includes('--threads=1') ? '?threads=1' : '';
// (The built-in models are computed on the page, on one thread; the worker and its threads compute --checkpoint's.)
const buildName = { '?simd=0': 'scalar build', '?threads=1': 'SIMD build, the worker on one thread', '': 'SIMD build, the worker\'s threads where the page is isolated' }[search];
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
const stats = (values) => `median ${quantile(values, 0.5).toFixed(1)} ms, p90 ${quantile(values, 0.9).toFixed(1)} ms ` +
  `(min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)}, n ${values.length})`;
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

// Runs in every page before its own scripts. Keystrokes: an input event (captured before the page's own
// listener) takes the heatmap's pixels as they are, and every animation frame after it compares; the first frame
// that differs ends the edit. Startup: every frame from the document's start looks for a painted heatmap.
function observer() {
  const canvas = () => document.querySelector('#matrix canvas.heatmap-cells');
  const pixels = (c) => (c && c.width > 0 ? `${c.width}x${c.height}:${new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer).join(',')}` : '');
  window.__bench = { edits: [], computingShown: [], firstPicture: null };
  const firstPicture = () => {
    if (canvas()?.width > 0) window.__bench.firstPicture = performance.now();
    else requestAnimationFrame(firstPicture);
  };
  requestAnimationFrame(firstPicture);
  addEventListener('input', (event) => {
    if (event.target.id !== 'sentence') return;
    const start = event.timeStamp, before = pixels(canvas());
    let computing = false;
    const frame = () => {
      const now = performance.now();
      computing ||= document.getElementById('computing')?.hidden === false;
      if (pixels(canvas()) !== before) return window.__bench.computingShown.push(computing), window.__bench.edits.push(now - start);
      if (now - start > 10000) return window.__bench.edits.push(Infinity);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }, true);
}

// One page of a checkout: { name, url, page }, with its text grown to TOKENS tokens ([BOS] included).
async function openPlayground(browser, name, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(observer);
  const words = 'the cat sat on the mat because it was tired and the dog ran to the park'.split(' ');
  let text = '';
  for (let i = 0; ; i++) {
    text = `${text} ${words[i % words.length]}`.trim();
    await page.goto(`${url}/${search}#text=${encodeURIComponent(text)}`);
    await page.waitForFunction(() => /^\d+ tokens/.test(document.getElementById('status').textContent), null, { timeout: 20000 });
    const n = Number((await page.textContent('#status')).split(' ')[0]);
    if (n >= TOKENS - 1) break;
  }
  await page.focus('#sentence');
  await page.keyboard.press('End');
  await page.evaluate(() => performance.clearMeasures());
  return { name, url, page, tokens: Number((await page.textContent('#status')).split(' ')[0]) };
}

// `count` edits of one page; resolves to their times (ms).
async function edit(playground, count, done) {
  const { page } = playground;
  for (let k = 0; k < count; k++) {
    const before = await page.evaluate(() => window.__bench.edits.length);
    await page.keyboard.press(done.length % 2 === 0 ? 's' : 'Backspace');
    await page.waitForFunction((c) => window.__bench.edits.length > c, before, { timeout: 15000 });
    done.push(await page.evaluate(() => window.__bench.edits.at(-1)));
    await page.waitForFunction(() => document.getElementById('computing')?.hidden ?? true);  // (older pages have no badge)
    await sleep(60);  // the page idle again: the next edit does not land on the last one's work
  }
}

async function keystrokes(browser, checkouts) {
  const playgrounds = [];
  for (const { name, url } of checkouts) playgrounds.push(await openPlayground(browser, name, url));
  const times = playgrounds.map(() => []);
  for (let round = 0; round < EDITS / 10; round++) {
    for (const [i, playground] of playgrounds.entries()) await edit(playground, 10, times[i]);
  }
  console.log(`\nKeystroke → first frame with the heatmap's pixels changed, ${playgrounds[0].tokens}–${playgrounds[0].tokens + 1} tokens ([BOS] included), builtin model, ${buildName}, interleaved in tens:`);
  for (const [i, { name }] of playgrounds.entries()) console.log(`  ${name.padEnd(10)} ${stats(times[i])}`);
  const { page } = playgrounds.at(-1);
  const measures = await page.evaluate(() => {
    const byName = {};
    for (const entry of performance.getEntriesByType('measure')) (byName[entry.name] ??= []).push(entry.duration);
    return byName;
  });
  console.log(`  this page's own marks (${playgrounds.at(-1).name}):`);
  for (const [name, values] of Object.entries(measures)) console.log(`    ${name.padEnd(40)} ${stats(values)}`);
  for (const { page } of playgrounds) await page.close();
}

// One load of a checkout's playground in `context`: navigation start → first heatmap frame (ms), and the
// requests with their start and end (ms after navigation start) when `waterfall`.
async function load(context, url, waterfall) {
  const page = await context.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(observer);
  const requests = [];
  if (waterfall) {
    page.on('requestfinished', (request) => {
      const t = request.timing();
      requests.push({ url: request.url().replace(url, ''), start: t.startTime, end: t.startTime + t.responseEnd });
    });
  }
  await page.goto(`${url}/${search}`);
  await page.waitForFunction(() => window.__bench.firstPicture !== null, null, { timeout: 20000 });
  const first = await page.evaluate(() => window.__bench.firstPicture);
  const origin = await page.evaluate(() => performance.timeOrigin);
  // The service worker installs (precaching every file) after the first picture: wait for it, for the warm loads.
  await page.evaluate(() => navigator.serviceWorker?.ready.then(() => true));
  await page.close();
  return { first, requests: requests.map((r) => ({ ...r, start: r.start - origin, end: r.end - origin })) };
}

async function startup(browser, checkouts) {
  const cold = checkouts.map(() => []), warm = checkouts.map(() => []);
  let waterfall = null;
  for (let run = 0; run < LOADS; run++) {
    for (const [i, { url }] of checkouts.entries()) {
      const context = await browser.newContext();
      const firstLoad = await load(context, url, run === 0 && i === checkouts.length - 1);
      cold[i].push(firstLoad.first);
      if (firstLoad.requests.length) waterfall = firstLoad.requests;
      warm[i].push((await load(context, url, false)).first);
      await context.close();
    }
  }
  console.log(`\nNavigation start → first frame with the heatmap painted (builtin model, ${buildName}, http on 127.0.0.1), interleaved:`);
  for (const [i, { name }] of checkouts.entries()) {
    console.log(`  ${name.padEnd(10)} cold ${stats(cold[i])}`);
    console.log(`  ${''.padEnd(10)} warm ${stats(warm[i])}`);
  }
  console.log(`  requests of one cold load (${checkouts.at(-1).name}), ms after navigation start:`);
  for (const r of waterfall.sort((a, b) => a.start - b.start)) console.log(`    ${r.start.toFixed(0).padStart(5)} → ${r.end.toFixed(0).padStart(5)}  ${r.url}`);
}

// The GPT-2-sized checkpoint on the page (see the head of this file).
async function checkpoint(browser, url) {
  const folder = await mkdtemp(join(tmpdir(), 'page-checkpoint-'));
  try {
    const names = await writeSyntheticCheckpoint(folder, 'tests/fixtures/checkpoints/gpt2', gpt2Shapes(), GPT2_SMALL_CONFIG, 'float16');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(observer);
    await page.goto(`${url}/`);
    await page.waitForSelector('#matrix[data-ready="true"] canvas', { timeout: 20000 });
    const loading = performance.now();
    await page.setInputFiles('#checkpoint-files', names.map((name) => join(folder, name)));
    await page.waitForFunction(() => document.getElementById('model').value === 'checkpoint' && /computed in/.test(document.getElementById('status').textContent), null, { timeout: 300000 });
    const loaded = (performance.now() - loading) / 1000;
    // Words until the page says TOKENS tokens or more.
    const words = 'The cat sat on the mat because it was tired and the dog ran after it'.split(' ');
    let tokens = 0;
    for (let count = 12; tokens < TOKENS; count++) {
      await page.fill('#sentence', Array.from({ length: count }, (_, i) => words[i % words.length]).join(' '));
      await page.waitForFunction(() => document.getElementById('computing').hidden, null, { timeout: 60000 });
      tokens = Number((await page.textContent('#status')).split(' ')[0]);
    }
    const timed = async (count, where) => {
      const times = [], computing = [];
      for (let k = 0; k < count; k++) {
        await page.focus('#sentence');
        await page.keyboard.press(where);
        const before = await page.evaluate(() => window.__bench.edits.length);
        await page.keyboard.press(k % 2 === 0 ? 'x' : 'y');
        await page.waitForFunction((c) => window.__bench.edits.length > c, before, { timeout: 60000 });
        times.push(await page.evaluate(() => window.__bench.edits.at(-1)));
        computing.push(await page.evaluate(() => window.__bench.computingShown.at(-1)));
        await page.waitForFunction(() => document.getElementById('computing').hidden, null, { timeout: 60000 });
        await page.keyboard.press('Backspace');  // back to the same text (its own computation, not timed)
        await page.waitForFunction(() => document.getElementById('computing').hidden, null, { timeout: 60000 });
        await sleep(100);
      }
      return { times, computing: computing.filter(Boolean).length };
    };
    const atEnd = await timed(Math.max(10, EDITS / 2), 'End'), atStart = await timed(Math.max(5, EDITS / 4), 'Home');
    // Five letters at once: each keystroke asks; the newest-only rule computes the one in progress and the last.
    await page.focus('#sentence');
    await page.keyboard.press('End');
    const computed = () => page.evaluate(() => performance.getEntriesByName('  worker compute').length);
    const computedBefore = await computed();
    await page.keyboard.type('quick', { delay: 10 });
    await page.waitForFunction(() => document.getElementById('computing').hidden, null, { timeout: 60000 });
    const burst = (await computed()) - computedBefore;
    console.log(`\nGPT-2-small-sized checkpoint (124M parameters, float16 file, made-up weights; loaded in ${loaded.toFixed(1)} s) at ${tokens} tokens, Chromium headless:`);
    console.log(`  keystroke at the end → first changed heatmap frame   ${stats(atEnd.times)}; "Computing…" seen in ${atEnd.computing} of ${atEnd.times.length}`);
    console.log(`  keystroke at the start (every row again)           ${stats(atStart.times)}; "Computing…" seen in ${atStart.computing} of ${atStart.times.length}`);
    console.log(`  five letters typed 10 ms apart: ${burst} requests computed (the rest dropped by the newest-only rule)`);
    const measures = await page.evaluate(() => {
      const byName = {};
      for (const entry of performance.getEntriesByType('measure')) (byName[entry.name] ??= []).push(entry.duration);
      return byName;
    });
    console.log('  the page\'s own marks, every computation above:');
    for (const [name, values] of Object.entries(measures)) console.log(`    ${name.padEnd(40)} ${stats(values)}`);
    await page.close();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

const servers = [];
const checkouts = [];
const before = flag('--before', null);
if (before) {
  const { serve: serveBefore } = await import(pathToFileURL(resolve(before, 'tests/e2e/browser.mjs')).href);
  servers.push(await serveBefore());
  checkouts.push({ name: 'before', url: servers.at(-1).url });
}
servers.push(await serve());
checkouts.push({ name: 'this build', url: servers.at(-1).url });
const browser = await launchBrowser();
try {
  console.log(`CPU: ${cpus()[0].model}, ${cpus().length} cores; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; Chromium ${browser.version()}`);
  if (process.argv.includes('--checkpoint')) {
    await checkpoint(browser, checkouts.at(-1).url);
  } else {
    if (only !== 'startup') await keystrokes(browser, checkouts);
    if (only !== 'keystroke') await startup(browser, checkouts);
  }
  console.log(`\nLoad average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  await browser.close();
  for (const server of servers) await server.close();
}
