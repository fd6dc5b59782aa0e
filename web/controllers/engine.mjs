// The playground's engine (web/lib/compute.mjs's playgroundEngine: the built-in models on this thread, the
// user's and the Hub's in the worker web/worker.mjs) and its results. Only the newest request is computed, so
// typing never queues stale work; the last result is kept, so that choosing another layer, head or token redraws
// without computing again. A result comes in two parts: everything but the predictions first (what the views
// above the fold show), then the predictions (web/lib/analysis.mjs's predictionsOf: most of a small model's
// run), each its own newest only. The steps' step 5 asks separately for the chosen head's trace
// (web/lib/analysis.mjs's traceHead), likewise.
import { latestOnly } from '../lib/analysis.mjs';
import { playgroundEngine } from '../lib/compute.mjs';
import { isHubModel } from '../lib/hub-names.mjs';
import { computeRequest } from '../lib/view-rules.mjs';
import { afterFirstFrame } from './after-frame.mjs';

// The request's way there and back, for bench/page.mjs: the whole round trip, the message's way to the worker
// (its wait there behind other work included), the computation, and the answer's way back (worker.timing: when
// the worker had the message and posted the answer, on the clock that performance.timeOrigin shares).
function timeRoundTrip(asked, result) {
  const now = performance.now();
  performance.measure('request round trip', { start: asked, end: now });
  if (!result?.timing) return;
  const toPage = (time) => time - performance.timeOrigin;
  const { received, posted } = result.timing;
  performance.measure('  message to the worker', { start: asked, end: toPage(received) });
  performance.measure('  worker compute', { start: toPage(posted) - result.milliseconds, duration: result.milliseconds });
  performance.measure('  answer back to the page', { start: toPage(posted), end: now });
}

// workerUrl: null where no worker can be (the one-file offline playground); simd: createAttention's option.
export function engineController({ createAttention, workerUrl, simd }) {
  let engine = null, compute = null, computePredictions = null, computeTrace = null;
  let checkpoints = 0;  // the user's models loaded in this tab: a new one is a new model named 'checkpoint'
  let hubModel = null, hubLoads = 0;  // the model from a hub in the engine ('hf:<repo>@<commit>'), and how many came
  let last = { key: null, result: null }, pending = { key: null, promise: null };
  let pendingPredictions = { key: null, promise: null };
  let lastTrace = { key: null, trace: null }, pendingTrace = { key: null, promise: null };
  const keyOf = (state) => JSON.stringify([computeRequest(state), state.model === 'checkpoint' && checkpoints, isHubModel(state.model) && hubLoads]);
  const traceKeyOf = (state) => JSON.stringify([keyOf({ ...state, compare: '' }), state.layer, state.head]);  // one sentence's
  // The predictions and the trace of a model computed on the page wait until the frame showing the rest is drawn.
  const afterPaint = (model) => (engine.where(model)?.where === 'on the page' ? new Promise(afterFirstFrame) : null);
  let ready = false;  // compute and the rest are set

  return {
    async start() {
      engine = playgroundEngine({ pageUrl: location.href, workerUrl, createAttention, options: { simd } });
      await engine.ready;
      compute = latestOnly(engine.compute);
      computePredictions = latestOnly(engine.compute);
      computeTrace = latestOnly(engine.compute);
      ready = true;
    },
    get started() { return ready; },
    // Where `model` is computed: 'SIMD WebAssembly build on the page', '… in a worker on 2 threads', …
    description(model) {
      const { simd, where, threads } = engine.where(model) ?? {};
      return where ? `${simd ? 'SIMD' : 'scalar'} WebAssembly build ${where}${threads > 1 ? ` on ${threads} threads` : ''}` : '';
    },
    // The engine can compute `model` now: a built-in one, or the user's or a hub's once loaded.
    has: (model) => (isHubModel(model) ? model === hubModel : model !== 'checkpoint' || checkpoints > 0),
    get lastResult() { return last.result; },
    // Whether the last result is the one `state` shows (false: the text or a what-if has changed since).
    isShowing: (state) => last.key === keyOf(state),

    // The result for `state`, or null when the page has moved on (current(): its state now) while it was computed.
    async resultFor(state, current) {
      const key = keyOf(state);
      if (last.key === key) return last.result;
      if (pending.key !== key) pending = { key, promise: compute({ ...computeRequest(state), part: 'attention' }) };
      const asked = performance.now();
      const result = await pending.promise;
      timeRoundTrip(asked, result);
      if (result === null || keyOf(current()) !== key) return null;
      last = { key, result };
      return result;
    },
    // Whether the last result has its predictions (or knows why the model has none).
    hasPredictions: () => Boolean(last.result && (last.result.main.predictions || last.result.main.noPredictions)),
    // The last result (the one for `state`) with its predictions once computed, or null when the page has moved
    // on (current(): its state now) or a newer result has come.
    async predictionsFor(state, current) {
      const { result } = last;
      if (result.main.predictions || result.main.noPredictions) return result;
      const key = keyOf(state);
      await afterPaint(state.model);
      if (last.result !== result || keyOf(current()) !== key) return null;  // typed on meanwhile: not computed
      if (pendingPredictions.key !== key) pendingPredictions = { key, promise: computePredictions({ ...computeRequest(state), part: 'predictions' }) };
      const answer = await pendingPredictions.promise;
      if (answer === null || last.result !== result) return null;
      Object.assign(result.main, answer.main);
      return keyOf(current()) === key ? result : null;
    },

    // The chosen head's trace for `state` (layer and head numbers) once computed, or null when the page has moved
    // on; cachedTrace: the one already there, or null.
    cachedTrace: (state) => (lastTrace.key === traceKeyOf(state) ? lastTrace.trace : null),
    async traceFor(state, current) {
      const key = traceKeyOf(state);
      if (lastTrace.key === key) return lastTrace.trace;
      await afterPaint(state.model);
      if (traceKeyOf(current()) !== key) return null;
      if (pendingTrace.key !== key) {
        pendingTrace = { key, promise: computeTrace({ ...computeRequest(state), compare: '', trace: { layer: state.layer, head: state.head } }) };
      }
      const answer = await pendingTrace.promise;
      if (answer === null || traceKeyOf(current()) !== key) return null;
      lastTrace = { key, trace: answer.trace };
      return answer.trace;
    },

    // The user's checkpoint files into the engine, as the model 'checkpoint'; resolves to its config. options:
    // { onProgress, signal, name } (web/lib/compute.mjs).
    async loadCheckpoint(files, options) {
      const { config } = await engine.loadCheckpoint(files, options);
      checkpoints += 1;
      return config;
    },
    // A model from a hub ({ repo, endpoint, revision }) into the engine; resolves to { config, hub, name }.
    async loadFromHub(hub, options) {
      const loaded = await engine.loadFromHub(hub, options);
      hubModel = loaded.name;
      hubLoads += 1;
      return loaded;
    },
    hubInfo: (hub, options) => engine.hubInfo(hub, options),

    // The head importance of `state`'s sentence (web/lib/importance.mjs), computed by the engine between its
    // other requests; options: { onProgress, signal }. importanceKey(state): what it depends on (not the heads
    // switched off, nor the second sentence).
    importance: (state, options) => engine.importance(computeRequest(state), options),
    importanceKey: (state) => keyOf({ ...state, ablate: '', compare: '' }),
  };
}
