// Debian's Chromium driven by playwright-core (never a downloaded browser), with the flags this
// network-less machine needs, and a test server on a free loopback port.
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve/serve.mjs';

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
}

// Starts the playground server (on a free port unless given); returns { url, port, close }. close() also
// drops kept-alive connections, so that the browser sees the network gone. options: startServer's.
export async function serve(options, port = 0) {
  const server = await startServer(port, { '/test-pages/': 'tests/e2e/pages' }, options);
  const close = () => new Promise((done) => { server.close(done); server.closeAllConnections(); });
  return { url: `http://localhost:${server.address().port}`, port: server.address().port, close };
}

// Waits until the views are drawn: the playground's (its page marks #matrix once every view is), or with
// `elements`, the <attention-view> elements those selectors name (each marks itself). `where`: a Page, or the
// FrameLocator of an iframe.
const PLAYGROUND_READY = '#matrix[data-ready="true"] canvas';
export const viewsReady = (where, elements = null) =>
  Promise.all((elements?.map((selector) => `${selector}[data-ready="true"]`) ?? [PLAYGROUND_READY])
    .map((selector) => where.locator(selector).first().waitFor({ timeout: 20000 })));

// Collects console errors, page errors, CSP violations, dialogs and requests that leave the origin ('file://'
// for pages opened from disk) and the `others` allowed (a hub and its storage host).
export function watchPage(page, origin, others = []) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => { problems.push(`dialog: ${dialog.message()}`); dialog.dismiss(); });  // alert(1) from an injection
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console error: ${message.text()}`); });
  page.on('request', (request) => {
    const url = request.url();
    if (origin && ![origin, ...others].some((allowed) => url.startsWith(allowed)) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      problems.push(`request outside the origin: ${url}`);
    }
  });
  return problems;
}
