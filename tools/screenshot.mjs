// Takes a screenshot of a playground page for a person to look at:
//   node tools/screenshot.mjs [path-and-hash, default /] [out.png, default screenshot.png] [--dark] [--width N]
import { launchBrowser, serve } from '../tests/e2e/browser.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [path = '/', out = 'screenshot.png'] = args;
const widthFlag = process.argv.indexOf('--width');
const width = widthFlag > 0 ? Number(process.argv[widthFlag + 1]) : 1200;
const server = await serve();
const browser = await launchBrowser();
try {
  const page = await browser.newPage({
    viewport: { width, height: 900 },
    colorScheme: process.argv.includes('--dark') ? 'dark' : 'light',
  });
  page.on('pageerror', (error) => console.error('page error:', error.message));
  page.on('console', (message) => message.type() === 'error' && console.error('console:', message.text()));
  await page.goto(server.url + path);
  await page.waitForTimeout(800);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
