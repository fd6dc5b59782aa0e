// Threads: a GPT-2-small-sized forward (124M parameters, float16, made-up weights) at 64 and 256 tokens, timed on
// the single-threaded SIMD build and on the threaded build with N threads, interleaved round by round
// in one process (node) and in one page's worker (Debian's Chromium, cross-origin isolated), medians.
//   node bench/threads.mjs [--threads N] [--rounds R] [--dist folder]   (defaults: 2 threads, 5 rounds, dist)
// The ratio that matters is single-threaded build ÷ threaded build on N threads, side by side.
import { createReadStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GPT2_SMALL_CONFIG, gpt2Shapes, writeSyntheticCheckpoint } from '../tools/fixtures/synthetic-checkpoint.mjs';
import { launchBrowser } from '../tests/e2e/browser.mjs';
import { timeSideBySide } from './pages/threads-timing.mjs';

const root = new URL('..', import.meta.url);
const option = (name, fallback) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : fallback; };
const threads = Number(option('--threads', '2')), rounds = Number(option('--rounds', '5')), dist = resolve(option('--dist', 'dist'));

const dir = await mkdtemp(join(tmpdir(), 'threads-bench-'));
const fixture = fileURLToPath(new URL('tests/fixtures/checkpoints/gpt2/', root));
const files = await writeSyntheticCheckpoint(dir, fixture, gpt2Shapes(), GPT2_SMALL_CONFIG, 'float16');

console.log(`CPU: ${cpus()[0].model}, ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ` +
  `node ${process.versions.node}; GPT-2-small-sized float16, ${rounds} interleaved rounds, medians\n`);
const table = (where, rows) => {
  console.log(`| where | tokens | single-threaded build | threaded build, ${threads} threads | speed-up |`);
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${where} | ${r.tokens} | ${r.single.toFixed(0)} ms | ${r.many.toFixed(0)} ms | ${(r.single / r.many).toFixed(2)}× |`);
  }
  console.log('');
};

// node: the three engines in this process.
{
  const { default: createAttention } = await import(pathToFileURL(join(dist, 'attention.mjs')).href);
  const blobs = {};
  for (const file of files) blobs[file] = await openAsBlob(join(dir, file));
  const engines = {};
  for (const [name, options] of [['single', {}], ['many', { threads }]]) {
    engines[name] = await (await createAttention(options)).loadCheckpoint(blobs);
  }
  table('node', timeSideBySide(engines, rounds));
}

// Chromium: the same in a worker of a cross-origin-isolated page.
const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const mounts = { models: dir, bench: fileURLToPath(new URL('bench/pages/', root)), dist };
const server = createServer(async (request, response) => {
  const [, mount, ...rest] = new URL(request.url, 'http://localhost').pathname.split('/');
  const file = mounts[mount] && resolve(mounts[mount], ...rest.map(decodeURIComponent));
  if (!file || !file.startsWith(mounts[mount]) || !(await stat(file).catch(() => null))) return response.writeHead(404).end();
  response.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'",
    'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
  });
  createReadStream(file).pipe(response);
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const browser = await launchBrowser();
const page = await browser.newPage();
page.on('console', (message) => {  // (the favicon's 404 is not news)
  if (message.type() === 'error' && !message.text().includes('404')) console.error(`page: ${message.text()}`);
});
const query = new URLSearchParams({ files: files.join(','), threads: String(threads), rounds: String(rounds) });
await page.goto(`http://127.0.0.1:${server.address().port}/bench/threads.html?${query}`);
await page.waitForFunction(() => window.benchResult, null, { timeout: 900000 });
const result = await page.evaluate(() => window.benchResult);
if (result.error) console.log(`Chromium: ${result.error}\n`);
else table('Chromium', result.rows);
await browser.close();
server.close();
await rm(dir, { recursive: true, force: true });
