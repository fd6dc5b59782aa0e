// Quick measurements of the JS API in node, both builds side by side in one process:
//   the cost of one small call (16-token self-attention, dk = 64), and SIMD vs scalar at n = 128.
// Run: npm run bench:api. Reports medians of repeated timings; ratios are what to compare on a shared machine.
import createAttention from '../dist/attention.mjs';

const builds = { simd: await createAttention({ simd: true }), scalar: await createAttention({ simd: false }) };

function randomFloats(count, seed) {
  const out = new Float32Array(count);
  let s = seed;
  for (let i = 0; i < count; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; out[i] = (s >>> 0) / 2 ** 32 - 0.5; }
  return out;
}

// Median milliseconds per call over `rounds` rounds of `calls` calls each.
function time(fn, calls, rounds = 9) {
  for (let i = 0; i < calls; i++) fn();  // warm-up (JIT, heap)
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    samples.push((performance.now() - start) / calls);
  }
  return samples.sort((a, b) => a - b)[rounds >> 1];
}

const sdpaArgs = (n, d) => ({ q: randomFloats(n * d, 1), k: randomFloats(n * d, 2), v: randomFloats(n * d, 3), n, m: n, dk: d, dv: d });
const mhaArgs = (n, d, heads) => ({
  x: randomFloats(n * d, 4), n, dModel: d, heads,
  wq: randomFloats(d * d, 5), wk: randomFloats(d * d, 6), wv: randomFloats(d * d, 7), wo: randomFloats(d * d, 8),
});

const rows = [];
for (const [label, make, calls] of [
  ['attention n=16 dk=64', () => sdpaArgs(16, 64), 20000],
  ['attention n=128 dk=64', () => sdpaArgs(128, 64), 1000],
  ['multi-head n=16 dModel=64 heads=4', () => mhaArgs(16, 64, 4), 10000],
  ['multi-head n=128 dModel=256 heads=4', () => mhaArgs(128, 256, 4), 200],
]) {
  const args = make();
  const ms = Object.fromEntries(Object.entries(builds).map(([name, attn]) => [name, time(() => (label.startsWith('multi') ? attn.multiHeadAttention(args) : attn.scaledDotProductAttention(args)), calls)]));
  rows.push({ label, simd: ms.simd, scalar: ms.scalar });
}
console.log('| work | SIMD ms/call | scalar ms/call | scalar / SIMD |\n|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.label} | ${r.simd.toFixed(4)} | ${r.scalar.toFixed(4)} | ${(r.scalar / r.simd).toFixed(2)} |`);
