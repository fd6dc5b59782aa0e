// Every kind of bad argument throws a JS Error naming the argument, and the same instance keeps working.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builds, multiHeadArgs, validAttentionArgs } from './helpers.mjs';

const attn = builds.simd;
const sdpa = (patch) => () => attn.scaledDotProductAttention(typeof patch === 'function' ? patch(validAttentionArgs()) : { ...validAttentionArgs(), ...patch });
const mha = (patch) => () => attn.multiHeadAttention({ ...multiHeadArgs(3, 6, 2), ...patch });
const withValue = (array, index, value) => { const copy = Float32Array.from(array); copy[index] = value; return copy; };

const rows = [
  // Missing or wrongly typed arrays.
  ['q missing', sdpa({ q: undefined }), TypeError, /^q: expected a Float32Array, got undefined$/],
  ['q as a plain Array', sdpa({ q: [1, 2, 3, 4, 5, 6] }), TypeError, /^q: expected a Float32Array, got an Array$/],
  ['k as a Float64Array', sdpa({ k: new Float64Array(12) }), TypeError, /^k: expected a Float32Array, got a Float64Array$/],
  ['wq missing', mha({ wq: undefined }), TypeError, /^wq: expected a Float32Array, got undefined$/],
  ['context as a string', mha({ context: 'abc' }), TypeError, /^context: expected a Float32Array or null, got a string$/],
  ['arguments not an object', () => attn.scaledDotProductAttention(42), TypeError, /^arguments: expected an object/],
  // Wrong lengths.
  ['q too short', sdpa({ q: new Float32Array(5) }), RangeError, /^q: expected n\*dk = 6 floats, got 5$/],
  ['v too long', sdpa({ v: new Float32Array(9) }), RangeError, /^v: expected m\*dv = 8 floats, got 9$/],
  ['wo too short', mha({ wo: new Float32Array(35) }), RangeError, /^wo: expected dModel\*dModel = 36 floats, got 35$/],
  ['bv of the wrong length', mha({ bv: new Float32Array(5) }), RangeError, /^bv: expected dModel = 6 floats, got 5$/],
  ['bq empty', mha({ bq: new Float32Array(0) }), RangeError, /^bq: got an empty Float32Array; pass null/],
  ['context with m != n missing', mha({ m: 4 }), RangeError, /^context: is required when m \(4\) differs from n \(3\)$/],
  ['context of the wrong length', mha({ m: 4, context: new Float32Array(23) }), RangeError, /^context: expected m\*dModel = 24 floats, got 23$/],
  // heads not dividing dModel.
  ['heads not dividing dModel', mha({ heads: 4 }), RangeError, /^heads: must divide dModel = 6, got 4$/],
  // Non-finite values anywhere.
  ['NaN in q', sdpa((a) => ({ ...a, q: withValue(a.q, 2, NaN) })), RangeError, /^q: element 2 is NaN; every value must be finite$/],
  ['Infinity in k', sdpa((a) => ({ ...a, k: withValue(a.k, 11, Infinity) })), RangeError, /^k: element 11 is infinite/],
  ['-Infinity in wo', mha({ wo: withValue(new Float32Array(36), 0, -Infinity) }), RangeError, /^wo: element 0 is infinite/],
  ['NaN in a bias', mha({ bk: withValue(new Float32Array(6), 5, NaN) }), RangeError, /^bk: element 5 is NaN/],
  ['NaN in x', mha({ x: withValue(new Float32Array(18), 17, NaN) }), RangeError, /^x: element 17 is NaN/],
  // keyMask.
  ['keyMask too short', sdpa({ keyMask: new Uint8Array(3) }), RangeError, /^keyMask: expected m = 4 entries, got 3$/],
  ['keyMask as an Array', sdpa({ keyMask: [1, 1, 1, 1] }), TypeError, /^keyMask: expected a Uint8Array or null, got an Array$/],
  ['keyMask as a Float32Array', mha({ keyMask: new Float32Array(3) }), TypeError, /^keyMask: expected a Uint8Array or null, got a Float32Array$/],
  // scale and causal.
  ['scale NaN', sdpa({ scale: NaN }), RangeError, /^scale: expected a finite number, got nan$/],
  ['scale Infinity', sdpa({ scale: Infinity }), RangeError, /^scale: expected a finite number/],
  ['scale too large for float32', sdpa({ scale: 1e300 }), RangeError, /^scale: 1e\+300 does not fit in a 32-bit float$/],
  ['scale as a string', mha({ scale: '0.5' }), TypeError, /^scale: expected a finite number, got a string$/],
  ['causal as a string', sdpa({ causal: 'yes' }), TypeError, /^causal: expected true or false, got a string$/],
  // Sizes over the documented limits.
  ['n over 65536', sdpa({ n: 70000 }), RangeError, /^n: expected an integer in \[1, 65536\], got 70000$/],
  ['n*m over 2^26 elements', sdpa({ n: 10000, m: 10000 }), RangeError, /^weights: n\*m = 100000000 elements exceeds the limit of 67108864$/],
  ['heads*n*m over 2^26 elements', mha({ n: 3000, m: 3000, heads: 12, dModel: 12, context: new Float32Array(36000) }), RangeError, /^weights: heads\*n\*m = 108000000 elements exceeds/],
];

// Sizes that are 0, negative, not whole, NaN, missing or not numbers, for every size argument.
const badSizes = [[0, RangeError, '0'], [-3, RangeError, '-3'], [2.5, RangeError, '2.5'], [NaN, RangeError, 'NaN'],
  [undefined, TypeError, 'undefined'], ['2', TypeError, 'a string']];
for (const name of ['n', 'm', 'dk', 'dv']) {
  for (const [value, type, shown] of badSizes) {
    rows.push([`${name} = ${String(value)}`, sdpa({ [name]: value }), type, new RegExp(`^${name}: expected .*, got ${shown}$`)]);
  }
}
for (const name of ['n', 'dModel', 'heads']) {
  for (const [value, type, shown] of badSizes) {
    rows.push([`multi-head ${name} = ${String(value)}`, mha({ [name]: value }), type, new RegExp(`^${name}: expected .*, got ${shown}$`)]);
  }
}
rows.push(['multi-head m = 0', mha({ m: 0 }), RangeError, /^m: expected an integer in \[1, 65536\], got 0$/]);

const baseline = { sdpa: sdpa({})(), mha: mha({})() };

for (const [name, call, ErrorType, message] of rows) {
  test(`bad input: ${name}`, () => {
    assert.throws(call, (error) => {
      assert.equal(error.constructor, ErrorType, `${error.constructor.name}: ${error.message}`);
      assert.match(error.message, message);
      return true;
    });
    // The same instance still computes, and computes the same.
    assert.deepEqual(sdpa({})(), baseline.sdpa);
    assert.deepEqual(mha({})(), baseline.mha);
  });
}

test('the scalar build rejects bad input the same way', () => {
  assert.throws(() => builds.scalar.scaledDotProductAttention({ ...validAttentionArgs(), dk: 0 }), RangeError);
  assert.throws(() => builds.scalar.multiHeadAttention({ ...multiHeadArgs(3, 6, 2), heads: 4 }), /^RangeError: heads: must divide/);
  assert.deepEqual(builds.scalar.scaledDotProductAttention(validAttentionArgs()).weights.length, 8);
});
