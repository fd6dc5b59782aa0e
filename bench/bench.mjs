// npm run bench: multi-head attention in one node process, single-threaded, side by side on the same inputs —
// this project's wasm SIMD and scalar builds (public JS API), onnxruntime-web (wasm, 1 thread; the faster of a
// plain-op graph and its fused contrib op), TensorFlow.js's wasm backend (1 thread) and plain JS — plus the
// native build of the core and its AVX2/FMA peak (bench/attn_bench.cpp). `--before <dist>` adds an earlier
// build of this project (a dist/ folder) as one more row, in the same process. `--gpt2` adds a GPT-2-small-sized
// forward against onnxruntime-web running it as an ONNX graph (bench/gpt2.mjs), `--threads N` that at N threads too.
// Every implementation is first checked against a float64 reference on a slice of rows; a wrong one is reported,
// not timed. The wasm SIMD128 peak is measured in this process (bench/simd-peak.mjs) right before and after
// every timing, and on Linux the kernel's count of the time this thread spent on a CPU and waiting for one
// (/proc/self/schedstat) around it: "slow mode" is this thread waiting on the run queue while other processes
// hold both cores, and a row timed so says so. Writes bench/results.md. Compare the ratios, not the times.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-web';
import createAttention from '../dist/attention.mjs';
import { attentionGraph, forwardGraph } from './onnx-graph.mjs';
import { cpuShare, scheduled } from './schedstat.mjs';
import { simdPeak } from './simd-peak.mjs';

const root = new URL('..', import.meta.url).pathname;
const SHAPES = [[16, 64, 4], [128, 256, 4], [512, 768, 12], [2048, 768, 12]];
const FLOPS = {
  forward: (n, d) => 8 * n * d * d + 4 * n * n * d,
  'forward + weights': (n, d) => 8 * n * d * d + 4 * n * n * d,
  attention: (n, d) => 4 * n * n * d,
};
const WORKS = Object.keys(FLOPS);
const TOLERANCE = 1e-4;  // largest error relative to the largest reference value (at least 1)

// ---- Inputs and the float64 reference.

function randomFloats(count, seed, scale = 1) {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; out[i] = ((s >>> 0) / 2 ** 31 - 1) * scale; }
  return out;
}

function inputs(n, d) {
  const w = 1 / Math.sqrt(d);
  return {
    x: randomFloats(n * d, 1), wq: randomFloats(d * d, 2, w), wk: randomFloats(d * d, 3, w), wv: randomFloats(d * d, 4, w),
    wo: randomFloats(d * d, 5, w), q: randomFloats(n * d, 6), k: randomFloats(n * d, 7), v: randomFloats(n * d, 8),
  };
}

// The rows the reference computes: the first and last few.
const checkedRows = (n) => [...new Set([0, 1, 2, 3, 4, 5, 6, 7, n - 8, n - 4, n - 1].filter((i) => i >= 0 && i < n))];

// (rows of a) · w in float64; a (·, d) row-major, w (d, p).
function project(a, rows, w, d, p) {
  const out = rows.map(() => new Float64Array(p));
  rows.forEach((i, r) => {
    for (let t = 0; t < d; t++) {
      const x = a[i * d + t];
      for (let c = 0; c < p; c++) out[r][c] += x * w[t * p + c];
    }
  });
  return out;
}

// Multi-head attention of query rows q (rows, d) against k, v (n, d): per head softmax(q·kᵀ/√dk)·v, float64.
// `probabilities`, when given, gets each row's weights: probabilities[r][h] (n).
function attendRows(q, k, v, n, d, heads, probabilities = null) {
  const dk = d / heads;
  return q.map((row, r) => {
    if (probabilities) probabilities[r] = [];
    const out = new Float64Array(d);
    for (let h = 0; h < heads; h++) {
      const scores = new Float64Array(n);
      let largest = -Infinity;
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let t = 0; t < dk; t++) dot += row[h * dk + t] * k[j][h * dk + t];
        largest = Math.max(largest, scores[j] = dot / Math.sqrt(dk));
      }
      let sum = 0;
      for (let j = 0; j < n; j++) sum += scores[j] = Math.exp(scores[j] - largest);
      for (let j = 0; j < n; j++) for (let t = 0; t < dk; t++) out[h * dk + t] += (scores[j] / sum) * v[j][h * dk + t];
      if (probabilities) probabilities[r][h] = scores.map((s) => s / sum);
    }
    return out;
  });
}

function reference(work, n, d, heads, data) {
  const rows = checkedRows(n), all = [...Array(n).keys()];
  if (work === 'attention') {
    const rowsOf = (a, which) => which.map((i) => Float64Array.from(a.subarray(i * d, i * d + d)));
    return attendRows(rowsOf(data.q, rows), rowsOf(data.k, all), rowsOf(data.v, all), n, d, heads);
  }
  const q = project(data.x, rows, data.wq, d, d), k = project(data.x, all, data.wk, d, d), v = project(data.x, all, data.wv, d, d);
  const probabilities = [];
  const heads_ = attendRows(q, k, v, n, d, heads, probabilities);
  const output = heads_.map((row) => project(row, [0], data.wo, d, d)[0]);
  output.probabilities = probabilities;
  return output;
}

// The largest error relative to the largest reference value (at least 1), of the output and, when the work
// returns them, of the weights (heads, n, n).
function relativeError(result, expected, n, d, heads) {
  const { output, weights } = result;
  let error = 0, largest = 1;
  checkedRows(n).forEach((i, r) => {
    for (let c = 0; c < d; c++) {
      error = Math.max(error, Math.abs(output[i * d + c] - expected[r][c]));
      largest = Math.max(largest, Math.abs(expected[r][c]));
    }
  });
  if (weights === undefined) return error / largest;
  if (!weights || weights.length !== heads * n * n) return Infinity;
  let weightError = 0;
  checkedRows(n).forEach((i, r) => {
    for (let h = 0; h < heads; h++) {
      for (let j = 0; j < n; j++) weightError = Math.max(weightError, Math.abs(weights[(h * n + i) * n + j] - expected.probabilities[r][h][j]));
    }
  });
  return Math.max(error / largest, weightError);
}

// ---- The implementations. Each prepares once per shape (weights uploaded, graphs built) and returns
// { forward(), 'forward + weights'(), attention() }, each resolving to { output (n, d) } and, for the second,
// weights (heads, n, n) too; a work an implementation does not offer is missing.

async function ours(simd, create = createAttention) {
  const attn = await create({ simd });
  return (n, d, heads, data) => {
    const prepared = attn.prepareMultiHeadAttention({ dModel: d, heads, wq: data.wq, wk: data.wk, wv: data.wv, wo: data.wo });
    return {
      forward: () => ({ output: prepared.run({ x: data.x, n, weights: false }).output }),
      'forward + weights': () => prepared.run({ x: data.x, n, weights: true }),
      attention: () => ({ output: attn.scaledDotProductAttention({ q: data.q, k: data.k, v: data.v, n, m: n, dk: d / heads, dv: d / heads, heads, weights: false }).output }),
      dispose: () => prepared.dispose(),
    };
  };
}

async function onnxRuntime() {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.simd = true;
  ort.env.logLevel = 'error';
  const session = (bytes) => ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return async (n, d, heads, data, fused) => {
    const dims = fused ? [1, n, d] : [n, d];
    const forward = await session(forwardGraph(n, d, heads, data, fused));
    // The weights as a second output: plain ops only (the fused ops do not return them).
    const withWeights = fused ? null : await session(forwardGraph(n, d, heads, data, false, true));
    const attention = await session(attentionGraph(n, d, heads, fused));
    const tensor = (values) => new ort.Tensor('float32', values, dims);
    return {
      forward: async () => ({ output: (await forward.run({ x: tensor(data.x) })).y.data }),
      ...(withWeights && { 'forward + weights': async () => {
        const { y, weights } = await withWeights.run({ x: tensor(data.x) });
        return { output: y.data, weights: weights.data };
      } }),
      attention: async () => ({ output: (await attention.run({ q: tensor(data.q), k: tensor(data.k), v: tensor(data.v) })).heads.data }),
      dispose: () => Promise.all([forward.release(), attention.release(), withWeights?.release()]),
    };
  };
}

async function tensorflow() {
  const require = createRequire(import.meta.url);
  setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
  setThreadsCount(1);
  await tf.setBackend('wasm');
  return (n, d, heads, data) => {
    const dk = d / heads;
    const [wq, wk, wv, wo] = [data.wq, data.wk, data.wv, data.wo].map((w) => tf.tensor2d(w, [d, d]));
    const split = (t) => tf.transpose(tf.reshape(t, [n, heads, dk]), [1, 0, 2]);
    const attend = (q, k, v) => {
      const weights = tf.softmax(tf.mul(tf.matMul(split(q), split(k), false, true), 1 / Math.sqrt(dk)));
      return tf.reshape(tf.transpose(tf.matMul(weights, split(v)), [1, 0, 2]), [n, d]);
    };
    const read = (compute) => { const out = tf.tidy(compute); const values = out.dataSync(); out.dispose(); return { output: values }; };
    return {
      forward: () => read(() => { const x = tf.tensor2d(data.x, [n, d]); return tf.matMul(attend(tf.matMul(x, wq), tf.matMul(x, wk), tf.matMul(x, wv)), wo); }),
      attention: () => read(() => attend(...[data.q, data.k, data.v].map((a) => tf.tensor2d(a, [n, d])))),
      dispose: () => [wq, wk, wv, wo].forEach((t) => t.dispose()),
    };
  };
}

// What a reader would write by hand: Float32Arrays and loops in the cache-friendly order.
function plainJs(n, d, heads, data) {
  const dk = d / heads, scale = 1 / Math.sqrt(dk);
  const matmul = (a, w, rows, k, p) => {
    const out = new Float32Array(rows * p);
    for (let i = 0; i < rows; i++) {
      for (let t = 0; t < k; t++) {
        const x = a[i * k + t];
        for (let c = 0; c < p; c++) out[i * p + c] += x * w[t * p + c];
      }
    }
    return out;
  };
  const attend = (q, k, v) => {
    const out = new Float32Array(n * d), scores = new Float32Array(n);
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < n; i++) {
        let largest = -Infinity;
        for (let j = 0; j < n; j++) {
          let dot = 0;
          for (let t = 0; t < dk; t++) dot += q[i * d + h * dk + t] * k[j * d + h * dk + t];
          largest = Math.max(largest, scores[j] = dot * scale);
        }
        let sum = 0;
        for (let j = 0; j < n; j++) sum += scores[j] = Math.exp(scores[j] - largest);
        for (let j = 0; j < n; j++) {
          const p = scores[j] / sum;
          for (let t = 0; t < dk; t++) out[i * d + h * dk + t] += p * v[j * d + h * dk + t];
        }
      }
    }
    return out;
  };
  return {
    forward: () => ({ output: matmul(attend(matmul(data.x, data.wq, n, d, d), matmul(data.x, data.wk, n, d, d), matmul(data.x, data.wv, n, d, d)), data.wo, n, d, d) }),
    attention: () => ({ output: attend(data.q, data.k, data.v) }),
    dispose: () => {},
  };
}

// Median ms per call over at least 5 samples (more, up to 50, while under 2 s). A sample is a batch of calls
// lasting at least 5 ms, so short calls are timed over many (and V8 has compiled the code with its optimizing
// tier, as it would have in a page that runs the model on every keystroke). The warm-up runs calls for 0.3 s,
// none when the first call (the correctness check, taking firstMs) was already that long. -> { ms, cpuMs }:
// wall time, and the process's CPU time per call (process.cpuUsage: exact, unlike schedstat's per-thread
// counter, which moves only at scheduler ticks of 4 ms here), the median of the same samples' — what a call
// costs when no other process takes the core away. Every implementation here computes on this one thread; the
// CPU time also counts V8's helper threads (garbage collection, compilation), a cost of the call too.
async function medianMs(run, firstMs = 0) {
  let calls = 1, elapsed = firstMs;
  const warm = performance.now() - firstMs;
  while ((elapsed = performance.now() - warm) < 300) await run(), calls++;
  const batch = Math.max(1, Math.ceil(5 / (elapsed / calls)));
  const samples = [], cpuSamples = [];
  const start = performance.now();
  while (samples.length < 5 || (performance.now() - start < 2000 && samples.length < 50)) {
    const t = performance.now(), from = process.cpuUsage();
    for (let i = 0; i < batch; i++) await run();
    samples.push((performance.now() - t) / batch);
    const used = process.cpuUsage(from);
    cpuSamples.push((used.user + used.system) / 1000 / batch);
  }
  const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
  return { ms: median(samples), cpuMs: cpuSamples.length ? median(cpuSamples) : null };
}

// ---- The run.

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : null);
const native = JSON.parse(execFileSync(`${root}build/native-release/attn_bench`, { encoding: 'utf8', maxBuffer: 1 << 20 }));

// The wasm SIMD128 peak, sampled around every timing. A burst is 20 ms: long enough to be steady, short
// enough to sit right beside the timing it vouches for.
const peak = await simdPeak();
const peakSamples = [];
const samplePeak = () => { const value = peak.sample(20); peakSamples.push(value); return value; };
const runStart = scheduled();
for (let i = 0; i < 5; i++) samplePeak();
console.log(`peaks: wasm SIMD128 ${Math.max(...peakSamples).toFixed(1)} GFLOP/s (this process), native ${native.arch} ${native.peakGflops.toFixed(1)} GFLOP/s`);

// --only a,b: just the implementations whose names start with a or b (for a quick look while working on the
// kernels; the table in the README comes from a full run). --shapes 16,64,4;128,256,4: other shapes.
// --gpt2 [--threads N]: the GPT-2-sized forward too (see the end of the run). --no-exponent: not the n sweep.
const only = option('--only')?.split(',');
const shapes = option('--shapes')?.split(';').map((s) => s.split(',').map(Number)) ?? SHAPES;
const before = option('--before');
const implementations = [
  ['this project, wasm SIMD', () => ours(true), 'ours'],
  ...(before ? [[`this project before (${before}), wasm SIMD`,
    async () => ours(true, (await import(path.resolve(before, 'attention.mjs'))).default), 'before']] : []),
  ['this project, wasm scalar', () => ours(false), 'ours'],
  ['onnxruntime-web 1.30 wasm', onnxRuntime, 'peer'],
  ['TF.js 4.22 wasm', tensorflow, 'peer'],
  ['plain JS', () => plainJs, 'peer'],
].filter(([name]) => !only || only.some((prefix) => name.startsWith(prefix)));
for (const entry of implementations) entry[1] = await entry[1]();
const rows = [];
for (const [n, d, heads] of shapes) {
  const data = inputs(n, d);
  const expected = { forward: reference('forward', n, d, heads, data), attention: reference('attention', n, d, heads, data) };
  expected['forward + weights'] = expected.forward;
  for (const work of WORKS) {
    const shape = `(${n}, ${d}, ${heads})`;
    for (const [name, make, kind] of implementations) {
      // onnxruntime-web: both graphs, each checked; the faster correct one counts.
      const variants = name.startsWith('onnx') ? [['plain ops', false], ['fused contrib op', true]] : [[null, false]];
      let best = null;
      for (const [label, fused] of variants) {
        const impl = await make(n, d, heads, data, fused);
        if (impl[work]) {
          const first = performance.now();
          const result = await impl[work]();
          const firstMs = performance.now() - first;
          if (!work.includes('weights')) delete result.weights;
          const error = relativeError(result, expected[work], n, d, heads);
          const row = { shape, work, name: label ? `${name} (${label})` : name, kind, error, n, d };
          if (!(error <= TOLERANCE)) {
            rows.push({ ...row, wrong: true });
          } else {
            const peakBefore = samplePeak(), from = scheduled();
            ({ ms: row.ms, cpuMs: row.cpuMs } = await medianMs(impl[work], firstMs));
            row.share = cpuShare(from, scheduled());
            row.peakNearby = Math.min(peakBefore, samplePeak());
            if (!best || row.ms < best.ms) best = row;
          }
        }
        await impl.dispose();
      }
      if (best) rows.push(best);
      console.log(`${shape} ${work}: ${name} ${best ? `${(FLOPS[work](n, d) / best.ms / 1e6).toFixed(1)} GFLOP/s, peak nearby ${best.peakNearby.toFixed(1)}` : 'not timed'}`);
    }
    const shapeNative = native.shapes.find((s) => s.n === n && s.dModel === d)?.[work];
    if (shapeNative) rows.push({ shape, work, name: `this project, native (${native.arch})`, kind: 'native', error: shapeNative.error, ms: shapeNative.ms, n, d, wrong: !(shapeNative.error <= TOLERANCE) });
  }
}

// The exponent of time against n for attention alone (dModel 768, 12 heads), this project's SIMD build.
const simd = await createAttention({ simd: true });
const lengths = args.includes('--no-exponent') ? [] : [256, 512, 1024, 2048, 4096];
const times = [];
for (const n of lengths) {
  const data = inputs(n, 768);
  times.push((await medianMs(() => simd.scaledDotProductAttention({ q: data.q, k: data.k, v: data.v, n, m: n, dk: 64, dv: 64, heads: 12, weights: false }))).ms);
}
const xs = lengths.map(Math.log), ys = times.map(Math.log);
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const slope = xs.reduce((s, x, i) => s + (x - mean(xs)) * (ys[i] - mean(ys)), 0) / xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0);

// ---- The table.

// The run's peak: the median of the upper half of its samples (the core's speed when no other process held it).
const sortedPeaks = [...peakSamples].sort((a, b) => a - b);
const wasmPeak = sortedPeaks[Math.floor(sortedPeaks.length * 0.75)];
const CONTENDED = 0.8;  // a peak burst below 80 % of the run's, or this thread waiting for a core over 20 % of the time
const contended = (row) => row.kind !== 'native' && (row.peakNearby < CONTENDED * wasmPeak || row.share < CONTENDED);
const gflopsOf = (row) => FLOPS[row.work](row.n, row.d) / row.ms / 1e6;

const lines = [];
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
lines.push(`Run on ${new Date().toISOString().slice(0, 10)}: ${cpu}, ${os.cpus().length} cores (1 thread used), node ${process.versions.node}, ` +
  `V8 ${process.versions.v8}. Peaks measured in the same run: wasm SIMD128 ${wasmPeak.toFixed(1)} GFLOP/s in this process (12 chains of f32x4 mul + add; ` +
  `${peakSamples.length} bursts of 20 ms, from ${sortedPeaks[0].toFixed(1)} to ${sortedPeaks.at(-1).toFixed(1)}), ` +
  `native ${native.arch} ${native.peakGflops.toFixed(1)} GFLOP/s (12 chains of FMA).`);
lines.push('');
lines.push('Work: "forward" is multi-head attention with the four projections (8·n·d² + 4·n²·d FLOPs), no weights returned; "forward + weights" is the same returning the attention weights (heads, n, n) too ' +
  '(onnxruntime-web: its plain-op graph with the softmax as a second output); "attention" is attention alone over given Q, K, V (4·n²·d). ' +
  'Shapes are (n, dModel, heads). "vs fastest peer" is the fastest of onnxruntime-web, TF.js and plain JS divided by this row\'s time (above 1: faster than every peer). ' +
  `"% of peak" is against the wasm SIMD128 peak for wasm rows and the native peak for the native row. "peak nearby" is the lower of the peak bursts right before and after the row's timing; ` +
  `"on-CPU ms" is the median of the same samples timed by the process's CPU time (process.cpuUsage; one thread computes), which a neighbour holding the core does not lengthen. "not waiting" is the share of the row's timing during which this thread was not runnable-but-waiting for a core (/proc/self/schedstat's run-queue time). ` +
  `A peak nearby below ${100 * CONTENDED} % of the run's, or less than ${100 * CONTENDED} % not waiting, is marked ⚠: the core was shared with another process during that row.`);
lines.push('');
lines.push('| shape | work | implementation | median ms | on-CPU ms | GFLOP/s | vs fastest peer | % of peak | peak nearby | not waiting | max error |');
lines.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  if (row.wrong) {
    lines.push(`| ${row.shape} | ${row.work} | ${row.name} | wrong: not timed | | | | | | | ${row.error.toExponential(1)} |`);
    continue;
  }
  const peers = rows.filter((r) => r.shape === row.shape && r.work === row.work && r.kind === 'peer' && !r.wrong).map((r) => r.ms);
  const vsPeer = peers.length ? (Math.min(...peers) / row.ms).toFixed(2) : '';
  const gflops = gflopsOf(row);
  const peakOfRow = row.kind === 'native' ? native.peakGflops : wasmPeak;
  const nearby = row.kind === 'native' ? '' : `${row.peakNearby.toFixed(1)}${contended(row) ? ' ⚠' : ''}`;
  const share = row.share == null ? '' : `${(100 * row.share).toFixed(0)} %`;
  lines.push(`| ${row.shape} | ${row.work} | ${row.name} | ${row.ms.toPrecision(4)} | ${row.cpuMs ? row.cpuMs.toPrecision(4) : ''} | ${gflops.toFixed(1)} | ${vsPeer} | ${(100 * gflops / peakOfRow).toFixed(0)} % | ${nearby} | ${share} | ${row.error.toExponential(1)} |`);
}
lines.push('');

// Against the targets (issue 17): at least 1.3x onnxruntime-web or 85 % of the peak, whichever is lower, and 2x
// at (16, 64, 4); the earlier build's ratio beside it when --before was given.
const find = (shape, work, kind, prefix = '') => rows.find((r) => r.shape === shape && r.work === work && r.kind === kind && !r.wrong && r.name.startsWith(prefix));
lines.push('Against onnxruntime-web, like for like (projections prepared once, one thread):');
lines.push('');
for (const [n, d, heads] of shapes) {
  const shape = `(${n}, ${d}, ${heads})`;
  for (const work of ['forward', 'forward + weights']) {
    const ourRow = find(shape, work, 'ours', 'this project, wasm SIMD'), ortRow = find(shape, work, 'peer', 'onnxruntime'), earlier = find(shape, work, 'before');
    if (!ourRow || !ortRow) continue;
    const ratio = ortRow.ms / ourRow.ms, share = gflopsOf(ourRow) / wasmPeak;
    // The same ratio of the calls' time on a CPU: about the ratio on an idle machine.
    const onCpu = ourRow.cpuMs && ortRow.cpuMs ? ortRow.cpuMs / ourRow.cpuMs : null;
    const earlierOnCpu = earlier?.cpuMs && ortRow.cpuMs ? ortRow.cpuMs / earlier.cpuMs : null;
    const met = n === 16 ? ratio >= 2 : ratio >= 1.3 || share >= 0.85;
    const flags = [ourRow, ortRow].some(contended) ? ' (⚠ a row was timed while the core was shared)' : '';
    lines.push(`- ${shape} ${work}: **${ratio.toFixed(2)}×** onnxruntime-web, ${(100 * share).toFixed(0)} % of the peak` +
      `${earlier ? ` (before: ${(ortRow.ms / earlier.ms).toFixed(2)}×, ${(100 * gflopsOf(earlier) / wasmPeak).toFixed(0)} %)` : ''}` +
      `${onCpu ? `; on-CPU time ${onCpu.toFixed(2)}×${earlierOnCpu ? ` (before ${earlierOnCpu.toFixed(2)}×)` : ''}` : ''}` +
      ` — target ${n === 16 ? '2×' : '1.3× or 85 % of the peak'}: ${met ? 'met' : 'not met'}${flags}`);
  }
}
lines.push('');
const contendedRows = rows.filter((r) => !r.wrong && contended(r));
const wholeRun = cpuShare(runStart, scheduled());
lines.push(`${contendedRows.length
  ? `**Slow mode detected**: ${contendedRows.length} of ${rows.filter((r) => !r.wrong && r.kind !== 'native').length} wasm rows were timed while this thread waited for a core (other processes held both): ${contendedRows.map((r) => `${r.shape} ${r.work} ${r.name} (not waiting ${r.share == null ? '?' : (100 * r.share).toFixed(0)} %, peak nearby ${r.peakNearby.toFixed(1)} GFLOP/s)`).join('; ')}. Their times are too long by about 1 / (not waiting); compare those rows with care, or run again on a quieter machine.`
  : `Slow mode: not detected — next to every row the SIMD128 peak stayed above ${100 * CONTENDED} % of the run's and this thread waited for a core less than ${100 - 100 * CONTENDED} % of the time.`}` +
  (wholeRun == null ? '' : ` Over the whole run this thread waited for a core ${(100 - 100 * wholeRun).toFixed(0)} % of the time.`));
if (lengths.length) {
  lines.push('');
  lines.push(`Attention alone (dModel 768, 12 heads, no weights), this project's SIMD build: ${lengths.map((n, i) => `n = ${n}: ${times[i].toFixed(1)} ms`).join(', ')}; ` +
    `fitted exponent of time against n: **${slope.toFixed(2)}** (2 is the n² of the work).`);
}
// --gpt2: the GPT-2-small-sized forward against onnxruntime-web (bench/gpt2.mjs), in a process of its own for
// each thread count (onnxruntime's thread count is set once per process): 1 thread, and N with --threads N.
if (args.includes('--gpt2')) {
  const counts = [...new Set([1, Number(option('--threads') ?? 1)])];
  for (const count of counts) {
    console.log(`\nGPT-2-sized forward, ${count} thread${count > 1 ? 's' : ''} (bench/gpt2.mjs; several minutes) …`);
    const section = execFileSync(process.execPath, [`${root}bench/gpt2.mjs`, '--threads', String(count)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    lines.push('', section.trim());
  }
}
const report = `${lines.join('\n')}\n`;
if (!only && !option('--shapes')) writeFileSync(`${root}bench/results.md`, `# Benchmark results (npm run bench)\n\n${report}`);
console.log(`\n${report}`);
