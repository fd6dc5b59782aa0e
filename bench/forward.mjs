// A model's whole forward pass through the JS API (model.run, as the page calls it), for one or more builds side
// by side in one process, calls interleaved so that a busy machine slows them alike:
//   node bench/forward.mjs [dist folder …]     (default: dist; e.g. dist ../old/dist compares two checkouts)
// Models: the built-in bidirectional model at 32 and 127 tokens, and a GPT-2-sized checkpoint (124M parameters,
// float16 file of made-up weights) at 32 and 64 tokens, every row computed. Prints median milliseconds and each
// build's ratio to the first; then, for the first build, the GPT-2-sized model while a text is typed: a word
// added at the end of 64 tokens, and a word changed in the middle, each run reusing the last one's prefix.
import { openAsBlob } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gpt2Shapes, writeHalfSafetensors } from '../tools/fixtures/synthetic-checkpoint.mjs';

const root = new URL('..', import.meta.url);
const folders = process.argv.slice(2).length ? process.argv.slice(2) : ['dist'];
const ROUNDS = 15;

const dir = await mkdtemp(join(tmpdir(), 'forward-bench-'));
const weights = join(dir, 'model.safetensors');
await writeHalfSafetensors(weights, gpt2Shapes());
const fixture = new URL('tests/fixtures/checkpoints/gpt2/', root);
const small = {};
for (const name of await readdir(fixture)) if (name !== 'reference.json' && name !== 'model.safetensors') small[name] = await readFile(new URL(name, fixture));
const config = JSON.parse(small['config.json']);
Object.assign(config, { vocab_size: 50257, n_embd: 768, n_layer: 12, n_head: 12, n_positions: 1024, n_ctx: 1024 });
small['config.json'] = JSON.stringify(config);

const builds = [];
for (const folder of folders) {
  const { default: createAttention } = await import(pathToFileURL(resolve(folder, 'attention.mjs')).href);
  const attn = await createAttention({ simd: true });
  const builtin = await attn.loadModel('builtin');
  const before = attn.heapStats().allocatedBytes, started = performance.now();
  const gpt2 = await attn.loadCheckpoint({ ...small, 'model.safetensors': await openAsBlob(weights) });
  const load = { seconds: (performance.now() - started) / 1000, mib: (attn.heapStats().allocatedBytes - before) / 2 ** 20 };
  builds.push({ folder, builtin, gpt2, load });
}
await rm(dir, { recursive: true, force: true });

// A text of exactly `tokens` tokens with the model's specials.
function textOf(model, tokens) {
  let text = 'The cat sat on the mat because it was tired';
  while (model.run(text, { truncate: true }).tokens.length < tokens) text += ' and the dog ran after it';
  for (let words = text.split(' '); ; words = words.slice(0, -1)) {
    const candidate = words.join(' ');
    if (model.run(candidate, { truncate: true }).tokens.length <= tokens) return candidate;
  }
}

const work = [['builtin', 32], ['builtin', 127], ['gpt2', 32], ['gpt2', 64]];
console.log(`CPU: ${cpus()[0].model}, ${cpus().length} cores; node ${process.versions.node}; ${ROUNDS} interleaved rounds, medians\n`);
for (const b of builds) console.log(`${b.folder}: the GPT-2-sized checkpoint (float16 file) loaded in ${b.load.seconds.toFixed(2)} s, ${b.load.mib.toFixed(0)} MiB of wasm heap`);
console.log('');
console.log(`| model | tokens | ${builds.map((b) => `${b.folder} ms`).join(' | ')} | ${builds.slice(1).map((b) => `${b.folder} / ${builds[0].folder}`).join(' | ')} |`);
console.log(`|---|---:|${builds.map(() => '---:|').join('')}${builds.slice(1).map(() => '---:|').join('')}`);
for (const [which, tokens] of work) {
  const text = textOf(builds[0][which], tokens);
  const samples = builds.map(() => []);
  for (const b of builds) b[which].run(text, { truncate: true });  // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    builds.forEach((b, i) => {
      const start = performance.now();
      b[which].run(text, { reuse: false, truncate: true });  // every row computed (an older build ignores the option: it has no reuse)
      samples[i].push(performance.now() - start);
    });
  }
  const medians = samples.map((s) => s.sort((a, b) => a - b)[s.length >> 1]);
  console.log(`| ${which === 'gpt2' ? 'GPT-2-sized checkpoint (124M)' : 'built-in bidirectional'} | ${tokens} | ${medians.map((m) => m.toFixed(2)).join(' | ')} | ` +
    `${medians.slice(1).map((m) => (m / medians[0]).toFixed(3)).join(' | ')} |`);
}

// Typing into the GPT-2-sized checkpoint: each edit after the same text's run, which it reuses up to the edit.
const { gpt2 } = builds[0];
const base = textOf(gpt2, 60), words = base.split(' ');
const edits = [['a word added at the end', `${base} now`], ['a word changed in the middle', [...words.slice(0, words.length >> 1), 'bird', ...words.slice((words.length >> 1) + 1)].join(' ')]];
console.log(`\n${builds[0].folder}, the GPT-2-sized checkpoint while typing (${ROUNDS} rounds, medians):\n`);
console.log('| edit | tokens | rows reused | ms | every row computed, ms | ratio |\n|---|---:|---:|---:|---:|---:|');
for (const [what, edited] of edits) {
  const typed = [], whole = [];
  let reused = 0, tokens = 0;
  for (let round = 0; round < ROUNDS; round++) {
    gpt2.run(base);
    let start = performance.now();
    const result = gpt2.run(edited);
    typed.push(performance.now() - start);
    ({ reused } = result), tokens = result.ids.length;
    start = performance.now();
    gpt2.run(edited, { reuse: false });
    whole.push(performance.now() - start);
  }
  const [t, w] = [typed, whole].map((s) => s.sort((a, b) => a - b)[s.length >> 1]);
  console.log(`| ${what} | ${tokens} | ${reused} | ${t.toFixed(1)} | ${w.toFixed(1)} | ${(t / w).toFixed(3)} |`);
}
