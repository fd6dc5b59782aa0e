// Head importance (web/lib/importance.mjs) and its place in the worker protocol (web/lib/compute.mjs): every head
// switched off alone gives the loss a run of its own gives, progress after each run, a cancel between runs, and
// the worker answering ordinary requests while a ranking runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import createAttention from '../../dist/attention.mjs';
import { serveRequests } from '../../web/lib/compute.mjs';
import { headImportance, prunable, rankHeads } from '../../web/lib/importance.mjs';
import { defaultState } from '../../web/lib/state.mjs';
import { computeRequest } from '../../web/lib/view-rules.mjs';
import { builds } from './helpers.mjs';

const attn = builds.simd;
const TEXT = 'The cat sat on the mat because it was tired';
const request = (fields = {}) => computeRequest({ ...defaultState(), text: TEXT, ...fields });

// The model, counting its runs.
const counting = (model) => {
  const counted = { config: model.config, tokenize: (t) => model.tokenize(t), runs: 0 };
  counted.run = (...args) => { counted.runs++; return model.run(...args); };
  return counted;
};

for (const name of ['builtin', 'builtin-causal']) {
  test(`${name}: each head's rise in loss is its own run's loss less the loss with every head on`, async () => {
    const model = await attn.loadModel(name);
    const progress = [];
    const asked = request({ model: name, ablate: '0.0 1.1', temperature: 1.5 });
    const result = await headImportance(model, asked, { onProgress: (p) => progress.push(p) });
    const { layers, heads } = model.config;
    assert.equal(result.runs, layers * heads + 1);
    assert.deepEqual(progress.map((p) => [p.done, p.total, p.layer, p.head]),
      Array.from({ length: result.runs }, (_, i) => [i + 1, result.runs, i === 0 ? null : Math.floor((i - 1) / heads), i === 0 ? null : (i - 1) % heads]));
    // The same numbers as runs of the API, with the temperature as asked and no other head off.
    const options = { truncate: true, temperature: 1.5, scaled: true, predict: 1 };
    const base = model.run(TEXT, options).predictions.loss;
    assert.equal(result.baseLoss, base);
    for (let l = 0; l < layers; l++) {
      for (let h = 0; h < heads; h++) {
        const loss = model.run(TEXT, { ...options, ablate: [[l, h]] }).predictions.loss;
        assert.equal(result.losses[l * heads + h], loss, `${l}.${h}`);
        assert.equal(result.increases[l * heads + h], loss - base);
      }
    }
    // Causal: every token but the last predicts the next one ([BOS] the first); masked LM: every text token itself.
    assert.equal(result.positions, model.tokenize(TEXT).ids.length);
    assert.equal(result.what, model.config.causal ? 'each next token' : 'every position, against its own token');
    const ranked = rankHeads(result);
    assert.equal(ranked.length, layers * heads);
    for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i - 1].increase >= ranked[i].increase);
    const { count, of, limit } = prunable(result);
    assert.equal(of, layers * heads);
    assert.equal(count, Array.from(result.increases).filter((x) => Math.abs(x) < 0.01 * base).length);
    assert.equal(limit, 0.01 * base);
    model.dispose();
  });
}

test('a cancel stops the ranking between two runs, with the signal\'s AbortError', async () => {
  const model = counting(await attn.loadModel('builtin'));
  const controller = new AbortController();
  const ranking = headImportance(model, request(), { signal: controller.signal, onProgress: ({ done }) => { if (done === 3) controller.abort(); } });
  await assert.rejects(ranking, { name: 'AbortError' });
  assert.equal(model.runs, 3, 'no run after the cancel');
  await assert.rejects(headImportance(model, request(), { signal: AbortSignal.abort() }), { name: 'AbortError' });
  assert.equal(model.runs, 3, 'an aborted signal: no run at all');
});

test('a text with nothing to score is refused by name, and a model without its head by predict\'s error', async () => {
  const nothing = { config: { layers: 1, heads: 1, name: 'toy', causal: true }, run: () => ({ predictions: { targetProbs: Float32Array.of(NaN), loss: NaN } }) };
  await assert.rejects(headImportance(nothing, request()), /^Error: this text has no token to score/);
  const headless = { config: { layers: 1, heads: 1, name: 'toy', causal: true }, run: () => { throw new RangeError('predict: config.json: GPT2Model is a model without its language-model head'); } };
  await assert.rejects(headImportance(headless, request()), { name: 'RangeError', message: /without its language-model head/ });
});

// The worker's side of the protocol on a stand-in for the worker's global scope: messages in by dispatchEvent,
// out through postMessage, as a worker has them.
function workerScope(onMessage) {
  const scope = new EventTarget();
  scope.postMessage = (data) => onMessage(data, (message) => scope.dispatchEvent(new MessageEvent('message', { data: message })));
  return scope;
}

test('in the worker: progress per run, ordinary requests answered between the runs, a cancel stops it', async () => {
  const seen = [];
  let ready, finished;
  const started = new Promise((resolve) => { ready = resolve; });
  const done = new Promise((resolve) => { finished = resolve; });
  const scope = workerScope((data, send) => {
    if (data.ready) return ready();
    seen.push(data.id === 1 ? (data.progress ? `progress ${data.progress.done}` : `ranking ${data.error ? data.name : 'result'}`) : `request ${data.id}`);
    if (data.id === 1 && data.progress?.done === 2) send({ id: 2, request: request() });  // the reader types meanwhile
    if (data.id === 1 && data.progress?.done === 4) send({ cancel: 1 });
    if (data.id === 1 && !data.progress) finished();
  });
  serveRequests(scope, createAttention, { simd: true });
  await started;
  scope.dispatchEvent(new MessageEvent('message', { data: { id: 1, importance: request() } }));
  await done;
  assert.deepEqual(seen, ['progress 1', 'progress 2', 'request 2', 'progress 3', 'progress 4', 'ranking AbortError']);

  // Uncancelled: every run, then the result.
  const results = [];
  const whole = new Promise((resolve) => {
    scope.postMessage = (data) => { results.push(data); if (data.id === 3 && !data.progress) resolve(data); };
  });
  scope.dispatchEvent(new MessageEvent('message', { data: { id: 3, importance: request({ model: 'builtin-lens' }) } }));
  const answer = await whole;
  assert.equal(results.filter((d) => d.progress).length, 5, 'builtin-lens: 1 layer × 4 heads, and the run with every head on');
  assert.deepEqual([answer.result.layers, answer.result.heads, answer.result.increases.length], [1, 4, 4]);
});
