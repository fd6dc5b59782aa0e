// Keystroke to repainted views in the playground, in Debian's Chromium (headless): the page marks each keystroke
// and measures (performance.measure) when every visible view has been rendered from its result, and when the
// next frame begins. 50 keystrokes at 64 tokens with the built-in model, alternately typing a letter and deleting
// it, each after the previous one is painted. Prints the medians.  Usage: npm run bench:page [-- --simd=0]
import { launchBrowser, serve } from '../tests/e2e/browser.mjs';

const KEYSTROKES = 50, TOKENS = 64;
const search = process.argv.includes('--simd=0') ? '?simd=0' : '';
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const server = await serve();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const words = 'the cat sat on the mat because it was tired and the dog ran to the park'.split(' ');
  let text = '';
  // Grow the text until the page says it has TOKENS tokens ([BOS] included).
  await page.goto(`${server.url}/${search}`);
  await page.waitForSelector('#matrix[data-ready="true"]', { timeout: 15000 });
  for (let i = 0; ; i++) {
    text = `${text} ${words[i % words.length]}`.trim();
    await page.goto(`${server.url}/${search}#text=${encodeURIComponent(text)}`);
    await page.waitForFunction(() => /^\d+ tokens/.test(document.getElementById('status').textContent));
    const n = Number((await page.textContent('#status')).split(' ')[0]);
    if (n >= TOKENS - 1) break;
  }
  await page.focus('#sentence');
  await page.keyboard.press('End');
  await page.evaluate(() => performance.clearMeasures());
  const count = () => page.evaluate(() => performance.getEntriesByName('keystroke to next frame').length);
  const computeMs = [];
  for (let k = 0; k < KEYSTROKES; k++) {
    const before = await count();
    await page.keyboard.press(k % 2 === 0 ? 's' : 'Backspace');
    await page.waitForFunction((c) => performance.getEntriesByName('keystroke to next frame').length > c, before);
    computeMs.push(Number((await page.textContent('#status')).match(/computed in ([\d.]+) ms/)[1]));
  }
  const measures = await page.evaluate(() => {
    const byName = {};
    for (const entry of performance.getEntriesByType('measure')) (byName[entry.name] ??= []).push(entry.duration);
    return byName;
  });
  const tokens = (await page.textContent('#status')).split(' ')[0];
  console.log(`Playground, ${tokens} to ${Number(tokens) + 1} tokens ([BOS] included), builtin model, ${KEYSTROKES} keystrokes, Chromium headless, ${search ? 'scalar' : 'SIMD'} build:`);
  console.log(`  model run + cross/steps data in the worker  median ${median(computeMs).toFixed(1)} ms`);
  for (const [name, values] of Object.entries(measures)) {
    console.log(`  ${name.padEnd(42)} median ${median(values).toFixed(1)} ms (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)}, n ${values.length})`);
  }
} finally {
  await browser.close();
  await server.close();
}
