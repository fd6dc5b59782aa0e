// The wasm SIMD128 multiply-add peak, measured in the same process (node or a page) as the work it is compared
// with: a tiny module written here as bytes, no build step. Its one function runs 12 independent chains of
// acc = acc · a + b on f32x4 (f32x4.mul then f32x4.add, as wasm SIMD128 has no fused multiply-add before relaxed
// SIMD) for `iterations` rounds: 12 chains hide the 6-cycle mul + add latency of x86 cores and fit in 16 vector
// registers with a and b, so the loop is bound by the multiply and add throughput alone — the most any wasm
// SIMD128 matmul can reach on this CPU. bench/attn_bench.cpp has the same loop in C++ for the native build.
//
//   const peak = await simdPeak();   peak.sample(ms) -> GFLOP/s of one burst of about `ms` milliseconds
//
// V8 runs a new wasm function in its baseline tier (Liftoff) and switches to TurboFan on a later call (no
// on-stack replacement), so the first calls are warm-up and every burst is many short calls.

const CHAINS = 12;

const uleb = (value) => {
  const out = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
};
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const vector = (items) => [...uleb(items.length), ...items.flat()];

// (func (param $iterations i32) (param $a f32) (param $b f32) (result f32)), locals: va, vb, acc0..acc11 (v128).
function peakModule() {
  const [ITER, A, B, VA, VB] = [0, 1, 2, 3, 4];
  const acc = (c) => 5 + c;
  const SIMD = 0xfd;
  const op = {
    localGet: (i) => [0x20, ...uleb(i)], localSet: (i) => [0x21, ...uleb(i)], localTee: (i) => [0x22, ...uleb(i)],
    splat: [SIMD, ...uleb(0x13)], mul: [SIMD, ...uleb(0xe6)], add: [SIMD, ...uleb(0xe4)],
    extract0: [SIMD, ...uleb(0x1f), 0], i32Const: (v) => [0x41, ...uleb(v)], i32Sub: [0x6b], brIf: (d) => [0x0d, d],
    loop: [0x03, 0x40], end: [0x0b], f32Add: [0x92], f32Convert: [0xb2],
  };
  const body = [
    ...op.localGet(A), ...op.splat, ...op.localSet(VA),
    ...op.localGet(B), ...op.splat, ...op.localSet(VB),
  ];
  // acc_c = splat(c): distinct starting values.
  for (let c = 0; c < CHAINS; c++) body.push(...op.i32Const(c), ...op.f32Convert, ...op.splat, ...op.localSet(acc(c)));
  body.push(...op.loop);
  for (let c = 0; c < CHAINS; c++) {
    body.push(...op.localGet(acc(c)), ...op.localGet(VA), ...op.mul, ...op.localGet(VB), ...op.add, ...op.localSet(acc(c)));
  }
  body.push(...op.localGet(ITER), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(ITER), ...op.brIf(0), ...op.end);
  // The result depends on every chain, so none can be dropped.
  body.push(...op.localGet(acc(0)), ...op.extract0);
  for (let c = 1; c < CHAINS; c++) body.push(...op.localGet(acc(c)), ...op.extract0, ...op.f32Add);
  body.push(...op.end);
  const locals = [[...uleb(2 + CHAINS), 0x7b]];  // one run of 14 v128 locals
  const code = [...vector(locals), ...body];
  const F32 = 0x7d, I32 = 0x7f;
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vector([[0x60, ...vector([[I32], [F32], [F32]]), ...vector([[F32]])]])),  // type
    ...section(3, vector([[0]])),                                                              // function
    ...section(7, vector([[...uleb(6), ...new TextEncoder().encode('chains'), 0x00, 0]])),     // export
    ...section(10, vector([[...uleb(code.length), ...code]])),                                 // code
  ]);
}

export const PEAK_FLOPS_PER_ITERATION = CHAINS * 4 * 2;

export async function simdPeak() {
  const { instance } = await WebAssembly.instantiate(peakModule());
  const chains = instance.exports.chains;
  const ITERATIONS = 20000;  // about 0.1 ms per call on a 2-3 GHz core
  let sink = 0;
  for (let i = 0; i < 300; i++) sink += chains(ITERATIONS, 0.999, 1e-3);  // warm-up: TurboFan
  return {
    /** One call: PEAK_FLOPS_PER_ITERATION · ITERATIONS floating-point operations, for timing it yourself. */
    run: () => { sink += chains(ITERATIONS, 0.999, 1e-3); },
    flopsPerRun: PEAK_FLOPS_PER_ITERATION * ITERATIONS,
    /** GFLOP/s of a burst of calls lasting about `ms` milliseconds. */
    sample(ms = 2) {
      let calls = 0;
      const start = performance.now();
      let elapsed;
      do {
        sink += chains(ITERATIONS, 0.999, 1e-3);
        calls++;
      } while ((elapsed = performance.now() - start) < ms);
      if (sink === 1234.5) console.log('');  // keeps the result alive
      return (PEAK_FLOPS_PER_ITERATION * ITERATIONS * calls) / elapsed / 1e6;
    },
  };
}
