// Real model sizes with made-up weights, in node and in Debian's Chromium: the wasm heap a checkpoint takes, its
// load time, and one forward pass (median of a few) at 32 tokens, for a GPT-2-small-sized (124M, float16), a
// Qwen2.5-0.5B-sized (494M, bfloat16) and a TinyLlama-1.1B-sized (1.1B, float16) checkpoint.
//   node bench/models.mjs [dist folder …]   (default: dist; a second folder, e.g. an older checkout's dist, is
//                                           timed on the checkpoints it can read)
// The files (4 GB in all) are written to a temporary folder and removed at the end.
import { createReadStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GPT2_SMALL_CONFIG, gpt2Shapes, llamaShapes, parameterCount, writeSyntheticCheckpoint } from '../tools/fixtures/synthetic-checkpoint.mjs';
import { launchBrowser } from '../tests/e2e/browser.mjs';

const root = new URL('..', import.meta.url);
const folders = process.argv.slice(2).length ? process.argv.slice(2) : ['dist'];
const ROUNDS = 5;
// Whole forward passes: a causal model would otherwise reuse its last run of the same text (older builds ignore it).
const WHOLE = { reuse: false };
const TEXT = 'The cat sat on the mat because it was tired, and the dog ran after it across the garden to';

const dir = await mkdtemp(join(tmpdir(), 'model-bench-'));
// A checkpoint of the real model's shape, its tokenizer from a fixture of the family.
async function checkpoint(name, fixture, shapes, config, dtype) {
  const folder = join(dir, name);
  const files = await writeSyntheticCheckpoint(folder, fileURLToPath(new URL(`tests/fixtures/checkpoints/${fixture}/`, root)), shapes, config, dtype);
  return { name, folder, parameters: parameterCount(shapes), files };
}

const models = [
  await checkpoint('gpt2-small', 'gpt2', gpt2Shapes(), GPT2_SMALL_CONFIG, 'float16'),
  await checkpoint('qwen2.5-0.5b', 'qwen2', llamaShapes({ vocab: 151936, d: 896, layers: 24, heads: 14, kvHeads: 2, dff: 4864, qkvBias: true }),
    { vocab_size: 151936, hidden_size: 896, num_hidden_layers: 24, num_attention_heads: 14, num_key_value_heads: 2, intermediate_size: 4864,
      max_position_embeddings: 32768, rope_theta: 1000000.0, use_sliding_window: false, tie_word_embeddings: true }, 'bfloat16'),
  await checkpoint('tinyllama-1.1b', 'llama', llamaShapes({ vocab: 32000, d: 2048, layers: 22, heads: 32, kvHeads: 4, dff: 5632, tied: false }),
    { vocab_size: 32000, hidden_size: 2048, num_hidden_layers: 22, num_attention_heads: 32, num_key_value_heads: 4, intermediate_size: 5632,
      max_position_embeddings: 2048, rope_theta: 10000.0, rope_scaling: null, attention_bias: false, mlp_bias: false, tie_word_embeddings: false }, 'float16'),
];

console.log(`CPU: ${cpus()[0].model}, ${cpus().length} cores; node ${process.versions.node}; ${ROUNDS} runs each, medians\n`);
console.log('| where | build | checkpoint | parameters | file | wasm heap | load | forward of 32 tokens |\n|---|---|---|---:|---:|---:|---:|---:|');
const row = (where, build, m, r) => console.log(`| ${where} | ${build} | ${m.name} | ${(m.parameters / 1e6).toFixed(0)}M | ` +
  `${m.bytes} | ${'error' in r ? `${r.error || 'an error without a message'}` : `${r.mib.toFixed(0)} MiB | ${r.seconds.toFixed(2)} s | ${r.ms.toFixed(0)} ms (${r.tokens} tokens)`} |`);
for (const m of models) m.bytes = `${((await stat(join(m.folder, 'model.safetensors'))).size / 1e9).toFixed(2)} GB`;
// The longest start of TEXT that the model reads as at most 32 tokens (its specials included).
function textOf(model) {
  const words = TEXT.split(' ');
  for (let count = words.length; count > 0; count--) {
    const text = words.slice(0, count).join(' ');
    if (model.run(text, { truncate: true }).ids.length <= 32) return text;
  }
  return words[0];
}

// node: each build, each checkpoint it reads.
for (const folder of folders) {
  const { default: createAttention } = await import(pathToFileURL(resolve(folder, 'attention.mjs')).href);
  for (const m of models) {
    const attn = await createAttention({ simd: true });
    const files = {};
    for (const file of m.files) files[file] = await openAsBlob(join(m.folder, file));
    let result;
    try {
      const before = attn.heapStats().allocatedBytes, started = performance.now();
      const model = await attn.loadCheckpoint(files);
      const seconds = (performance.now() - started) / 1000, mib = (attn.heapStats().allocatedBytes - before) / 2 ** 20;
      const text = m.text ??= textOf(model);
      model.run(text, WHOLE);
      const runs = [];
      for (let i = 0; i < ROUNDS; i++) {
        const start = performance.now();
        model.run(text, WHOLE);
        runs.push(performance.now() - start);
      }
      result = { seconds, mib, ms: runs.sort((a, b) => a - b)[ROUNDS >> 1], tokens: model.run(text).ids.length };
      model.dispose();
    } catch (error) {
      result = { error: error.message.slice(0, 80) };
    }
    row('node', basename(resolve(folder, '..')) + '/' + basename(folder), m, result);
  }
}

// Chromium: the same through a page, files streamed by a small server with the playground's CSP.
const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const mounts = { models: dir, bench: new URL('bench/pages/', root).pathname };
folders.forEach((folder, i) => { mounts[`dist${i}`] = resolve(folder); });
const server = createServer(async (request, response) => {
  const [, mount, ...rest] = new URL(request.url, 'http://localhost').pathname.split('/');
  const file = mounts[mount] && resolve(mounts[mount], ...rest.map(decodeURIComponent));
  if (!file || !file.startsWith(mounts[mount])) return response.writeHead(404).end();
  try {
    await stat(file);
  } catch {
    return response.writeHead(404).end();
  }
  response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'" });
  createReadStream(file).pipe(response);
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const browser = await launchBrowser();
for (const [i, folder] of folders.entries()) {
  for (const m of models) {
    const page = await browser.newPage();
    const query = new URLSearchParams({ dist: `dist${i}`, model: m.name, files: m.files.join(','), text: m.text ?? TEXT, rounds: String(ROUNDS) });
    await page.goto(`http://127.0.0.1:${server.address().port}/bench/models.html?${query}`);
    await page.waitForFunction(() => window.benchResult, null, { timeout: 600000 });
    row('Chromium', basename(resolve(folder, '..')) + '/' + basename(folder), m, await page.evaluate(() => window.benchResult));
    await page.close();
  }
}
await browser.close();
server.close();
await rm(dir, { recursive: true, force: true });
