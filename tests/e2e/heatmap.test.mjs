// The heatmap and the beams at every length and width: each label beside its own row or column (or hidden,
// never overlapping another or naming the wrong row), the exact weight beside a tapped cell or key, the chosen
// query's row outlined, a row chosen by clicking it, and long inputs' beams scrolled to the chosen token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, serve, viewsReady, watchPage } from './browser.mjs';

let browser, server;
before(async () => { browser = await launchBrowser(); server = await serve(); });
after(async () => { await browser?.close(); await server?.close(); });

const words = (count) => Array.from({ length: count }, (_, i) => ['river', 'bank', 'money', 'the', 'cat', 'sat', 'on', 'mat'][i % 8]).join(' ');
const LONG = 'Attention lets every word look at every other word. The word bank means one thing by a river and another in a city, and the words around it tell the model which. Each head learns its own way of looking: one follows the previous word, another the next, others gather meaning from the whole sentence.';

// Every visible label of the main heatmap against the row (or column) it names: how far its centre is from
// that row's centre, in rows, and whether it overlaps the next visible one.
const labelReport = (page) => page.evaluate(() => {
  const canvas = document.querySelector('#matrix canvas'), box = canvas.getBoundingClientRect();
  const n = canvas.height, m = canvas.width, rowPitch = box.height / n, columnPitch = box.width / m;
  const measure = (selector, pitch, start, centre, low, high) => {
    const shown = [...document.querySelectorAll(selector)].map((label, i) => [label, i]).filter(([label]) => getComputedStyle(label).visibility !== 'hidden');
    const worst = Math.max(...shown.map(([label, i]) => Math.abs(centre(label.getBoundingClientRect()) - (start + (i + 0.5) * pitch)) / pitch));
    const overlaps = shown.slice(1).filter(([label], k) => low(label.getBoundingClientRect()) < high(shown[k][0].getBoundingClientRect()) - 0.5).length;
    return { shown: shown.length, worst, overlaps };
  };
  return {
    n, m,
    rows: measure('#matrix .heatmap-rows .heatmap-label', rowPitch, box.top, (r) => (r.top + r.bottom) / 2, (r) => r.top, (r) => r.bottom),
    columns: measure('#matrix .heatmap-columns .heatmap-label', columnPitch, box.left, (r) => (r.left + r.right) / 2, (r) => r.left, (r) => r.right),
  };
});

test('heatmap labels sit beside their rows and columns at every length and width, thinned where they would overlap', async () => {
  for (const width of [1280, 390, 320]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const problems = watchPage(page, server.url);
    for (const text of ['The cat sat on the mat', words(30), LONG, words(200)]) {
      await page.goto(`${server.url}/#text=${encodeURIComponent(text)}&token=5`);
      await viewsReady(page);
      await page.locator('#matrix').scrollIntoViewIfNeeded();
      const report = await labelReport(page);
      const where = `${width} px, ${report.n} tokens`;
      for (const axis of ['rows', 'columns']) {
        assert.ok(report[axis].shown >= Math.min(report.n, 6), `${where}: ${report[axis].shown} ${axis} labelled`);
        assert.ok(report[axis].worst < 0.5, `${where}: a ${axis} label is ${report[axis].worst.toFixed(2)} rows from its own`);
        assert.equal(report[axis].overlaps, 0, `${where}: overlapping ${axis} labels`);
      }
      // Pointing beside a label reads that label's row: the complaint was "beside ·bank reads ·way".
      const shown = await page.$$eval('#matrix .heatmap-rows .heatmap-label', (labels) => labels.map((l, i) => [l, i])
        .filter(([l]) => getComputedStyle(l).visibility !== 'hidden').map(([, i]) => i));
      for (const index of shown.slice(-3)) {
        // The label in the middle of the window (a long matrix is taller than it), then the pointer beside it.
        const probe = await page.evaluate((i) => {
          const label = document.querySelectorAll('#matrix .heatmap-rows .heatmap-label')[i];
          label.scrollIntoView({ block: 'center' });
          const box = document.querySelector('#matrix canvas').getBoundingClientRect(), at = label.getBoundingClientRect();
          return { text: label.textContent, x: box.left + 2, y: (at.top + at.bottom) / 2 };
        }, index);
        await page.mouse.move(0, 0);
        await page.mouse.move(probe.x, probe.y);
        // (Chromium hands mouse moves to the page at its next frame: wait for the readout rather than read it once.)
        const read = await page.waitForFunction((text) => document.querySelector('#matrix .heatmap-readout').textContent.startsWith(`“${text}” → `), probe.text, { timeout: 3000 })
          .then(() => true, () => false);
        assert.ok(read, `${where}: beside “${probe.text}” the readout says ${await page.textContent('#matrix .heatmap-readout')}`);
      }
    }
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('touch: a tapped cell shows its weight beside it and chooses its row, which is outlined; a tapped key shows its weight', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent('The cat sat on the mat because it was tired')}`);
  await viewsReady(page);
  await page.locator('#matrix canvas').scrollIntoViewIfNeeded();
  const cell = async (i, j) => page.evaluate(([i, j]) => {
    const canvas = document.querySelector('#matrix canvas'), box = canvas.getBoundingClientRect();
    const w = box.width / canvas.width, h = box.height / canvas.height;
    return { x: box.left + (j + 0.5) * w, y: box.top + (i + 0.5) * h, left: box.left + j * w, right: box.left + (j + 1) * w, top: box.top + i * h, bottom: box.top + (i + 1) * h };
  }, [i, j]);
  const target = await cell(6, 9);
  await page.touchscreen.tap(target.x, target.y);
  await page.waitForFunction(() => location.hash.includes('token=6'));
  // The redraw for the new token keeps the tip on the tapped cell.
  const tip = await page.locator('#matrix .tip').evaluate((element) => ({ text: element.textContent, hidden: element.hidden, ...element.getBoundingClientRect().toJSON() }));
  const labels = await page.locator('#matrix .heatmap-rows .heatmap-label').allTextContents();
  assert.equal(tip.hidden, false);
  assert.equal(tip.text.replace(/: 0\.\d{4}$/, ''), `“${labels[6]}” → “${labels[9]}”`);
  assert.ok(tip.bottom <= target.top + 1 || tip.top >= target.bottom - 1, 'the tip is above or below the cell, not over it');
  assert.ok(Math.min(Math.abs(tip.bottom - target.top), Math.abs(tip.top - target.bottom)) <= 12, 'and right next to it');
  assert.ok(tip.left <= target.right && tip.right >= target.left, 'over the same column');
  // A tap on what follows the matrix lands there: the readout under it does not change length as the canvas loses focus.
  await page.locator('#matrix .heatmap-table summary').tap();
  await page.locator('#matrix .heatmap-table tbody tr').first().waitFor({ timeout: 5000 });
  await page.locator('#matrix .heatmap-table summary').tap();  // closed again, as the rest of the test had it
  // The chosen query's row is outlined.
  const mark = await page.locator('#matrix .heatmap-row-mark').boundingBox();
  assert.ok(Math.abs(mark.y + mark.height / 2 - (target.top + target.bottom) / 2) < 1, 'the outline is on row 6');
  assert.equal(await page.getAttribute('.beams-queries button:nth-child(7)', 'aria-pressed'), 'true', 'the beams follow');

  // A key in the beams: its weight beside it, as the key's label says it.
  const key = page.locator('.beams-keys .beams-key').nth(2);
  await key.scrollIntoViewIfNeeded();
  const keyBox = await key.boundingBox();
  await page.touchscreen.tap(keyBox.x + keyBox.width / 2, keyBox.y + keyBox.height / 2);
  const keyTip = await page.locator('#beams .tip').evaluate((element) => ({ text: element.textContent, hidden: element.hidden, ...element.getBoundingClientRect().toJSON() }));
  assert.equal(keyTip.hidden, false);
  const weight = (await key.getAttribute('aria-label')).split(': ')[1];
  const [pair, exact] = keyTip.text.split(': ');
  assert.equal(pair, `“${labels[6]}” → “${labels[2]}”`);
  assert.ok(Math.abs(Number(exact) - Number(weight)) <= 0.0006, `the key's weight: ${exact} (its label: ${weight})`);
  assert.ok(Math.abs(keyTip.bottom - keyBox.y) <= 12 || Math.abs(keyTip.top - (keyBox.y + keyBox.height)) <= 12, 'beside the key');
  assert.ok(keyTip.right <= 390 && keyTip.left >= 0, 'on the screen');
  assert.deepEqual(problems, []);
  await context.close();
});

test('keyboard: the matrix\'s arrow keys move a cursor with the weight beside it, Enter chooses that row', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent('a cat and a dog')}&token=1`);
  await viewsReady(page);
  await page.focus('#matrix canvas');
  for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowRight']) await page.keyboard.press(key);
  assert.match(await page.textContent('#matrix .heatmap-readout'), /^“·a” → “a”: 0\.\d{4}$/);
  assert.equal(await page.locator('#matrix .heatmap-cursor').isVisible(), true);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.includes('token=4'));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.focus), 'heatmap', 'focus stays on the matrix');
  assert.match(await page.textContent('#matrix .heatmap-readout'), /^“·a” → “a”/, 'and so does the cursor');
  assert.deepEqual(problems, []);
  await page.close();
});

test('long inputs: the beams open scrolled to the chosen token; the column labels are readable or hidden, never a smear', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent(LONG)}&token=60`);
  await viewsReady(page);
  assert.equal(await page.locator('.beams-rows').count(), 1);
  const view = await page.evaluate(() => {
    const body = document.querySelector('.beams-body'), chosen = document.querySelector('.beams-queries [aria-pressed="true"]');
    const b = body.getBoundingClientRect(), c = chosen.getBoundingClientRect();
    return { scrolled: body.scrollLeft, inside: c.left >= b.left && c.right <= b.right, token: chosen.textContent };
  });
  assert.ok(view.scrolled > 0 && view.inside, `the chosen token “${view.token}” is in view (scrolled ${view.scrolled} px)`);
  const columns = (await labelReport(page)).columns;
  assert.equal(columns.overlaps, 0);
  assert.ok(columns.shown >= 10 && columns.shown < 68, `${columns.shown} of 68 column labels shown`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('typing keeps the heatmap\'s and the beams\' elements, and they name the new tokens: none stale, none missing', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/#text=${encodeURIComponent('the cat sat')}&token=1`);
  await viewsReady(page);
  await page.click('#matrix .heatmap-table summary');  // the table is built from scratch each time: the labels' check
  const mark = () => page.evaluate(() => {
    for (const selector of ['#matrix canvas', '#matrix .heatmap-rows .heatmap-label', '#beams .beams-queries .beams-token']) document.querySelector(selector).kept = true;
  });
  await mark();
  const shown = () => page.evaluate(() => {
    const texts = (selector) => [...document.querySelectorAll(selector)].map((element) => element.textContent);
    return {
      kept: ['#matrix canvas', '#matrix .heatmap-rows .heatmap-label', '#beams .beams-queries .beams-token'].map((selector) => document.querySelector(selector).kept === true),
      n: document.querySelector('#matrix canvas').height, m: document.querySelector('#matrix canvas').width,
      rows: texts('#matrix .heatmap-rows .heatmap-label'), columns: texts('#matrix .heatmap-columns .heatmap-label'),
      table: texts('#matrix .heatmap-table thead th'), queries: texts('#beams .beams-queries .beams-token'),
      keys: texts('#beams .beams-keys .beams-key > span:first-child'),
      chosen: texts('#matrix .heatmap-label-chosen'), pressed: texts('#beams .beams-token[aria-pressed="true"]'),
      lines: [...document.querySelectorAll('#beams .beams-lines line title')].map((title) => title.textContent.split(' → ')[0]),
    };
  });
  let previous = await page.textContent('#matrix .heatmap-table thead');
  for (const text of ['the cat sat on', 'the cat sat on the mat because it was tired', 'the cat', 'the cat sat on the mat']) {
    await page.fill('#sentence', text);
    await page.waitForFunction((before) => document.querySelector('#matrix .heatmap-table thead')?.textContent !== before
      && document.getElementById('computing').hidden, previous);
    const now = await shown();
    assert.deepEqual(now.kept, [true, true, true], `${text}: the same canvas, labels and buttons`);
    assert.equal(now.rows.length, now.n, `${text}: a row label per row`);
    assert.equal(now.columns.length, now.m);
    assert.deepEqual(now.rows, now.table, `${text}: the row labels are the table's tokens`);
    assert.deepEqual(now.columns, now.table);
    assert.deepEqual(now.queries, now.table, `${text}: so are the beams' queries`);
    assert.deepEqual(now.keys, now.table, 'and keys');
    assert.deepEqual(now.chosen, [now.table[1]], 'one row chosen: the token chosen');
    assert.deepEqual(now.pressed, [now.table[1]]);
    assert.ok(now.lines.length > 0 && now.lines.every((query) => query === `“${now.table[1]}”`), `${text}: every beam from the chosen token`);
    previous = await page.textContent('#matrix .heatmap-table thead');
  }
  // A kept beam still tells its weight when pointed at.
  const line = page.locator('#beams .beams-lines line').last();
  const box = await line.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => /^“.+” → “.+”: \d\.\d{4}$/.test(document.querySelector('#beams .beams-readout').textContent));
  assert.deepEqual(problems, []);
  await page.close();
});
