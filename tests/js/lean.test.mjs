// The fast paths of the JS API: several heads in one attention call, { weights: false }, prepared projections,
// and a 4096-token attention that never makes an n × n buffer. Each in its own process (node --test), so the heap
// sizes below are this file's alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClose, builds, EPS32, maxAbs, multiHeadArgs, randomFloats } from './helpers.mjs';

// Columns [h·w, (h+1)·w) of x (rows, heads·w) as a (rows, w) array.
function columns(x, rows, heads, w, h) {
  const out = new Float32Array(rows * w);
  for (let i = 0; i < rows; i++) out.set(x.subarray(i * heads * w + h * w, i * heads * w + h * w + w), i * w);
  return out;
}

test('attention with heads: each head equals a single-head call on its columns, with and without weights', () => {
  for (const attn of Object.values(builds)) {
    const n = 7, m = 9, dk = 5, dv = 3, heads = 3;
    const args = { q: randomFloats(n * heads * dk, 1), k: randomFloats(m * heads * dk, 2), v: randomFloats(m * heads * dv, 3), n, m, dk, dv, heads, causal: true };
    const all = attn.scaledDotProductAttention(args);
    const lean = attn.scaledDotProductAttention({ ...args, weights: false });
    assert.equal(lean.weights, null);
    assert.deepEqual(lean.output, all.output);
    assert.equal(all.weights.length, heads * n * m);
    for (let h = 0; h < heads; h++) {
      const one = attn.scaledDotProductAttention({
        q: columns(args.q, n, heads, dk, h), k: columns(args.k, m, heads, dk, h), v: columns(args.v, m, heads, dv, h), n, m, dk, dv, causal: true,
      });
      assertClose(all.weights.subarray(h * n * m, (h + 1) * n * m), one.weights, 8 * EPS32, `head ${h} weights`);
      assertClose(columns(all.output, n, heads, dv, h), one.output, 16 * EPS32, `head ${h} output`);
    }
    assert.throws(() => attn.scaledDotProductAttention({ ...args, heads: 2 }), { name: 'RangeError', message: 'q: expected n*heads*dk = 70 floats, got 105' });
    assert.throws(() => attn.scaledDotProductAttention({ ...args, weights: 'no' }), { name: 'TypeError', message: /^weights: expected true or false/ });
  }
});

test('prepared projections give what multiHeadAttention gives, and a disposed one says so', () => {
  for (const attn of Object.values(builds)) {
    const args = multiHeadArgs(6, 12, 3, 5);
    const { x, n, ...projections } = args;
    const prepared = attn.prepareMultiHeadAttention(projections);
    assert.deepEqual(prepared.run({ x, n, causal: true }), attn.multiHeadAttention({ ...args, causal: true }));
    const context = randomFloats(4 * 12, 8);
    const cross = prepared.run({ x, n, context, m: 4, weights: false });
    assert.equal(cross.weights, null);
    assert.deepEqual(cross.output, attn.multiHeadAttention({ ...args, context, m: 4 }).output);
    assert.throws(() => prepared.run({ x: x.subarray(1), n }), { name: 'RangeError', message: 'x: expected n*dModel = 72 floats, got 71' });
    prepared.dispose();
    assert.throws(() => prepared.run({ x, n }), { name: 'RangeError', message: /^prepared: it has been disposed of/ });
    const bad = { ...projections, wo: projections.wo.map((w, i) => (i === 3 ? NaN : w)) };
    assert.throws(() => attn.prepareMultiHeadAttention(bad), { name: 'RangeError', message: 'wo: element 3 is NaN; every value must be finite' });
    assert.throws(() => attn.prepareMultiHeadAttention({ ...projections, heads: 5 }), { name: 'RangeError', message: 'heads: must divide dModel = 12, got 5' });
    assert.ok(attn.multiHeadAttention(args).output.length, 'the module keeps working');
  }
});

// softmax(q·kᵀ·scale)·v for one query row of one head, in float64.
function referenceRow(q, k, v, m, width, dk, head, i) {
  const scores = new Float64Array(m);
  let largest = -Infinity;
  for (let j = 0; j < m; j++) {
    let dot = 0;
    for (let t = 0; t < dk; t++) dot += q[i * width + head * dk + t] * k[j * width + head * dk + t];
    scores[j] = dot / Math.sqrt(dk);
    largest = Math.max(largest, scores[j]);
  }
  let sum = 0;
  for (let j = 0; j < m; j++) sum += scores[j] = Math.exp(scores[j] - largest);
  const out = new Float64Array(dk);
  for (let j = 0; j < m; j++) for (let t = 0; t < dk; t++) out[t] += (scores[j] / sum) * v[j * width + head * dk + t];
  return out;
}

test('4096 tokens, dModel 768, 12 heads, no weights: finite, right on a slice of rows, and no n x n buffer', () => {
  const attn = builds.simd;
  const n = 4096, d = 768, heads = 12, dk = d / heads;
  const q = randomFloats(n * d, 11), k = randomFloats(n * d, 12), v = randomFloats(n * d, 13);
  const before = attn.heapStats().memoryBytes;
  // Over the weights' element limit (12·4096² floats): only possible without them.
  assert.throws(() => attn.scaledDotProductAttention({ q, k, v, n, m: n, dk, dv: dk, heads }), { message: /^weights: heads\*n\*m = 201326592 elements exceeds/ });
  const { output, weights } = attn.scaledDotProductAttention({ q, k, v, n, m: n, dk, dv: dk, heads, weights: false });
  const grown = attn.heapStats().memoryBytes - before;
  assert.equal(weights, null);
  assert.ok(output.every(Number.isFinite));
  // Inputs (3·n·d floats), output and K transposed per head: far below a single head's n × n scores (64 MiB).
  assert.ok(grown < n * n * 4, `the heap grew by ${grown} bytes`);
  for (const i of [0, 1, 2047, 4095]) {
    for (const head of [0, 7, 11]) {
      const expected = referenceRow(q, k, v, n, d, dk, head, i);
      const got = output.subarray(i * d + head * dk, i * d + head * dk + dk);
      assertClose(got, expected, 1e-5 * Math.max(1, maxAbs(expected)), `row ${i} head ${head}`);
    }
  }
});
