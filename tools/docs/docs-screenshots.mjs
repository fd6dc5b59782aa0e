// Writes the screenshots under docs/screenshots/ (desktop 1280×800 and phone 390×844, light and one dark), each a
// window-sized view scrolled to one part of the playground; also the Share dialog, the element's test page, and
// a loaded checkpoint (the tiny BERT fixture).  Usage: node tools/docs/docs-screenshots.mjs
import { mkdir, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchBrowser, serve, viewsReady } from '../../tests/e2e/browser.mjs';

const out = new URL('../../docs/screenshots/', import.meta.url);
const hash = (fields) => `#${new URLSearchParams(fields)}`;
const animal = { text: 'The animal didn\'t cross the street because it was too tired', token: '11', layer: '1', head: '1' };
const bank = { text: 'The bank by the river was peaceful', compare: 'I deposited cash at the bank', token: '2', layer: '2', head: '0' };
const SHOTS = [
  // [name, hash, heading to scroll to (none: the top), devices]
  ['overview', hash({ ...animal, layer: '0', head: '2', token: '3' }), null, ['desktop', 'phone']],
  ['beams', hash({ ...animal, layer: '0', head: '2', token: '3' }), '#beams-title', ['phone']],
  ['heatmap', hash({ ...animal, layer: '0', head: '3' }), '#matrix-title', ['phone']],
  ['steps', hash(animal), '#steps-title', ['desktop', 'phone']],
  ['heads', hash(animal), '#heads-title', ['desktop', 'phone']],
  ['compare', hash(bank), '#compare-title', ['desktop', 'phone']],
  ['overview-dark', hash({ ...bank, compare: '', layer: '0', head: '3' }), null, ['desktop']],
  // [..., { path (instead of the playground), elements (the <attention-view>s to wait for), click (selector to click first) }]
  ['share', hash(animal), null, ['desktop'], { click: '#share-open' }],
  ['element', '', null, ['desktop'], { path: '/test-pages/element.html', elements: ['#beams', '#lens', '#custom > attention-view'] }],
  ['checkpoint', hash({ text: 'Unbelievable: the café\'s naïve owner played jazz!' }), null, ['desktop'], { checkpoint: 'bert' }],
];
const DEVICES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

await mkdir(out, { recursive: true });
const server = await serve();
const browser = await launchBrowser();
try {
  for (const [name, state, heading, devices, { path = '/', elements = null, click, checkpoint } = {}] of SHOTS) {
    for (const device of devices) {
      const page = await browser.newPage({ viewport: DEVICES[device], colorScheme: name.endsWith('dark') ? 'dark' : 'light', deviceScaleFactor: 1 });
      await page.goto(`${server.url}${path}${state}`);
      await viewsReady(page, elements);
      if (click) await page.click(click);
      if (checkpoint) {  // a fixture checkpoint through the file picker, as a reader would load one
        const dir = fileURLToPath(new URL(`../../tests/fixtures/checkpoints/${checkpoint}/`, import.meta.url));
        await page.setInputFiles('#checkpoint-files', (await readdir(dir)).filter((f) => f !== 'reference.json').map((f) => dir + f));
        await page.waitForFunction(() => document.getElementById('checkpoint-status').textContent.startsWith('Loaded'));
      }
      if (heading) await page.$eval(heading, (h) => window.scrollTo(0, h.getBoundingClientRect().top + window.scrollY - 16));
      await page.waitForTimeout(300);
      const file = new URL(`${name}-${device}.png`, out);
      await page.screenshot({ path: file.pathname });
      console.log(`wrote docs/screenshots/${name}-${device}.png`);
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
