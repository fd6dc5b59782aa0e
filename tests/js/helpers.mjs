// Shared by the JS tests: both builds of the module, deterministic random data, and comparisons.
import assert from 'node:assert/strict';
import { openAsBlob, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import createAttention from '../../dist/attention.mjs';

export const builds = { simd: await createAttention({ simd: true }), scalar: await createAttention({ simd: false }) };

export const fixtures = JSON.parse(readFileSync(new URL('../fixtures/torch_attention.json', import.meta.url), 'utf8'));

export const EPS32 = 2 ** -23;

// xorshift32 in [-1, 1): the same data in every run.
export function randomFloats(count, seed = 1, scale = 1) {
  const out = new Float32Array(count);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state ^= state << 13; state ^= state >>> 17; state ^= state << 5;
    out[i] = ((state >>> 0) / 2 ** 31 - 1) * scale;
  }
  return out;
}

// max |got - want| / max |want|: the error relative to the values' scale (fixtures of whole layers).
export function relativeError(got, want) {
  assert.equal(got.length, want.length);
  let error = 0, scale = 0;
  for (let i = 0; i < got.length; i++) {
    error = Math.max(error, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return error / scale;
}

export function maxAbs(values) {
  let largest = 0;
  for (const x of values) largest = Math.max(largest, Math.abs(x));
  return largest;
}

// Every |actual - expected| within tolerance; the message names the worst element.
export function assertClose(actual, expected, tolerance, what = 'values') {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = -1, worstError = 0;
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (!(error <= worstError)) { worst = i; worstError = error; }
  }
  assert.ok(worstError <= tolerance,
    `${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (error ${worstError} > ${tolerance})`);
}

// A valid multi-head call of the given size, with biases.
export function multiHeadArgs(n, dModel, heads, seed = 1) {
  const w = 1 / Math.sqrt(dModel);
  return {
    x: randomFloats(n * dModel, seed), n, dModel, heads,
    wq: randomFloats(dModel * dModel, seed + 1, w), wk: randomFloats(dModel * dModel, seed + 2, w),
    wv: randomFloats(dModel * dModel, seed + 3, w), wo: randomFloats(dModel * dModel, seed + 4, w),
    bq: randomFloats(dModel, seed + 5), bk: randomFloats(dModel, seed + 6),
    bv: randomFloats(dModel, seed + 7), bo: randomFloats(dModel, seed + 8),
  };
}

export const validAttentionArgs = () => ({
  q: randomFloats(6, 1), k: randomFloats(12, 2), v: randomFloats(8, 3), n: 2, m: 4, dk: 3, dv: 2,
});

// Every file of a fixture checkpoint (tests/fixtures/checkpoints/<model>/) but its reference, as Blobs read
// lazily from disk (as a browser's File objects are).
export async function checkpointFiles(model) {
  const dir = new URL(`../fixtures/checkpoints/${model}/`, import.meta.url);
  const files = {};
  for (const name of await readdir(dir)) if (name !== 'reference.json') files[name] = await openAsBlob(new URL(name, dir));
  return files;
}
