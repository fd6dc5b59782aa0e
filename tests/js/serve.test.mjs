// The dev server (tools/serve/serve.mjs) under hostile requests, written byte by byte on raw sockets as any
// client (or a page elsewhere, with <img src="http://127.0.0.1:8080/%">) can send them: it answers each with a
// plain error and keeps serving; the security headers are on every answer; only the pages that offer the Hub may
// connect to it; oEmbed answers only for this site's pages.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer } from '../../tools/serve/serve.mjs';

let server, port, folder;
before(async () => {
  // A served folder holding a symlink out of it, a symlinked folder out of it, and a page whose index is a folder.
  folder = await mkdtemp(join(tmpdir(), 'serve-test-'));
  await writeFile(join(folder, 'inside.txt'), 'inside\n');
  await symlink('/etc/passwd', join(folder, 'passwd.txt'));
  await symlink('/etc', join(folder, 'etc'));
  await mkdir(join(folder, 'odd', 'index.html'), { recursive: true });
  server = await startServer(0, { '/tmp-test/': folder });
  port = server.address().port;
});
after(async () => {
  await new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); });
  await rm(folder, { recursive: true, force: true });
});

// Sends `request` as it is; -> { status, headers, body } of the answer.
function raw(request) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));  // the server closes it (Connection: close)
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
  });
}
const get = (path, { method = 'GET', host = `127.0.0.1:${port}` } = {}) =>
  raw(`${method} ${path} HTTP/1.1\r\n${host === null ? '' : `Host: ${host}\r\n`}Connection: close\r\n\r\n`);
const still = async () => assert.equal((await get('/')).status, 200, 'the server still serves');

test('malformed percent-encodings, bad Host headers and odd request targets get a 400, and the server keeps serving', async () => {
  for (const path of ['/%', '/%zz', '/%E0%A4%A', '/dist/%', '/a%00b']) {
    const answer = await get(path);
    assert.equal(answer.status, 400, path);
    assert.match(answer.body, /^Bad request: the path /);
  }
  for (const host of ['a b', 'exa mple.org', '[zz]', 'example.org:port', 'ex%61mple.org', 'a/b', '']) {
    assert.equal((await get('/', { host })).status, 400, `Host: ${host}`);
  }
  assert.equal((await get('/', { host: null })).status, 400, 'HTTP/1.1 without a Host (node refuses it)');
  assert.equal((await raw('GET / HTTP/1.0\r\n\r\n')).status, 200, 'HTTP/1.0 without a Host: localhost');
  assert.equal((await get('http://127.0.0.1/')).status, 400, 'an absolute-form target');
  assert.equal((await get('*')).status, 400);
  await still();
});

test('only GET and HEAD: 405 with Allow; HEAD has the headers and no body', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']) {
    const answer = await raw(`${method} / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    assert.deepEqual([answer.status, answer.headers.allow], [405, 'GET, HEAD'], method);
  }
  const head = await get('/', { method: 'HEAD' });
  assert.deepEqual([head.status, head.body], [200, '']);
  assert.match(head.headers['content-type'], /^text\/html/);
  await still();
});

test('no file outside the served folders, through .. or a symlink; a folder where a file should be is a 500 that says nothing', async () => {
  assert.equal((await get('/tmp-test/inside.txt')).status, 200);
  for (const path of ['/tmp-test/passwd.txt', '/tmp-test/etc/passwd', '/tmp-test/etc/', '/../package.json', '/%2e%2e/package.json', '/lib/%2e%2e/%2e%2e/package.json', '/dist/../../package.json']) {
    const answer = await get(path);
    assert.equal(answer.status, 404, path);
    assert.doesNotMatch(answer.body, /root:/);
  }
  const odd = await get('/tmp-test/odd/');
  assert.deepEqual([odd.status, odd.body], [500, 'Server error\n']);
  await still();
});

test('the security headers on every answer, errors included; frame-ancestors everywhere but embed.html', async () => {
  for (const path of ['/', '/index.html', '/app.mjs', '/dist/precache.js', '/oembed.json', '/nope', '/%', '/tmp-test/odd/']) {
    const { headers } = await get(path);
    assert.equal(headers['x-content-type-options'], 'nosniff', path);
    assert.match(headers['content-security-policy'], /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; .*frame-ancestors 'self'$/, path);
  }
  const embed = await get('/embed.html');
  assert.doesNotMatch(embed.headers['content-security-policy'], /frame-ancestors/, 'embed.html exists to be framed by any page');
  assert.equal((await raw(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)).headers['x-content-type-options'], 'nosniff');
});

test('connect-src adds the Hub and its storage hosts only on the pages that offer it, and a ?hub= mirror as an origin only', async () => {
  const connect = async (path) => /connect-src ([^;]*)/.exec((await get(path)).headers['content-security-policy'])[1];
  const hubHosts = "'self' https://huggingface.co https://*.huggingface.co https://*.hf.co";
  for (const path of ['/', '/embed.html', '/dist/playground-worker.mjs', '/worker.mjs', '/dist/attention-view.js']) assert.equal(await connect(path), hubHosts, path);
  for (const path of ['/app.mjs', '/lib/hub.mjs', '/dist/attention.mjs', '/oembed.json', '/nope']) assert.equal(await connect(path), "'self'", path);
  assert.equal(await connect('/?hub=http%3A%2F%2F127.0.0.1%3A9000%2Fhf'), `${hubHosts} http://127.0.0.1:9000`);
  assert.equal(await connect('/dist/playground-worker.mjs?simd=0&hub=https%3A%2F%2Fmirror.example'), `${hubHosts} https://mirror.example`);
  // Anything that is not an http(s) origin adds nothing (and cannot add a directive).
  for (const hub of ['https://x.org;script-src%20*', "https://x.org%20'unsafe-inline'", 'javascript:alert(1)', 'https://user@x.org', 'https://x.org/?a', 'data:,x']) {
    const policy = (await get(`/?hub=${encodeURIComponent(decodeURIComponent(hub))}`)).headers['content-security-policy'];
    assert.equal(/connect-src ([^;]*)/.exec(policy)[1], hubHosts, hub);
    assert.equal(policy.split(';').length, 9, hub);
  }
  // Configured hubs (a mirror and its storage host).
  const configured = await startServer(0, {}, { hubs: ['http://127.0.0.1:7000', 'https://storage.example/x'] });
  const answer = await fetch(`http://127.0.0.1:${configured.address().port}/`);
  assert.match(answer.headers.get('content-security-policy'), /connect-src 'self' https:\/\/huggingface\.co .* http:\/\/127\.0\.0\.1:7000 https:\/\/storage\.example;/);
  configured.close();
  assert.throws(() => startServer(0, {}, { hubs: ['ftp://x'] }), /^RangeError: hubs: 'ftp:\/\/x' is not an http\(s\) origin$/);
});

test('the offline file is served with its own policy (its inline script allowed by hash)', async () => {
  const { status, headers, body } = await get('/dist/attention-playground.html');
  assert.equal(status, 200);
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(body)[1];
  assert.equal(headers['content-security-policy'], `${meta}; frame-ancestors 'self'`);
});

test('oEmbed answers for this site\'s pages only, with sizes that are positive integers, its text escaped in the JSON', async () => {
  const site = `http://127.0.0.1:${port}`;
  const ask = (query) => get(`/oembed.json?${query}`);
  const ok = await ask(`url=${encodeURIComponent(`${site}/embed.html#text=%3Cscript%3Ealert(1)%3C%2Fscript%3E`)}&maxwidth=400&maxheight=300`);
  assert.equal(ok.status, 200);
  assert.doesNotMatch(ok.body, /<script|<\/|<iframe/, 'no markup in the raw answer');
  const answer = JSON.parse(ok.body);
  assert.deepEqual([answer.type, answer.width, answer.height, answer.title], ['rich', 400, 300, 'Self-attention on “<script>alert(1)</script>”']);
  for (const url of ['http://evil.example/embed.html', `${site}/dist/attention.mjs`, 'javascript:alert(1)', 'not a url', `http://127.0.0.1:${port + 1}/`]) {
    assert.equal((await ask(`url=${encodeURIComponent(url)}`)).status, 404, url);
  }
  for (const size of ['maxwidth=0', 'maxwidth=-5', 'maxheight=1.5', 'maxwidth=abc', 'maxheight=', 'maxwidth=1e3', 'maxwidth=99999999']) {
    const bad = await ask(`url=${encodeURIComponent(`${site}/`)}&${size}`);
    assert.equal(bad.status, 400, size);
    assert.match(bad.body, /must be a positive integer/);
  }
  assert.equal((await ask(`url=${encodeURIComponent(`${site}/`)}`)).status, 200);
});
