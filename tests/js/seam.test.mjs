// The JS/wasm seam under hostile values: each finding of the probe in issue 14, reproduced. Getters that throw,
// dispose or re-enter, Proxies and lying subclasses, huge and malformed texts, detached buffers, oversized files:
// every call either works or throws an Error naming its argument, the heap is as it was after every failed call,
// and the module keeps working.
import assert from 'node:assert/strict';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gpt2Shapes, writeHalfSafetensors } from '../../tools/fixtures/synthetic-checkpoint.mjs';
import { builds, checkpointFiles, multiHeadArgs, validAttentionArgs } from './helpers.mjs';

const attn = builds.simd;
const model = await attn.loadModel('builtin');
const baseline = { run: model.run('the cat').attentions, sdpa: attn.scaledDotProductAttention(validAttentionArgs()) };

// The module still answers every kind of call as before.
function stillWorks() {
  assert.deepEqual(model.run('the cat').attentions, baseline.run);
  assert.deepEqual(attn.scaledDotProductAttention(validAttentionArgs()), baseline.sdpa);
  assert.ok(attn.heapStats().allocatedBytes > 0);
}

const allocated = () => attn.heapStats().allocatedBytes;

test('finding 1: a throwing getter read after 64 MiB inputs leaks nothing, 16 times over', () => {
  const big = new Float32Array(2 ** 24);  // 64 MiB
  const large = () => attn.scaledDotProductAttention({ q: big.subarray(0, 256), k: big, v: big, n: 1, m: 65536, dk: 256, dv: 256, weights: false });
  large();  // warm-up: the kernels keep a packing buffer of the largest size seen
  const before = allocated();
  for (let i = 0; i < 16; i++) {
    assert.throws(() => attn.scaledDotProductAttention({
      q: big, k: big, get v() { throw new Error('getter says no'); }, n: 65536, m: 65536, dk: 256, dv: 256, weights: false,
    }), /^Error: getter says no$/);
    assert.equal(allocated(), before, `after call ${i + 1}`);
  }
  // A large call still fits: nothing of the sixteen stayed behind.
  assert.equal(large().output.length, 256);
  assert.equal(allocated(), before);
  stillWorks();
});

test('finding 2: 200,000 runs whose options getter throws leave the module working', () => {
  const before = allocated();
  const hostile = { get temperature() { throw new RangeError('no temperature'); } };
  for (let i = 0; i < 200000; i++) {
    try {
      model.run('the cat', hostile);
      assert.fail('the getter did not throw');
    } catch (error) {
      if (error.message !== 'no temperature') throw error;
    }
  }
  assert.equal(allocated(), before);
  stillWorks();
  const other = attn.loadModel('builtin-lens');
  return other.then((lens) => { assert.equal(lens.run('the cat').tokens.length, 3); lens.dispose(); });
});

test('finding 3: a getter that disposes of the model or the projections during a call cannot free them under it', async () => {
  const victim = await attn.loadModel('builtin');
  assert.throws(() => victim.run('the cat', { get hidden() { victim.dispose(); return false; } }),
    { name: 'RangeError', message: 'model: it has been disposed of; load it again' });
  assert.throws(() => victim.tokenize('the cat'), { name: 'RangeError', message: /^model: it has been disposed of/ });
  victim.dispose();  // twice: harmless
  const args = multiHeadArgs(3, 8, 2);
  const prepared = attn.prepareMultiHeadAttention(args);
  assert.throws(() => prepared.run({ x: args.x, n: 3, get causal() { prepared.dispose(); return false; } }),
    { name: 'RangeError', message: /^prepared: it has been disposed of/ });
  stillWorks();
});

test('finding 4: a Proxy or a lying subclass cannot pass for an array, and re-entrant getters run before any copy', () => {
  const args = validAttentionArgs();
  // Its element getter would re-enter the module and grow its memory mid-copy.
  const reentrant = new Proxy(args.q, {
    get(target, key) {
      attn.multiHeadAttention(multiHeadArgs(512, 256, 4));
      return Reflect.get(target, key);
    },
  });
  assert.throws(() => attn.scaledDotProductAttention({ ...args, q: reentrant }),
    { name: 'TypeError', message: /^q: expected a Float32Array, got an object that only looks like one \(a Proxy\?\)/ });
  // A subclass whose length lies: the real elements are copied, all of them.
  class Liar extends Float32Array { get length() { return 1; } }
  assert.deepEqual(attn.scaledDotProductAttention({ ...args, q: Liar.from(args.q) }), baseline.sdpa);
  // A getter of the arguments that re-enters the module and grows its memory runs before anything is copied.
  const grown = attn.scaledDotProductAttention({
    ...args,
    get v() { attn.multiHeadAttention(multiHeadArgs(512, 256, 4)); return args.v; },
  });
  assert.deepEqual(grown, baseline.sdpa);
  stillWorks();
});

test('finding 5: a text of half a billion characters with much of the heap in use is refused by name', () => {
  // About 800 MB of the heap held by three prepared projections (4 × 64 MiB each).
  const held = [1, 2, 3].map((seed) => attn.prepareMultiHeadAttention(multiHeadArgs(1, 4096, 8, seed)));
  const before = allocated();
  const text = 'a'.repeat(2 ** 29 - 24);  // the longest string V8 makes: 537 million characters
  for (const call of [() => model.tokenize(text), () => model.run(text, { truncate: true })]) {
    assert.throws(call, (error) => error instanceof RangeError && /^text: /.test(error.message));
    assert.equal(allocated(), before);
  }
  for (const p of held) p.dispose();
  stillWorks();
});

test('finding 6: lone surrogates lose no character and no offset runs past the text', async () => {
  const gpt2 = await attn.loadCheckpoint(await checkpointFiles('gpt2'));
  for (const m of [model, gpt2]) {
    for (const text of ['a\ud800b', 'x\ud800', '\udc00', '\ud800\ud800z', 'a\udfffb\ud83d\ude00c', '\ud83d']) {
      const { tokens, offsets, special } = m.tokenize(text);
      assert.equal(tokens.join(''), text, JSON.stringify(text));
      assert.ok(offsets.every((o) => o >= 0 && o <= text.length), JSON.stringify([text, [...offsets]]));
      assert.equal(Math.max(...offsets), text.length);
      assert.ok(special.every((s) => s === 0));
      const run = m.run(text);
      assert.equal(run.tokens.filter((_, i) => !run.special[i]).join(''), text);
    }
  }
  gpt2.dispose();
});

// Every argument of every function, given a value of the wrong kind, throws an Error whose message starts with
// that argument's name (never an engine message such as "vector" or "offset is out of bounds").
test('finding 7: every wrong argument gets an Error that names it, and the heap stays flat', async () => {
  const wrong = [undefined, null, 42, 'text', [1, 2], {}, new Float64Array(4), new Uint8Array(4), () => 1, Symbol('s'), 10n];
  const sdpaNames = ['q', 'k', 'v', 'n', 'm', 'dk', 'dv', 'heads', 'causal', 'keyMask', 'scale', 'weights'];
  const mhaArgs = multiHeadArgs(3, 6, 2);
  const mhaNames = [...Object.keys(mhaArgs), 'context', 'm', 'causal', 'keyMask', 'scale', 'weights'];
  const before = allocated();
  let checked = 0;
  // The error names the argument given the wrong value, or (a right kind but a wrong value, such as n: 42)
  // another argument that the core finds inconsistent with it.
  const argumentNames = new Set([...sdpaNames, ...mhaNames, 'truncate', 'hidden', 'projections', 'temperature', 'text', 'arguments', 'options']);
  const named = (call, name) => {
    try {
      call();
    } catch (error) {
      assert.ok(error instanceof Error, String(error));
      const [, which] = /^(\w+): /.exec(error.message) ?? [];
      assert.ok(which === name || (argumentNames.has(which) && !/expected (a|true)/.test(error.message)), `${name}: ${error.message}`);
      checked++;
    }
  };
  for (const value of wrong) {
    for (const name of sdpaNames) named(() => attn.scaledDotProductAttention({ ...validAttentionArgs(), [name]: value }), name);
    for (const name of mhaNames) named(() => attn.multiHeadAttention({ ...mhaArgs, [name]: value }), name);
    for (const name of ['truncate', 'hidden', 'projections', 'causal', 'scaled', 'temperature']) {
      named(() => model.run('the cat', { [name]: value }), name);
    }
    named(() => model.run(value), 'text');
    named(() => model.tokenize(value), 'text');
  }
  assert.ok(checked > 200, `${checked} errors checked`);
  // Huge, detached and mislabelled arrays.
  named(() => attn.scaledDotProductAttention({ ...validAttentionArgs(), q: new Float32Array(new ArrayBuffer(2 ** 31 + 8)) }), 'q');
  const detached = new Float32Array(6);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  named(() => attn.scaledDotProductAttention({ ...validAttentionArgs(), q: detached }), 'q');
  named(() => attn.scaledDotProductAttention({ ...validAttentionArgs(), q: Object.create(Float32Array.prototype) }), 'q');
  await assert.rejects(attn.loadModel(Object.create(Uint8Array.prototype)), /^TypeError: bytes: /);
  await assert.rejects(attn.loadCheckpoint(42), /^TypeError: files: /);
  await assert.rejects(attn.loadCheckpoint({ ...await checkpointFiles('gpt2'), 'vocab.json': 42 }), /^TypeError: vocab\.json: /);
  await assert.rejects(attn.loadCheckpoint(await checkpointFiles('gpt2'), { onProgress: 'yes' }), /^TypeError: onProgress: /);
  assert.equal(allocated(), before);
  stillWorks();
});

test('finding 7: a ten-million-line merges.txt is refused by name before it is kept', async () => {
  const files = await checkpointFiles('gpt2');
  const before = allocated();
  await assert.rejects(attn.loadCheckpoint({ ...files, 'merges.txt': '#version: 0.2\n' + 'Ġ t\n'.repeat(1e7) }),
    { message: /^merges\.txt: has 10000001 lines, more than config\.json's vocab_size less the 256 bytes/ });
  await assert.rejects(attn.loadCheckpoint({ ...files, 'merges.txt': new Uint8Array(65 * 2 ** 20) }),
    { message: /^merges\.txt: is 68157440 bytes \(65\.0 MiB\), more than the 67108864 bytes \(64\.0 MiB\) a config or tokenizer file may have$/ });
  assert.equal(allocated(), before);
  stillWorks();
});

test('finding 7: a checkpoint that declares 5 GB of weights is refused before any tensor is read', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'huge-checkpoint-'));
  try {
    const E = 2048, L = 24, V = 50257, P = 1024;  // 1.3 G parameters: a 2.6 GB file (node's Blob sizes stop at 4 GiB)
    const path = join(dir, 'model.safetensors');
    await writeHalfSafetensors(path, gpt2Shapes({ vocab: V, d: E, layers: L, positions: P }), { sparse: true });
    const small = await checkpointFiles('gpt2');
    const config = JSON.parse(await small['config.json'].text());
    Object.assign(config, { vocab_size: V, n_embd: E, n_layer: L, n_head: 16, n_positions: P });
    const before = allocated();
    const progress = [];
    await assert.rejects(attn.loadCheckpoint({ ...small, 'config.json': JSON.stringify(config), 'model.safetensors': await openAsBlob(path) },
      { onProgress: (p) => progress.push(p) }),
    { message: /^model\.safetensors: its tensors need \d+ bytes \(\d\.\d GiB\) of memory as float32, more than the \d+ bytes \(\d\.\d GiB\) this build can give them$/ });
    assert.deepEqual(progress, [], 'not one tensor was read');
    assert.equal(allocated(), before);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  stillWorks();
});

test('text crosses as UTF-8 from TextEncoder: offsets count the text\'s own UTF-16 units', () => {
  const text = 'naïve 🐈‍⬛ café';
  const { tokens, offsets } = model.tokenize(text);
  assert.equal(tokens.join(''), text);
  assert.equal(offsets.at(-1), text.length);
  assert.ok(new TextEncoder().encode(text).length > text.length, 'the text has multi-byte characters');
});
