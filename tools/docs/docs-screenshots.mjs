// Writes the screenshots under docs/screenshots/ (desktop 1280×800 and phone 390×844, light and one dark), each a
// window-sized view scrolled to one part of the playground; also the Share dialog, the element's test page, and
// a loaded checkpoint (the tiny BERT fixture).  Usage: node tools/docs/docs-screenshots.mjs
import { mkdir, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchBrowser, serve, viewsReady } from '../../tests/e2e/browser.mjs';

const out = new URL('../../docs/screenshots/', import.meta.url);
const hash = (fields) => `#${new URLSearchParams(fields)}`;
const cat = { text: 'The cat sat on the mat because it was tired', token: '3' };  // "sat" on the previous-word head
const animal = { text: 'The animal didn\'t cross the street because it was too tired', token: '11', layer: '1', head: '1' };
const bank = { text: 'The bank by the river was peaceful', compare: 'I deposited cash at the bank', token: '2', layer: '2', head: '0' };
const passage = { text: 'Attention lets every word look at every other word. The word bank means one thing by a river and another in a city, and the words around it tell the model which. Each head learns its own way of looking: one follows the previous word, another the next, others gather meaning from the whole sentence.', token: '14' };
const SHOTS = [
  // [name, hash, heading to scroll to (none: the top), devices]
  ['overview', hash(cat), null, ['desktop', 'phone']],
  ['beams', hash(cat), '#beams-title', ['phone']],
  // [..., { tap: [row, column] of the heatmap to tap, as a finger would }]
  ['heatmap', hash({ ...animal, layer: '0', head: '3' }), '#matrix-title', ['phone'], { tap: [5, 6] }],
  ['long', hash(passage), '#beams-title', ['desktop', 'phone']],
  ['steps', hash(animal), '#steps-title', ['desktop', 'phone']],
  ['residual', hash(animal), '.steps-residual', ['desktop']],
  ['heads', hash(animal), '#heads-title', ['desktop', 'phone']],
  ['compare', hash(bank), '#compare-title', ['desktop', 'phone']],
  // Two heads off: the predictions' change at "sat", the switches, the ranking of every head.
  ['predictions', hash({ ...cat, ablate: '0.2 1.3' }), '#predictions-title', ['desktop', 'phone']],
  ['heads-off', hash({ ...cat, ablate: '0.2 1.3', layer: '1', head: '3' }), '#heads-title', ['desktop', 'phone']],
  ['importance', hash(cat), '#importance-title', ['desktop', 'phone'], { click: '#importance-run', waitFor: '.importance-table' }],
  ['overview-dark', hash({ ...bank, compare: '', layer: '0', head: '3' }), null, ['desktop']],
  // [..., { path (instead of the playground), elements (the <attention-view>s to wait for), click (selector to click first),
  //   waitFor (selector to wait for after it) }]
  ['share', hash(animal), null, ['desktop'], { click: '#share-open' }],
  ['element', '', null, ['desktop'], { path: '/test-pages/element.html', elements: ['#beams', '#lens', '#custom > attention-view'] }],
  ['checkpoint', hash({ text: 'Unbelievable: the café\'s naïve owner played jazz!' }), null, ['desktop'], { checkpoint: 'bert' }],
];
const DEVICES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

await mkdir(out, { recursive: true });
const server = await serve();
const browser = await launchBrowser();
try {
  for (const [name, state, heading, devices, { path = '/', elements = null, click, waitFor, checkpoint, tap } = {}] of SHOTS) {
    for (const device of devices) {
      const touch = device === 'phone' ? { hasTouch: true, isMobile: true } : {};
      const context = await browser.newContext({ viewport: DEVICES[device], colorScheme: name.endsWith('dark') ? 'dark' : 'light', deviceScaleFactor: 1, ...touch });
      const page = await context.newPage();
      await page.goto(`${server.url}${path}${state}`);
      await viewsReady(page, elements);
      if (click) await page.click(click);
      if (waitFor) await page.waitForSelector(waitFor);
      if (checkpoint) {  // a fixture checkpoint through the file picker, as a reader would load one
        const dir = fileURLToPath(new URL(`../../tests/fixtures/checkpoints/${checkpoint}/`, import.meta.url));
        await page.setInputFiles('#checkpoint-files', (await readdir(dir)).filter((f) => f !== 'reference.json').map((f) => dir + f));
        await page.waitForFunction(() => document.getElementById('checkpoint-status').textContent.startsWith('Loaded'));
      }
      if (heading) await page.$eval(heading, (h) => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 16));
      await page.waitForTimeout(300);
      if (tap) {
        const { x, y } = await page.$eval('#matrix canvas', (canvas, [i, j]) => {
          const box = canvas.getBoundingClientRect();
          return { x: box.left + (j + 0.5) * box.width / canvas.width, y: box.top + (i + 0.5) * box.height / canvas.height };
        }, tap);
        await page.touchscreen.tap(x, y);
        await page.waitForTimeout(300);
      }
      const file = new URL(`${name}-${device}.png`, out);
      await page.screenshot({ path: file.pathname });
      console.log(`wrote docs/screenshots/${name}-${device}.png`);
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
