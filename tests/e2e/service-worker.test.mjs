// The service worker (web/sw.js) keeps only what is safe to keep: computed answers such as oembed.json are asked
// of the server every time (an earlier one is never served for another query), and a page asked with ?hub=
// (whose CSP allows that mirror) is never answered with a copy made for another hub, nor the plain page with one
// made for a mirror. And the offline file, served over http, runs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, serve, viewsReady, watchPage } from './browser.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// A page of the playground under the control of its service worker.
async function controlledPage(server) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(`${server.url}/`);
  await viewsReady(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
  return { context, page, problems };
}
const policyOf = (page, path) => page.evaluate(async (url) => {
  try {
    return (await fetch(url)).headers.get('Content-Security-Policy');
  } catch (error) {
    return `failed: ${error.message}`;
  }
}, path);

test('oembed.json: each query gets its own answer through the service worker', async () => {
  const server = await serve();
  const { context, page, problems } = await controlledPage(server);
  const titles = await page.evaluate(async (site) => {
    const ask = async (text) => (await (await fetch(`./oembed.json?url=${encodeURIComponent(`${site}/embed.html#text=${encodeURIComponent(text)}`)}`)).json()).title;
    return [await ask('first sentence'), await ask('second sentence')];
  }, server.url);
  assert.deepEqual(titles, ['Self-attention on “first sentence”', 'Self-attention on “second sentence”']);
  assert.deepEqual(problems, []);
  await context.close();
  await server.close();
});

test('a page asked with ?hub= is served only with its own CSP: from the network, or offline from a copy of that address', async () => {
  let server = await serve();
  const { port } = server;
  const { context, page, problems } = await controlledPage(server);
  const mirror = 'http://mirror-a.example', other = 'http://mirror-b.example';
  assert.match(await policyOf(page, `./?hub=${encodeURIComponent(mirror)}`), /connect-src [^;]* http:\/\/mirror-a\.example;/);
  assert.match(await policyOf(page, `./dist/playground-worker.mjs?hub=${encodeURIComponent(mirror)}`), /connect-src [^;]* http:\/\/mirror-a\.example;/);
  // A page opened with a third mirror: its worker starts only for a model from there, but is kept at once.
  const third = 'http://mirror-c.example';
  await page.goto(`${server.url}/?hub=${encodeURIComponent(third)}`);
  await viewsReady(page);
  await page.goto(`${server.url}/`);
  await viewsReady(page);

  await server.close();
  await context.setOffline(true);
  assert.match(await policyOf(page, `./?hub=${encodeURIComponent(mirror)}`), /connect-src [^;]* http:\/\/mirror-a\.example;/, 'its own copy, offline');
  assert.match(await policyOf(page, `./?hub=${encodeURIComponent(other)}`), /^failed: /, 'never the copy made for another hub');
  const plain = await policyOf(page, './');
  assert.doesNotMatch(plain, /mirror-/, 'the plain page is never the copy made for a mirror');
  assert.match(plain, /connect-src 'self' https:\/\/huggingface\.co/);
  // Offline, a reload of the page with the mirror still opens (its copy), and so would the worker it starts
  // for a model from that hub (its copy, kept when the page was asked).
  await page.goto(`http://localhost:${port}/?hub=${encodeURIComponent(mirror)}`);
  await viewsReady(page);
  assert.match(await page.textContent('#status'), /on the page$/);
  assert.match(await policyOf(page, `./dist/playground-worker.mjs?hub=${encodeURIComponent(mirror)}`), /connect-src [^;]* http:\/\/mirror-a\.example;/);
  assert.match(await policyOf(page, `./dist/playground-worker.mjs?hub=${encodeURIComponent(third)}`), /connect-src [^;]* http:\/\/mirror-c\.example;/, 'the worker of a page asked offline');
  assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|ERR_FAILED/.test(p)), []);  // the refused copy
  await context.close();
  server = null;
});

test('the offline file served over http runs under its own policy', async () => {
  const server = await serve();
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page, server.url);
  page.on('console', (message) => { if (/Content Security Policy/.test(message.text())) problems.push(message.text()); });
  await page.goto(`${server.url}/dist/attention-playground.html#text=${encodeURIComponent('Served over http')}`);
  await viewsReady(page);
  assert.match(await page.textContent('#status'), /computed in [\d.]+ ms by the SIMD WebAssembly build on the page$/);
  assert.equal(await page.locator('#hub-open').isVisible(), false, 'no Hub where the page may not connect anywhere');
  assert.match(await page.textContent('#hub-unavailable'), /this one-file copy makes no network requests/);
  assert.deepEqual(problems, []);
  await context.close();
  await server.close();
});
