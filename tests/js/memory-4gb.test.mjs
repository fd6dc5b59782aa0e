// The wasm memory grows to 4 GiB, and wasm32's addresses above 2 GiB are negative as signed 32-bit numbers: with
// more than 2 GiB of the heap in use, every kind of value (arrays in, results out, a model's text and tensors)
// must cross at addresses above 2^31 and come back the same as at low addresses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import createAttention from '../../dist/attention.mjs';
import { fixtureFiles, multiHeadArgs, validAttentionArgs } from './helpers.mjs';

test('values above 2 GiB of the wasm heap round-trip exactly', async () => {
  const attn = await createAttention({ simd: true });  // an instance of its own: this test fills its memory
  assert.ok(attn.heapStats().maximumBytes > 2 ** 32 - 2 ** 20, `maximum ${attn.heapStats().maximumBytes}`);
  const files = await fixtureFiles('gpt2');
  const text = 'The cat sat on the mat because it was tired 🐈';
  const mha = multiHeadArgs(16, 64, 4);
  const low = {
    sdpa: attn.scaledDotProductAttention(validAttentionArgs()),
    mha: attn.multiHeadAttention(mha),
    run: (await attn.loadModel('builtin')).run(text, { projections: true }),
    checkpoint: (await attn.loadCheckpoint(files)).run(text, { hidden: true }),
  };
  // Fill the heap past 2 GiB: nine prepared projections of 4 × 64 MiB each (2.25 GiB), held while we compute.
  const held = Array.from({ length: 9 }, (_, i) => attn.prepareMultiHeadAttention(multiHeadArgs(1, 4096, 8, i + 2)));
  const { allocatedBytes, memoryBytes } = attn.heapStats();
  assert.ok(allocatedBytes > 2 ** 31 + 2 ** 28 && memoryBytes > 2 ** 31, `allocated ${allocatedBytes}, memory ${memoryBytes}`);
  const model = await attn.loadModel('builtin'), checkpoint = await attn.loadCheckpoint(files);
  assert.deepEqual(attn.scaledDotProductAttention(validAttentionArgs()), low.sdpa);
  assert.deepEqual(attn.multiHeadAttention(mha), low.mha);
  const high = model.run(text, { projections: true });
  for (const key of ['ids', 'offsets', 'special', 'tokens', 'attentions', 'queries', 'keys', 'values']) assert.deepEqual(high[key], low.run[key], key);
  const highCheckpoint = checkpoint.run(text, { hidden: true });
  for (const key of ['ids', 'tokens', 'attentions', 'hidden']) assert.deepEqual(highCheckpoint[key], low.checkpoint[key], key);
  // A large array crosses whole: 64 MiB of q whose last values decide the output.
  const n = 4, m = 65536, dk = 64;
  const q = new Float32Array(n * dk).fill(0.01), k = new Float32Array(m * dk), v = new Float32Array(m * dk);
  k.fill(1, (m - 1) * dk), v.fill(3, (m - 1) * dk);
  const { output } = attn.scaledDotProductAttention({ q, k, v, n, m, dk, dv: dk, weights: false });
  assert.ok(output.every((x) => x > 0 && Number.isFinite(x)), 'the last key, far into the copy, is seen');
  for (const p of held) p.dispose();
  model.dispose();
  checkpoint.dispose();
});
