// Head importance for one sentence: every head switched off alone in turn (zero ablation: its output set to zero
// before W_O) and the model's loss measured again; a head matters as much as the loss rises without it. The loss
// is the mean of −ln p(target) over the positions web/lib/predictions.mjs's scoring picks (a masked LM: the
// masked positions against the words that were there, else every position against its own token; a causal
// model: each next token), with the what-if controls as set and no other head switched off. One run without
// any head off, then one per head: 13 for the built-in models' 3 × 4 heads, 145 for GPT-2 small's 12 × 12.
// DOM-free; runs where the model is computed (the page's thread or the worker), which answers other requests
// between the runs (each run is followed by a pause for the thread's other tasks: a Cancel, a newer text's
// request, a frame).
import { runOptions } from './analysis.mjs';
import { abortError } from './hub-http.mjs';
import { scoring } from './predictions.mjs';

// A pause until the thread's next task, in which the messages that arrived during a run are handled.
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

// request: the engine request of web/lib/view-rules.mjs's computeRequest ({ text, mask, scaled, temperature,
// masked, … }; its `ablate` is not used). onProgress({ done, total, layer, head }) after each run (layer and head:
// the head it switched off, null for the first run); `signal` cancels between runs (the promise rejects with its
// AbortError). Resolves to { layers, heads, baseLoss, losses (layers · heads;
// head h of layer l at l · heads + h), increases (the same, less baseLoss), positions (how many are scored),
// what (in words), runs, milliseconds, text, model }. Rejects with predict's own Error for a model without its
// output head, and with an Error when the sentence has nothing to score.
export async function headImportance(model, request, { onProgress = () => {}, signal = null, pause = nextTask } = {}) {
  const { layers, heads, name } = model.config;
  const started = performance.now();
  if (signal?.aborted) throw abortError(signal);
  const scored = scoring(model, request.text, request.masked);
  const options = { ...runOptions(request), projections: false, predict: 1, ...(scored.targets && { targets: scored.targets }) };
  const base = model.run(request.text, options).predictions;
  const positions = base.targetProbs.filter((p) => !Number.isNaN(p)).length;
  if (positions === 0) throw new Error('this text has no token to score (a causal model needs at least two tokens to predict one)');
  const total = layers * heads + 1;
  onProgress({ done: 1, total, layer: null, head: null });
  const losses = new Float64Array(layers * heads);
  for (let index = 0; index < layers * heads; index++) {
    await pause();
    if (signal?.aborted) throw abortError(signal);
    const layer = Math.floor(index / heads), head = index % heads;
    losses[index] = model.run(request.text, { ...options, ablate: [[layer, head]] }).predictions.loss;
    onProgress({ done: index + 2, total, layer, head });
  }
  return {
    layers, heads, baseLoss: base.loss, losses, increases: losses.map((loss) => loss - base.loss), positions,
    what: scored.what, runs: total, milliseconds: performance.now() - started, text: request.text, model: name,
  };
}

// The heads of an importance result ranked, the largest rise in loss first: [{ layer, head, increase }].
export const rankHeads = ({ heads, increases }) => Array.from(increases, (increase, index) => ({ layer: Math.floor(index / heads), head: index % heads, increase }))
  .sort((a, b) => b.increase - a.increase);

// What a result says about pruning, in numbers: how many heads change the loss by less than `tolerance` (of the
// loss without any head off: 1 % by default), in either direction.
export function prunable({ baseLoss, increases }, tolerance = 0.01) {
  const limit = tolerance * baseLoss;
  return { count: increases.filter((x) => Math.abs(x) < limit).length, of: increases.length, limit };
}
