// Debian's Chromium driven by playwright-core (never a downloaded browser), with the flags this
// network-less machine needs, and a test server on a free loopback port.
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.mjs';

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
}

// Starts the playground server on a free port; returns { url, close }.
export async function serve() {
  const server = await startServer(0, { '/test-pages/': 'tests/e2e/pages' });
  return { url: `http://localhost:${server.address().port}`, close: () => new Promise((done) => server.close(done)) };
}

// Collects console errors, page errors, CSP violations and requests that leave the origin.
export function watchPage(page, origin) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console error: ${message.text()}`); });
  page.on('request', (request) => {
    const url = request.url();
    if (origin && !url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      problems.push(`request outside the origin: ${url}`);
    }
  });
  return problems;
}
