// Phone widths: at 320 and 390 px nothing sticks out of the page — the controls, the views at short and long
// lengths, the steps with every component, the weights table, the comparison and the Share dialog. What is
// wider than the screen (a long table) scrolls inside its own box.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, serve, viewsReady, watchPage } from './browser.mjs';

let browser, server;
before(async () => { browser = await launchBrowser(); server = await serve(); });
after(async () => { await browser?.close(); await server?.close(); });

const LONG = 'Attention lets every word look at every other word. The word bank means one thing by a river and another in a city, and the words around it tell the model which. Each head learns its own way of looking: one follows the previous word, another the next, others gather meaning from the whole sentence.';

// The elements that reach past the viewport's width and are not inside a box that clips or scrolls them; and
// how wide the page can be scrolled.
const overflowing = (page) => page.evaluate(() => {
  const width = document.documentElement.clientWidth;
  const contained = (element) => {
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(parent).overflowX) && parent.getBoundingClientRect().right <= width + 0.5) return true;
    }
    return false;
  };
  const out = [...document.querySelectorAll('body *')].filter((element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.right > width + 0.5 && !contained(element);  // (nothing scrolls to the left)
  }).map((element) => `${element.localName}${element.id ? `#${element.id}` : ''}.${element.getAttribute('class')} ${Math.round(element.getBoundingClientRect().right)} px`);
  return { scrollWidth: document.documentElement.scrollWidth, width, out: out.slice(0, 8) };
});

test('nothing overflows at 320 and 390 px: short and long texts, every view, the steps in full, the Share dialog', async () => {
  for (const width of [320, 390]) {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    const problems = watchPage(page, server.url);
    const states = [
      ['the defaults', ''],
      ['a long text', `#text=${encodeURIComponent(LONG)}&token=40`],
      ['a long word', `#text=${encodeURIComponent('Pneumonoultramicroscopicsilicovolcanoconiosis and antidisestablishmentarianism')}`],
      ['the comparison', `#text=${encodeURIComponent('The bank by the river')}&compare=${encodeURIComponent('I deposited cash at the bank')}&hideBos=on`],
    ];
    for (const [what, hash] of states) {
      await page.goto(`${server.url}/${hash}`);
      await viewsReady(page);
      // Lay out every section (the page skips those far below the window until they are scrolled near).
      await page.evaluate(() => { for (const section of document.querySelectorAll('#views section')) section.style.contentVisibility = 'visible'; });
      // (A new hash is the same page: what was opened for the previous state is still open.)
      if (!(await page.$eval('#matrix .heatmap-table', (details) => details.open))) await page.click('#matrix .heatmap-table summary');
      if (await page.getAttribute('.steps-tools button[aria-pressed]', 'aria-pressed') === 'false') await page.click('.steps-tools button[aria-pressed]');
      await page.waitForSelector('.steps-tools button[aria-pressed="true"]');  // every component of q, k and v
      const report = await overflowing(page);
      assert.deepEqual(report.out, [], `${width} px, ${what}`);
      assert.equal(report.scrollWidth, report.width, `${width} px, ${what}: the page scrolls sideways`);
    }
    await page.click('#share-open');
    await page.waitForSelector('#share[open]');
    const dialog = await overflowing(page);
    assert.deepEqual(dialog.out, [], `${width} px, the Share dialog`);
    const box = await page.locator('#share').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= width, `the dialog fits: ${box.x}–${box.x + box.width}`);
    // The Model chooser, 419 px wide before, fits its line.
    assert.ok((await page.locator('#model').boundingBox()).width < width - 20);
    assert.deepEqual(problems, []);
    await page.close();
  }
});
