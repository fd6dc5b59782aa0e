// The public JS API against PyTorch's results and against the contract in ../shared/DESIGN.md.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import createAttention from '../../dist/attention.mjs';
import { EPS32, assertClose, builds, fixtures, maxAbs, multiHeadArgs, randomFloats } from './helpers.mjs';

const f32 = (values) => (values ? Float32Array.from(values) : undefined);
const u8 = (values) => (values ? Uint8Array.from(values) : undefined);

test('createAttention picks SIMD when asked or by default, scalar with simd: false', async () => {
  assert.equal(builds.simd.simd, true);
  assert.equal(builds.simd.arch, 'wasm');
  assert.equal(builds.scalar.simd, false);
  assert.equal(builds.scalar.arch, 'emulated');
  assert.equal((await createAttention()).simd, true, 'node 20 supports SIMD128, so auto picks it');
  assert.equal((await createAttention({ simd: 'auto' })).simd, true);
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(builds.simd.version, version);
  await assert.rejects(createAttention({ simd: 'yes' }), { name: 'TypeError', message: /^simd: expected 'auto', true or false/ });
});

for (const [name, attn] of Object.entries(builds)) {
  test(`${name}: scaledDotProductAttention agrees with PyTorch`, () => {
    for (const c of fixtures.scaledDotProductAttention) {
      const result = attn.scaledDotProductAttention({
        q: f32(c.q), k: f32(c.k), v: f32(c.v), n: c.n, m: c.m, dk: c.dk, dv: c.dv,
        causal: c.causal, keyMask: u8(c.keyMask), scale: c.scale ?? undefined,
      });
      const logitError = 4 * (c.dk + 2) * EPS32 * (c.scale ?? 1 / Math.sqrt(c.dk)) * maxAbs(c.q) * maxAbs(c.k);
      assertClose(result.weights, c.weights, 4 * logitError + 8 * EPS32, `${c.name} weights`);
      assertClose(result.output, c.output, (4 * logitError + 4 * (c.m + 2) * EPS32) * maxAbs(c.v), `${c.name} output`);
    }
  });

  test(`${name}: multiHeadAttention agrees with torch.nn.MultiheadAttention`, () => {
    for (const c of fixtures.multiHeadAttention) {
      const result = attn.multiHeadAttention({
        x: f32(c.x), context: f32(c.context), n: c.n, m: c.m, dModel: c.dModel, heads: c.heads,
        wq: f32(c.wq), wk: f32(c.wk), wv: f32(c.wv), wo: f32(c.wo),
        bq: f32(c.bq), bk: f32(c.bk), bv: f32(c.bv), bo: f32(c.bo), causal: c.causal, keyMask: u8(c.keyMask),
      });
      const budget = 16 * (c.dModel + c.m + 4) * EPS32;
      assert.equal(result.weights.length, c.heads * c.n * c.m);
      assertClose(result.weights, c.weights, budget, `${c.name} weights`);
      assertClose(result.output, c.output, budget * Math.max(1, maxAbs(c.output)), `${c.name} output`);
    }
  });
}

test('the SIMD and scalar builds agree within 1e-6 of the largest value', () => {
  for (const [n, m, dk, dv] of [[1, 1, 1, 1], [3, 5, 7, 2], [17, 15, 65, 17], [64, 64, 64, 64], [33, 128, 16, 5]]) {
    const args = { q: randomFloats(n * dk, n), k: randomFloats(m * dk, m + 1), v: randomFloats(m * dv, dv + 2), n, m, dk, dv, causal: n === m };
    const a = builds.simd.scaledDotProductAttention(args), b = builds.scalar.scaledDotProductAttention(args);
    assertClose(a.weights, b.weights, 1e-6 * maxAbs(b.weights), `weights ${[n, m, dk, dv]}`);
    assertClose(a.output, b.output, 1e-6 * maxAbs(b.output), `output ${[n, m, dk, dv]}`);
  }
  const args = multiHeadArgs(24, 48, 12, 5);
  const a = builds.simd.multiHeadAttention(args), b = builds.scalar.multiHeadAttention(args);
  assertClose(a.weights, b.weights, 1e-6 * maxAbs(b.weights), 'multi-head weights');
  assertClose(a.output, b.output, 1e-6 * maxAbs(b.output), 'multi-head output');
});

test('contract: causal is top-left aligned (j <= i) also when n != m, and the default scale is 1/sqrt(dk)', () => {
  const n = 3, m = 5, dk = 4;
  const q = randomFloats(n * dk, 3), k = randomFloats(m * dk, 4), v = randomFloats(m, 5);
  const { weights } = builds.simd.scaledDotProductAttention({ q, k, v, n, m, dk, dv: 1, causal: true });
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) assert.equal(weights[i * m + j] === 0, j > i, `(${i}, ${j})`);
  const implicit = builds.simd.scaledDotProductAttention({ q, k, v, n, m, dk, dv: 1 });
  const explicit = builds.simd.scaledDotProductAttention({ q, k, v, n, m, dk, dv: 1, scale: 0.5 });
  assert.deepEqual(implicit.weights, explicit.weights);
});

test('contract: a fully masked row gives zero weights and zero output, never NaN', () => {
  const { weights, output } = builds.simd.scaledDotProductAttention({
    ...{ q: randomFloats(4, 1), k: randomFloats(4, 2), v: randomFloats(4, 3), n: 2, m: 2, dk: 2, dv: 2 },
    keyMask: new Uint8Array([0, 0]),
  });
  assert.deepEqual([...weights], [0, 0, 0, 0]);
  assert.deepEqual([...output], [0, 0, 0, 0]);
});

test('contract: multiHeadAttention defaults m to n and context to x, and head h uses columns [h*dk, (h+1)*dk)', () => {
  const args = multiHeadArgs(5, 8, 2, 9);
  const implicit = builds.simd.multiHeadAttention(args);
  const explicit = builds.simd.multiHeadAttention({ ...args, m: 5, context: args.x });
  assert.deepEqual(implicit, explicit);
  // Identity projections: head 1's weights equal plain attention over columns 4..7 of x.
  const identity = new Float32Array(64);
  for (let i = 0; i < 8; i++) identity[i * 9] = 1;
  const x = args.x;
  const mha = builds.simd.multiHeadAttention({ x, n: 5, dModel: 8, heads: 2, wq: identity, wk: identity, wv: identity, wo: identity });
  const block = new Float32Array(20);
  for (let i = 0; i < 5; i++) block.set(x.subarray(i * 8 + 4, i * 8 + 8), i * 4);
  const single = builds.simd.scaledDotProductAttention({ q: block, k: block, v: block, n: 5, m: 5, dk: 4, dv: 4 });
  assertClose(mha.weights.subarray(25, 50), single.weights, 8 * EPS32, 'head 1 weights');
});

test('returned arrays are copies: they survive later calls and memory growth', () => {
  const attn = builds.scalar;
  const first = attn.scaledDotProductAttention({ q: randomFloats(4, 1), k: randomFloats(4, 2), v: randomFloats(4, 3), n: 2, m: 2, dk: 2, dv: 2 });
  const saved = Float32Array.from(first.weights);
  const before = attn.heapStats().memoryBytes;
  // An n x n weight matrix larger than the whole current heap forces it to grow.
  const n = Math.ceil(Math.sqrt(before / 4)) + 64;
  const big = attn.scaledDotProductAttention({ q: randomFloats(n, 4), k: randomFloats(n, 5), v: randomFloats(n, 6), n, m: n, dk: 1, dv: 1 });
  assert.ok(attn.heapStats().memoryBytes > before, 'the heap grew');
  assert.equal(big.weights.length, n * n);
  assert.notEqual(first.weights.buffer, big.weights.buffer);
  assert.deepEqual(first.weights, saved);
  assert.ok(!(first.weights.buffer instanceof SharedArrayBuffer) && first.weights.byteOffset === 0);
});

test('an engine without SIMD128 gets the scalar build, and simd: true says why it cannot', async (t) => {
  const validate = WebAssembly.validate;
  t.after(() => { WebAssembly.validate = validate; });
  WebAssembly.validate = () => false;  // what the SIMD probe sees on an engine without SIMD
  const attn = await createAttention();
  assert.equal(attn.simd, false);
  assert.equal(attn.arch, 'emulated');
  assert.equal(attn.scaledDotProductAttention({ q: new Float32Array(2), k: new Float32Array(2), v: new Float32Array(1), n: 1, m: 1, dk: 2, dv: 1 }).weights[0], 1);
  await assert.rejects(createAttention({ simd: true }), /^Error: simd: true was requested, but this engine does not support WebAssembly SIMD128/);
});
