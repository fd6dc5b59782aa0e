// Everything the playground's views show, computed in one go from the model and the core (in a Web Worker,
// or on the page when workers are unavailable), so that the views only draw. DOM-free. Typed arrays are row-major:
// attentions (layers, heads, n, n); queries (layers, n, heads·headDim), keys and values (layers, n,
// kvHeads·headDim); cross (layers, heads, nA, nB).
import { formatHeads, headsIn } from './ablation.mjs';
import { headSummaries } from './head-patterns.mjs';
import { COMPARED, SHOWN, predictionShift, scoring, targetTexts, topPredictions } from './predictions.mjs';

// The run options for the playground's what-if controls: mask 'trained' | 'causal' | 'none', scaled, temperature;
// and `ablate`, the [layer, head] pairs switched off (zero ablation), when there are any.
export function runOptions({ mask, scaled, temperature }, ablate = []) {
  return {
    truncate: true, projections: true, scaled, temperature,
    ...(mask === 'trained' ? {} : { causal: mask === 'causal' }),
    ...(ablate.length > 0 && { ablate }),
  };
}

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

// Why a model cannot predict (config.canPredict false): predict's own error, which names the missing tensors.
const cannotPredict = new WeakMap();
function whyNoPredictions(model) {
  if (!cannotPredict.has(model)) {
    let reason = 'it has no output head';
    try {
      model.run('a', { predict: 1 });
    } catch (error) {
      reason = error.message.replace(/^predict: /, '');
    }
    cannotPredict.set(model, reason);
  }
  return cannotPredict.get(model);
}

// request: { text, compare, mask, scaled, temperature, ablate, masked } (web/lib/view-rules.mjs's computeRequest),
// and `part`: 'attention' (all but the predictions), 'predictions' (those alone: predictionsOf below), or none
// (both). Returns { config, main, compare?, cross?, ablated } where main and compare are { tokens, offsets,
// special, n, attentions, queries, keys, values, truncated, textTokens }; main also has summaries: each head's
// (web/lib/head-patterns.mjs), for the head grid; and, unless part is 'attention', predictionsOf's fields.
// plainRun(model, text, options): the run without heads off (a cache of the analyser's, so that switching heads
// does not run it again).
// memo: the analyser's, kept from one request to the next (headSummaries' row entropies).
export function analyse(attn, model, request, plainRun = (m, text, options) => m.run(text, options), memo = null) {
  const { config } = model;
  const ablate = headsIn(request.ablate ?? '', config);
  const options = runOptions(request, ablate);
  const attentionOnly = request.part === 'attention';
  const { run, predicted } = attentionOnly ? { run: model.run(request.text, options) } : predictedRun(model, request, plainRun, options);
  const main = sentence(run);
  // A run that reused rows is a causal model's, whose row i depends on tokens 0 to i alone: the rows it shares
  // with the last text analysed here under the same options are that text's, entropies included.
  const key = JSON.stringify(options);
  let shared = 0;
  if (memo && memo.model === model && memo.key === key && run.reused > 0) {
    while (shared < Math.min(memo.ids.length, run.ids.length) && memo.ids[shared] === run.ids[shared]) shared++;
  }
  if (memo) Object.assign(memo, { model, key, ids: run.ids });
  main.summaries = headSummaries(main.attentions, config.layers, config.heads, main.n, memo, shared);
  if (!attentionOnly) Object.assign(main, predicted);
  const result = { config: { ...config }, main, ablated: formatHeads(ablate) };
  if (request.compare.trim() !== '') {
    result.compare = sentence(model.run(request.compare, options));
    result.cross = crossAttention(attn, model.config, main, result.compare, request);
  }
  return result;
}

// The predictions of request's sentence, for the Predictions view: { main: { predictions } } when the model can
// predict — the top SHOWN tokens at each position (web/lib/predictions.mjs's topPredictions) with targetTexts,
// masks and what (its scoring), and with heads off `before` (the same without them) and `shift` (predictionShift
// from before), both taken over COMPARED tokens —, or { main: { noPredictions } }: why it cannot. Apart from the
// attention (part 'attention'), because its vocabulary-wide softmax at every position is most of a small
// model's run and the views above the fold do not show it. For a causal model the run reuses the one before it
// (the core's prefix cache): its rows cost nothing again.
export function predictionsOf(model, request, plainRun = (m, text, options) => m.run(text, options)) {
  const options = { ...runOptions(request, headsIn(request.ablate ?? '', model.config)), projections: false };
  return { main: predictedRun(model, request, plainRun, options).predicted };
}

// The run with `options` and the predictions asked of it: { run, predicted: { predictions } | { noPredictions } }.
function predictedRun(model, request, plainRun, options) {
  const { config } = model;
  const scored = config.canPredict ? scoring(model, request.text, request.masked) : null;
  const ablated = Boolean(options.ablate);
  const predict = scored ? { predict: ablated ? COMPARED : SHOWN, ...(scored.targets && { targets: scored.targets }) } : {};
  const run = model.run(request.text, { ...options, ...predict });
  if (!scored) return { run, predicted: { noPredictions: whyNoPredictions(model) } };
  const n = run.tokens.length;
  const predictions = { ...topPredictions(run.predictions, n), targetTexts: targetTexts(run, scored, config.causal), masks: scored.masks, what: scored.what };
  if (ablated) {
    const plain = plainRun(model, request.text, { ...runOptions(request), projections: false, ...predict }).predictions;
    predictions.before = topPredictions(plain, n);
    predictions.shift = predictionShift(plain, run.predictions, n);
  }
  return { run, predicted: { predictions } };
}

// A request with `trace: { layer, head }` asks for that one head's path past the attention, for the steps'
// step 5: { trace: run()'s trace (headOutput (n, dk); contribution, attentionOutput, residualBefore,
// residualAfter (n, dModel)), n }. A separate request, so that choosing another head costs one run of the
// model only for the view that needs it.
export function traceHead(model, request) {
  const run = model.run(request.text, { ...runOptions(request, headsIn(request.ablate ?? '', model.config)), projections: false, trace: request.trace });
  return { trace: run.trace, n: run.tokens.length };
}

// request -> result with the core `attn`, loading each built-in model once (by name, as attn.loadModel takes
// it), and saying how long the computation took. analyser.add(name, model) puts in a model loaded otherwise (the
// user's checkpoint), disposing of the one it replaces; analyser.model(name) resolves to a model. The last run
// without heads off is kept, for the next request that switches other heads. Used by the worker, and on the
// page without one.
export function createAnalyser(attn) {
  const models = new Map();
  const memo = {};  // analyse's, from one request to the next
  let plain = { model: null, key: null, run: null };
  const plainRun = (model, text, options) => {
    const key = JSON.stringify([text, { ...options, targets: options.targets && Array.from(options.targets) }]);
    if (plain.model !== model || plain.key !== key) plain = { model, key, run: model.run(text, options) };
    return plain.run;
  };
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
    const result = request.trace ? traceHead(model, request)
      : request.part === 'predictions' ? predictionsOf(model, request, plainRun) : analyse(attn, model, request, plainRun, memo);
    result.milliseconds = performance.now() - started;
    return result;
  };
  analyser.add = async (name, model) => {
    const previous = models.get(name);
    models.set(name, Promise.resolve(model));
    const old = await previous;
    if (plain.model === old) plain = { model: null, key: null, run: null };
    old?.dispose();
  };
  analyser.model = load;
  return analyser;
}

// The typed arrays of a result, to transfer rather than copy between threads (a part has only some).
export function transferables(result) {
  return [result.main, result.compare].filter(Boolean)
    .flatMap((s) => [s.attentions, s.queries, s.keys, s.values, s.offsets, s.special].filter(Boolean).map((a) => a.buffer))
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
