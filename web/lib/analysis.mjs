// Everything the playground's views show, computed in one go from the model and the core (in a Web Worker,
// or on the page when workers are unavailable), so that the views only draw. DOM-free. Typed arrays are row-major:
// attentions (layers, heads, n, n); queries (layers, n, heads·headDim), keys and values (layers, n,
// kvHeads·headDim); cross (layers, heads, nA, nB).

// The run options for the playground's what-if controls: mask 'trained' | 'causal' | 'none', scaled, temperature.
export function runOptions({ mask, scaled, temperature }) {
  return {
    truncate: true, projections: true, scaled, temperature,
    ...(mask === 'trained' ? {} : { causal: mask === 'causal' }),
  };
}

import { headSummaries } from './head-patterns.mjs';

// The key/value head that query head h reads (grouped-query attention shares one among heads / kvHeads).
export const keyValueHead = ({ heads, kvHeads }, head) => Math.floor(head / (heads / kvHeads));

// Head h's columns of layer l's projections (n rows of `count` heads of headDim), as an (n, headDim) matrix.
function headColumns(projections, n, count, headDim, layer, head) {
  const width = count * headDim, out = new Float32Array(n * headDim);
  for (let i = 0; i < n; i++) {
    const start = (layer * n + i) * width + head * headDim;
    out.set(projections.subarray(start, start + headDim), i * headDim);
  }
  return out;
}

// Query head h's q, and the k and v of the key/value head it reads, in layer l of a run of n tokens: (n, headDim)
// each.
export function headProjections({ queries, keys, values, n }, config, layer, head) {
  const { heads, kvHeads, headDim } = config, kv = keyValueHead(config, head);
  return { q: headColumns(queries, n, heads, headDim, layer, head), k: headColumns(keys, n, kvHeads, headDim, layer, kv),
    v: headColumns(values, n, kvHeads, headDim, layer, kv) };
}

// special: Uint8Array(n), 1 where the model added the token ([BOS], [CLS], [SEP], <|endoftext|>).
const sentence = ({ tokens, offsets, special, attentions, queries, keys, values, truncated, textTokens }) =>
  ({ tokens, offsets, special, attentions, queries, keys, values, truncated, textTokens, n: tokens.length });

// Cross-attention between two runs of one model: in every layer and head, the queries of `a` against the keys
// and values of `b` (no mask: every token of a sees every token of b), through the core's attention.
// (The model's soft cap and windows are not applied: they belong to one sequence's positions.)
export function crossAttention(attn, config, a, b, { scaled, temperature }) {
  const { layers, heads, headDim: dk } = config;
  const out = new Float32Array(layers * heads * a.n * b.n);
  const scale = (scaled ? config.scale : 1) / temperature;
  for (let l = 0; l < layers; l++) {
    for (let h = 0; h < heads; h++) {
      const { q } = headProjections(a, config, l, h), { k, v } = headProjections(b, config, l, h);
      const { weights } = attn.scaledDotProductAttention({
        q, k, v, n: a.n, m: b.n, dk, dv: dk, scale,
      });
      out.set(weights, (l * heads + h) * a.n * b.n);
    }
  }
  return out;
}

// request: { text, compare, mask, scaled, temperature }. Returns { config, main, compare?, cross? } where main and
// compare are { tokens, offsets, special, n, attentions, queries, keys, values, truncated, textTokens }, and main
// also has summaries: each head's (web/lib/head-patterns.mjs), for the head grid.
export function analyse(attn, model, request) {
  const options = runOptions(request);
  const main = sentence(model.run(request.text, options));
  main.summaries = headSummaries(main.attentions, model.config.layers, model.config.heads, main.n);
  const result = { config: { ...model.config }, main };
  if (request.compare.trim() !== '') {
    result.compare = sentence(model.run(request.compare, options));
    result.cross = crossAttention(attn, model.config, main, result.compare, request);
  }
  return result;
}

// A request with `trace: { layer, head }` asks for that one head's path past the attention, for the steps'
// step 5: { trace: run()'s trace (headOutput (n, dk); contribution, attentionOutput, residualBefore,
// residualAfter (n, dModel)), n }. A separate request, so that choosing another head costs one run of the
// model only for the view that needs it.
export function traceHead(model, request) {
  const run = model.run(request.text, { ...runOptions(request), projections: false, trace: request.trace });
  return { trace: run.trace, n: run.tokens.length };
}

// request -> result with the core `attn`, loading each built-in model once (by name, as attn.loadModel takes
// it), and saying how long the computation took. analyser.add(name, model) puts in a model loaded otherwise (the
// user's checkpoint), disposing of the one it replaces. Used by the worker, and on the page without one.
export function createAnalyser(attn) {
  const models = new Map();
  const load = (name) => {
    if (!models.has(name)) {
      if (name === 'checkpoint') throw new Error('your model is not loaded in this tab: choose its files again');
      models.set(name, attn.loadModel(name).catch((error) => { models.delete(name); throw error; }));
    }
    return models.get(name);
  };
  const analyser = async (request) => {
    const model = await load(request.model);
    const started = performance.now();
    const result = request.trace ? traceHead(model, request) : analyse(attn, model, request);
    result.milliseconds = performance.now() - started;
    return result;
  };
  analyser.add = async (name, model) => {
    const previous = models.get(name);
    models.set(name, Promise.resolve(model));
    (await previous)?.dispose();
  };
  return analyser;
}

// The typed arrays of a result, to transfer rather than copy between threads.
export function transferables(result) {
  return [result.main, result.compare].filter(Boolean)
    .flatMap((s) => [s.attentions, s.queries, s.keys, s.values, s.offsets, s.special].map((a) => a.buffer))
    .concat(result.cross ? [result.cross.buffer] : [], Object.values(result.trace ?? {}).map((a) => a.buffer));
}

// Runs `compute` (request -> Promise) on the newest request only: while one computation is under way, a newer
// request replaces the one waiting, whose promise resolves to null. Typing never queues up stale work.
export function latestOnly(compute) {
  let busy = false, waiting = null;
  const start = (job) => {
    busy = true;
    Promise.resolve().then(() => compute(job.request)).then(job.resolve, job.reject).finally(() => {
      busy = false;
      const next = waiting;
      waiting = null;
      if (next) start(next);
    });
  };
  return (request) => new Promise((resolve, reject) => {
    const job = { request, resolve, reject };
    if (!busy) return start(job);
    waiting?.resolve(null);
    waiting = job;
  });
}
