// A GPT-2-small-sized forward (12 layers, dModel 768, 12 heads, dff 3072, vocabulary 50257) in this project
// against onnxruntime-web running the same model as an ONNX graph, in one node process:
//   node bench/gpt2.mjs [--threads N] [--tokens 64,256] [--rounds R]
// The weights are made up (float32, a deterministic generator) and written once into a GPT-2-shaped safetensors
// checkpoint, which the core loads through its public API (loadCheckpoint, as a reader's own files), and into the
// graph's initializers (bench/onnx-graph.mjs's gpt2Graph): the very same values. The work is like for like: the
// core's model.run(text, { reuse: false }) computes every row and returns every layer's attention probabilities
// (layers, heads, n, n); the graph returns them too, as outputs, besides the final LayerNorm's output. A graph
// without the attention outputs is timed as well, for what returning them costs onnxruntime.
// Before anything is timed, each graph's outputs are checked against the core's (model.run with hidden: true):
// every attention probability within 1e-3, the final hidden state within 1e-3 of its largest value.
// Threads: onnxruntime-web runs with ort.env.wasm.numThreads = N (a process-wide setting: one process per thread
// count); the core is created with createAttention({ threads: N }) and is timed as threaded only when the object
// it returns says it runs N threads (attn.threads); otherwise its row says that the threaded build is not
// available, and the single-threaded core is shown beside onnxruntime's N threads for reference.
// Timing: calls interleaved (core, onnxruntime, core, …), medians; the wasm SIMD128 peak (one thread) sampled
// before and after each round, and this thread's waits for a core (/proc/self/schedstat). Prints progress on
// stderr and a markdown section on stdout (bench/bench.mjs --gpt2 puts it in bench/results.md).
import { readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import * as ort from 'onnxruntime-web';
import createAttention from '../dist/attention.mjs';
import { gpt2Shapes, randomFloat32Safetensors } from '../tools/fixtures/synthetic-checkpoint.mjs';
import { gpt2Graph } from './onnx-graph.mjs';
import { cpuShare, scheduled } from './schedstat.mjs';
import { simdPeak } from './simd-peak.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const threads = Number(option('--threads', '1'));
if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads: expected a whole number from 1, got ${option('--threads')}`);
const tokenCounts = option('--tokens', '64,256').split(',').map(Number);
const rounds = Number(option('--rounds', '0'));  // 0: by length (7 at 64 tokens, 5 at 256)
const log = (...parts) => console.error(...parts);
const CONFIG = { n: 0, d: 768, layers: 12, heads: 12, vocab: 50257, positions: 1024 };
const TOLERANCE = 1e-3;

// ---- The checkpoint: GPT-2's tensors with values of the sizes a trained model has, so that attention is neither
// uniform nor one-hot: projections with a spread of about 1/√(fan-in) (scores of order 1), LayerNorm gains near 1.
const root = new URL('..', import.meta.url);
const uniform = (std) => ({ center: 0, spread: Math.sqrt(3) * std });
function spreadOf(name, shape) {
  if (name.includes('ln') && name.endsWith('.weight')) return { center: 1, spread: 0.2 };
  if (name.endsWith('.bias')) return uniform(0.02);
  if (name === 'wte.weight' || name === 'wpe.weight') return uniform(0.1);
  return uniform(1 / Math.sqrt(shape[0]));  // (in, out): Conv1D
}
log(`writing a GPT-2-sized float32 checkpoint (${CONFIG.layers} layers, dModel ${CONFIG.d}, vocabulary ${CONFIG.vocab}) in memory …`);
const { bytes: weightsFile, tensors } = randomFloat32Safetensors(gpt2Shapes({ vocab: CONFIG.vocab, d: CONFIG.d, layers: CONFIG.layers, positions: CONFIG.positions }), spreadOf);
const fixture = new URL('tests/fixtures/checkpoints/gpt2/', root);
const files = {};
for (const name of await readdir(fixture)) if (name !== 'reference.json' && name !== 'model.safetensors') files[name] = await readFile(new URL(name, fixture));
files['config.json'] = JSON.stringify({ ...JSON.parse(files['config.json']), vocab_size: CONFIG.vocab, n_embd: CONFIG.d, n_layer: CONFIG.layers,
  n_head: CONFIG.heads, n_positions: CONFIG.positions, n_ctx: CONFIG.positions, torch_dtype: 'float32' });

// ---- The two implementations.
ort.env.wasm.numThreads = threads;
ort.env.wasm.simd = true;
ort.env.logLevel = 'error';
const attn = await createAttention({ simd: true, ...(threads > 1 && { threads }) });
const coreThreads = typeof attn.threads === 'number' ? attn.threads : 1;
const coreThreaded = coreThreads === threads;
log('loading it into the core …');
const model = await attn.loadCheckpoint({ ...files, 'model.safetensors': weightsFile });

// A text the model reads as exactly `count` tokens (its <|endoftext|> in front included), from the fixture's
// small tokenizer (the ids stay below its 377 entries; the vocabulary's other rows are never read, by either side).
function textOf(count) {
  const specials = model.run('a', { reuse: false }).ids.length - model.tokenize('a').ids.length;
  let text = 'The cat sat on the mat because it was tired';
  while (model.tokenize(text).ids.length + specials < count) text += ' and the dog ran after it across the garden';
  for (let words = text.split(' '); ; words = words.slice(0, -1)) {
    const candidate = words.join(' ');
    if (model.tokenize(candidate).ids.length + specials <= count) {
      let padded = candidate;  // single letters are one token each with this tokenizer: make up the difference
      while (model.tokenize(padded).ids.length + specials < count) padded += ' a';
      return padded;
    }
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const peak = await simdPeak();
const peakSamples = [];
const samplePeak = () => { const value = peak.sample(20); peakSamples.push(value); return value; };
for (let i = 0; i < 5; i++) samplePeak();
const runStart = scheduled();

const results = [], patterns = [];
for (const n of tokenCounts) {
  const text = textOf(n);
  const reference = model.run(text, { reuse: false, hidden: true });
  if (reference.ids.length !== n) throw new Error(`the text is ${reference.ids.length} tokens, not ${n}`);
  const ids = new ort.Tensor('int64', BigInt64Array.from(reference.ids, BigInt), [n]);
  const hiddenOf = (h) => h.subarray(h.length - n * CONFIG.d);  // the last of (layers + 1, n, d): after ln_f
  const expectedHidden = hiddenOf(reference.hidden);
  const largestHidden = expectedHidden.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  const coreRun = () => model.run(text, { reuse: false });
  // How peaked the patterns are (so that agreeing on them means something): the mean of each row's largest
  // probability, against the mean of 1 / (keys it sees) for uniform rows.
  let largest = 0, uniform = 0;
  for (let row = 0; row < CONFIG.layers * CONFIG.heads * n; row++) {
    const i = row % n, at = row * n;
    largest += reference.attentions.subarray(at, at + i + 1).reduce((m, p) => Math.max(m, p), 0) / (CONFIG.layers * CONFIG.heads * n);
    uniform += 1 / (i + 1) / (CONFIG.layers * CONFIG.heads * n);
  }
  patterns.push(`${n} tokens: ${largest.toFixed(2)} (uniform rows: ${uniform.toFixed(2)})`);
  const variants = [
    ['attentions as outputs, GELU as plain ops', { attentions: true, fastGelu: false }],
    ['attentions as outputs, FastGelu contrib op', { attentions: true, fastGelu: true }],
    ['no attention outputs, FastGelu contrib op', { attentions: false, fastGelu: true }],
  ];
  for (const [label, options] of variants) {
    log(`${n} tokens, onnxruntime-web (${label}): building the graph and its session …`);
    let session = await ort.InferenceSession.create(gpt2Graph(tensors, { ...CONFIG, n }, options),
      { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
    const ortRun = () => session.run({ ids });
    // Checked before timed: the final hidden state, and every layer's attention probabilities.
    const out = await ortRun();
    let hiddenError = 0, attentionError = 0;
    const hidden = out.hidden.data;
    for (let i = 0; i < hidden.length; i++) hiddenError = Math.max(hiddenError, Math.abs(hidden[i] - expectedHidden[i]));
    hiddenError /= Math.max(1, largestHidden);
    if (options.attentions) {
      const per = CONFIG.heads * n * n;
      for (let l = 0; l < CONFIG.layers; l++) {
        const got = out[`attention.${l}`].data, expected = reference.attentions.subarray(l * per, (l + 1) * per);
        for (let i = 0; i < per; i++) attentionError = Math.max(attentionError, Math.abs(got[i] - expected[i]));
      }
    }
    const row = { n, label, options, hiddenError, attentionError: options.attentions ? attentionError : null };
    if (!(hiddenError <= TOLERANCE && attentionError <= TOLERANCE)) {
      results.push({ ...row, wrong: true });
      log(`  wrong: hidden ${hiddenError.toExponential(1)}, attentions ${attentionError.toExponential(1)} — not timed`);
    } else {
      // Interleaved rounds: a warm-up of each, then core and onnxruntime in turn, each timed with its waits.
      coreRun(), await ortRun();
      const count = rounds || (n <= 64 ? 7 : 5);
      const times = { core: [], ort: [] }, cpu = { core: [], ort: [] }, waits = { core: [], ort: [] }, peaks = [];
      for (let r = 0; r < count; r++) {
        peaks.push(samplePeak());
        for (const [which, run] of [['core', coreRun], ['ort', ortRun]]) {
          const from = scheduled(), used = process.cpuUsage(), start = performance.now();
          await run();
          times[which].push(performance.now() - start);
          const { user, system } = process.cpuUsage(used);
          cpu[which].push((user + system) / 1000);
          waits[which].push(cpuShare(from, scheduled()));
        }
      }
      peaks.push(samplePeak());
      Object.assign(row, { core: median(times.core), ort: median(times.ort), coreCpu: median(cpu.core), ortCpu: median(cpu.ort),
        coreShare: median(waits.core), ortShare: median(waits.ort), peakNearby: Math.min(...peaks), rounds: count });
      results.push(row);
      log(`  core ${row.core.toFixed(0)} ms, onnxruntime ${row.ort.toFixed(0)} ms: ${(row.ort / row.core).toFixed(2)}× ` +
        `(hidden error ${hiddenError.toExponential(1)}, attentions ${options.attentions ? attentionError.toExponential(1) : '—'})`);
    }
    await session.release();
    session = null;
  }
}
model.dispose();

// ---- The section.
const sorted = [...peakSamples].sort((a, b) => a - b);
const wasmPeak = sorted[Math.floor(sorted.length * 0.75)];
const wholeRun = cpuShare(runStart, scheduled());
const CONTENDED = 0.8;
const contended = (r) => r.peakNearby < CONTENDED * wasmPeak || r.coreShare < CONTENDED || r.ortShare < CONTENDED;
const coreLabel = coreThreaded ? `this project, ${threads} thread${threads > 1 ? 's' : ''}` : `this project, 1 thread (core threaded build not available)`;
const lines = [];
lines.push(`### GPT-2-small-sized forward against onnxruntime-web, ${threads} thread${threads > 1 ? 's' : ''} (\`node bench/gpt2.mjs --threads ${threads}\`)`);
lines.push('');
lines.push(`Run on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, node ${process.versions.node}; ` +
  `onnxruntime-web 1.30 with numThreads ${threads}; the core ${coreThreaded ? `with ${threads} thread${threads > 1 ? 's' : ''}` : 'single-threaded: **core threaded build not available** (createAttention({ threads }) gave no threaded build)'}. ` +
  `wasm SIMD128 peak of one thread in this run ${wasmPeak.toFixed(1)} GFLOP/s (${peakSamples.length} bursts, ${sorted[0].toFixed(1)}–${sorted.at(-1).toFixed(1)}); ` +
  `load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}.`);
lines.push('');
lines.push('Same float32 weights on both sides (one safetensors checkpoint → the core\'s loadCheckpoint, and the graph\'s initializers); ' +
  'the core\'s `model.run(text, { reuse: false })` against `session.run({ ids })`, interleaved, medians. Errors are against the core\'s own outputs: ' +
  'the largest difference of an attention probability, and of the final hidden state relative to its largest value. ' +
  '"on-CPU" is the process\'s CPU time per call (process.cpuUsage), which a neighbour holding a core does not lengthen; ' +
  '"not waiting" is the share of each call\'s time that the main thread was not waiting for a core; a row with a peak nearby below 80 % of the run\'s or less than 80 % not waiting is marked ⚠.');
lines.push('');
// CPU time: the process's (process.cpuUsage), so with threads it adds up every thread's.
const cpuHeader = threads > 1 ? 'CPU ms, all threads (core / ORT)' : 'on-CPU ms (core / ORT) and ratio';
lines.push(`| tokens | onnxruntime-web graph | ${coreLabel}, ms | onnxruntime-web, ms | core vs ORT | ${cpuHeader} | peak nearby | not waiting (core / ORT) | error: attentions / hidden |`);
lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  if (r.wrong) {
    lines.push(`| ${r.n} | ${r.label} | | wrong: not timed | | | | | ${r.attentionError?.toExponential(1) ?? '—'} / ${r.hiddenError.toExponential(1)} |`);
    continue;
  }
  const pct = (x) => (x == null ? '?' : `${(100 * x).toFixed(0)} %`);
  const cpuCell = `${r.coreCpu.toFixed(0)} / ${r.ortCpu.toFixed(0)}${threads > 1 ? '' : `: ${(r.ortCpu / r.coreCpu).toFixed(2)}×`}`;
  lines.push(`| ${r.n} | ${r.label} | ${r.core.toFixed(0)} | ${r.ort.toFixed(0)} | **${(r.ort / r.core).toFixed(2)}×** | ${cpuCell} | ` +
    `${r.peakNearby.toFixed(1)}${contended(r) ? ' ⚠' : ''} | ${pct(r.coreShare)} / ${pct(r.ortShare)} | ${r.attentionError == null ? '—' : r.attentionError.toExponential(1)} / ${r.hiddenError.toExponential(1)} |`);
}
lines.push('');
lines.push(`The core's attention rows' largest probability, on average: ${patterns.join('; ')}.`);
lines.push('');
const flagged = results.filter((r) => !r.wrong && contended(r));
lines.push(`${flagged.length ? `**Slow mode detected** in ${flagged.length} of ${results.filter((r) => !r.wrong).length} rows (⚠).` : 'Slow mode: not detected.'}` +
  (wholeRun == null ? '' : ` Over the run the main thread waited for a core ${(100 - 100 * wholeRun).toFixed(0)} % of the time.`) +
  (threads > 1 ? ' (With threads, only the main thread\'s waits are counted, and the peak is one thread\'s.)' : ''));
console.log(lines.join('\n'));
process.exit(0);  // onnxruntime's worker threads would keep the process alive
