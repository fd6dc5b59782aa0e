// Takes a screenshot of a playground page for a person to look at:
//   node tools/docs/screenshot.mjs [path-and-hash, default /] [out.png, default screenshot.png] [--dark] [--width N]
//   [--height N] [--viewport (only what fits in the window, not the full page)] [--from Y (a window-sized part from y = Y)]
import { launchBrowser, serve } from '../../tests/e2e/browser.mjs';

const args = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !['--width', '--height', '--from'].includes(all[i - 1]));
const [path = '/', out = 'screenshot.png'] = args;
const widthFlag = process.argv.indexOf('--width');
const width = widthFlag > 0 ? Number(process.argv[widthFlag + 1]) : 1200;
const heightFlag = process.argv.indexOf('--height');
const height = heightFlag > 0 ? Number(process.argv[heightFlag + 1]) : 900;
const server = await serve();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({
    viewport: { width, height },
    colorScheme: process.argv.includes('--dark') ? 'dark' : 'light',
  });
  page.on('pageerror', (error) => console.error('page error:', error.message));
  page.on('console', (message) => message.type() === 'error' && console.error('console:', message.text()));
  await page.goto(server.url + path);
  await page.waitForTimeout(800);
  const fromFlag = process.argv.indexOf('--from');
  const clip = fromFlag > 0 ? { x: 0, y: Number(process.argv[fromFlag + 1]), width, height } : undefined;
  await page.screenshot({ path: out, fullPage: !process.argv.includes('--viewport'), clip });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
