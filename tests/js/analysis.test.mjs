// The playground's computations (web/lib/analysis.mjs, web/lib/steps.mjs) against the core: cross-attention,
// the four steps redone in float64, and the latest-only scheduling that keeps typing responsive.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, headProjections, latestOnly, runOptions } from '../../web/lib/analysis.mjs';
import { summarizeHead } from '../../web/lib/head-patterns.mjs';
import { attentionSteps } from '../../web/lib/steps.mjs';
import { builds, fixtureFiles, maxAbs } from './helpers.mjs';

const attn = builds.simd;
const model = await attn.loadModel('builtin');
const defaults = { mask: 'trained', scaled: true, temperature: 1 };
const headOf = (attentions, config, n, m, layer, head) =>
  attentions.subarray((layer * config.heads + head) * n * m, (layer * config.heads + head + 1) * n * m);

test('runOptions: the mask choice maps to the causal override only when it differs from training', () => {
  assert.equal('causal' in runOptions(defaults), false);
  assert.equal(runOptions({ ...defaults, mask: 'causal' }).causal, true);
  assert.equal(runOptions({ ...defaults, mask: 'none' }).causal, false);
});

test('analyse: one sentence alone, or two with cross-attention of every head', () => {
  const alone = analyse(attn, model, { ...defaults, text: 'The cat sat', compare: '  ' });
  assert.equal(alone.compare, undefined);
  assert.equal(alone.main.n, 4);
  assert.deepEqual([...alone.main.special], [1, 0, 0, 0], 'the core says which token it added: [BOS]');
  // Each head's summary for the head grid, in the order of the attentions.
  assert.equal(alone.main.summaries.length, alone.config.layers * alone.config.heads);
  const { n } = alone.main;
  assert.deepEqual(alone.main.summaries[5], summarizeHead(headOf(alone.main.attentions, alone.config, n, n, 1, 1), n));
  const { config, main, compare, cross } = analyse(attn, model, { ...defaults, text: 'The bank by the river', compare: 'I deposited cash at the bank', temperature: 2 });
  assert.equal(cross.length, config.layers * config.heads * main.n * compare.n);
  const dk = config.dModel / config.heads;
  // Layer 1, head 3 by hand: softmax(q kᵀ / (√dk · T)) over the other sentence's keys, in float64.
  const { q } = headProjections(main, config, 1, 3), { k } = headProjections(compare, config, 1, 3);
  const got = headOf(cross, config, main.n, compare.n, 1, 3);
  for (let i = 0; i < main.n; i++) {
    const scores = Array.from({ length: compare.n }, (_, j) => {
      let s = 0;
      for (let c = 0; c < dk; c++) s += q[i * dk + c] * k[j * dk + c];
      return s / (Math.sqrt(dk) * 2);
    });
    const largest = Math.max(...scores), exps = scores.map((s) => Math.exp(s - largest));
    const total = exps.reduce((a, b) => a + b);
    for (let j = 0; j < compare.n; j++) assert.ok(Math.abs(got[i * compare.n + j] - exps[j] / total) < 1e-6);
  }
});

test('attentionSteps: float64 steps from the projections reproduce the core weights and head output', () => {
  for (const options of [defaults, { ...defaults, mask: 'causal' }, { ...defaults, scaled: false }, { ...defaults, temperature: 0.3 }]) {
    const { config, main } = analyse(attn, model, { ...options, text: 'The animal didn\'t cross the street', compare: '' });
    const causal = options.mask === 'causal';
    const dk = config.dModel / config.heads;
    for (const [layer, head, token] of [[0, 2, 3], [2, 1, main.n - 1], [1, 0, 0]]) {
      const steps = attentionSteps(main, config, { ...options, layer, head, token, causal });
      const core = headOf(main.attentions, config, main.n, main.n, layer, head).subarray(token * main.n, (token + 1) * main.n);
      assert.ok(maxAbs(core.map((w, j) => w - steps.rows[j].weight)) < 1e-6, JSON.stringify(options));
      assert.equal(steps.largestError, Math.max(...Array.from(core, (w, j) => Math.abs(w - steps.rows[j].weight))), 'the check the page shows');
      assert.equal(steps.rows[steps.strongest].weight, Math.max(...steps.rows.map((r) => r.weight)));
      assert.ok(Math.abs(steps.divisor - (options.scaled ? Math.sqrt(dk) : 1) * options.temperature) < 1e-12);
      if (causal) assert.ok(steps.rows.every((r, j) => r.visible === (j <= token)));
      // The weighted sum of values: the same as the core's attention output for that row.
      const { output } = attn.scaledDotProductAttention({
        ...headProjections(main, config, layer, head), n: main.n, m: main.n, dk, dv: dk, causal, scale: 1 / steps.divisor,
      });
      const row = output.subarray(token * dk, (token + 1) * dk);
      assert.ok(maxAbs(row.map((x, c) => x - steps.output[c])) < 1e-5);
    }
  }
});

test('latestOnly: while one computation runs, only the newest waiting request is computed', async () => {
  const computed = [];
  let release;
  const compute = latestOnly(async (request) => {
    computed.push(request);
    if (request === 1) await new Promise((resolve) => { release = resolve; });
    return request * 10;
  });
  const results = [1, 2, 3, 4].map((r) => compute(r));
  await new Promise((resolve) => setTimeout(resolve, 10));
  release();
  assert.deepEqual(await Promise.all(results), [10, null, null, 40]);
  assert.deepEqual(computed, [1, 4]);
  // A failure reaches its caller and does not stop the queue.
  const failing = latestOnly(async (request) => { if (request === 'bad') throw new Error('no'); return request; });
  await assert.rejects(failing('bad'), /no/);
  assert.equal(await failing('good'), 'good');
});

test('attentionSteps with the special tokens hidden: the shown weights are the views\' rescaled ones, and the totals', async () => {
  const { config, main } = analyse(attn, model, { ...defaults, text: 'The cat sat on the mat', compare: '' });
  const { chosenView, shownTokens } = await import('../../web/lib/selection.mjs');
  const state = { ...defaults, layer: 1, head: 2, token: 3, causal: false, hideBos: true };
  const steps = attentionSteps(main, config, state, shownTokens(main.n, main.special, true));
  assert.ok(Math.abs(steps.total.weight - 1) < 1e-12 && Math.abs(steps.total.shown - 1) < 1e-12);
  assert.equal(steps.rows[0].shown, null, '[BOS] is hidden');
  const view = chosenView({ config, main }, state);
  const row = view.weights.subarray(view.selected * view.columns.length, (view.selected + 1) * view.columns.length);
  assert.ok(maxAbs(Array.from(row, (w, c) => w - steps.rows[view.columnIndex[c]].shown)) < 1e-6, 'the steps show what the beams show');
  assert.equal(attentionSteps(main, config, state).rows[0].shown, steps.rows[0].weight, 'nothing hidden: shown is the weight');
});

test('step 5 from the core\'s trace: the head output is step 4\'s sum, the heads\' shares add up to the attention output, the residual adds it', async () => {
  const { traceHead } = await import('../../web/lib/analysis.mjs');
  const { residualStep } = await import('../../web/lib/steps.mjs');
  const request = { ...defaults, text: 'The animal didn\'t cross the street', compare: '' };
  const { config, main } = analyse(attn, model, request);
  const d = config.dModel, layer = 1, token = 4;
  const traces = Array.from({ length: config.heads }, (_, head) => traceHead(model, { ...request, trace: { layer, head } }).trace);
  for (let head = 0; head < config.heads; head++) {
    const steps = attentionSteps(main, config, { ...defaults, layer, head, token, causal: false });
    const step = residualStep(traces[head], config, token, steps.output);
    assert.ok(step.outputError < 1e-5, `head ${head}: the core's head output vs float64 steps: ${step.outputError}`);
    assert.ok(step.share > 0 && step.alignment <= 1 && step.change > 0);
  }
  // attentionOutput − Σ heads' contributions is W_O's bias: the same vector for every token.
  const bias = (i) => Array.from({ length: d }, (_, c) => traces[0].attentionOutput[i * d + c] - traces.reduce((s, t) => s + t.contribution[i * d + c], 0));
  assert.ok(maxAbs(bias(0).map((b, c) => b - bias(main.n - 1)[c])) < 1e-4);
  // The built-in models are pre-LayerNorm: after = before + attention output.
  const { residualBefore, residualAfter, attentionOutput } = traces[0];
  assert.ok(maxAbs(residualAfter.map((x, i) => x - residualBefore[i] - attentionOutput[i])) < 1e-4);
});

test('attentionSteps redoes the scores as each family makes them: grouped-query heads, head_dim, sliding windows, soft caps', async () => {
  // llama: 4 query heads on 2 key/value heads; qwen3: head_dim 12 of dModel 32; mistral: a window of 4; gemma2:
  // query_pre_attn_scalar and a soft cap, windows on alternate layers.
  for (const fixture of ['llama', 'qwen3', 'mistral', 'gemma2']) {
    const checkpoint = await attn.loadCheckpoint(await fixtureFiles(fixture));
    for (const options of [defaults, { ...defaults, temperature: 0.5 }, { ...defaults, scaled: false }]) {
      const { config, main } = analyse(attn, checkpoint, { ...options, text: 'The cat sat on the mat because it was tired', compare: '' });
      for (let layer = 0; layer < config.layers; layer++) {
        for (let head = 0; head < config.heads; head++) {
          const token = main.n - 1 - head;
          const steps = attentionSteps(main, config, { ...options, layer, head, token, causal: true });
          assert.equal(steps.kvHead, Math.floor(head / (config.heads / config.kvHeads)));
          assert.equal(steps.query.length, config.headDim);
          assert.ok(steps.largestError < 1e-5, `${fixture} ${JSON.stringify(options)} layer ${layer} head ${head}: ${steps.largestError}`);
          if (config.windows[layer]) assert.ok(steps.rows.some((r, j) => j <= token && !r.visible), `${fixture}: the window hides keys`);
        }
      }
    }
    checkpoint.dispose();
  }
});

test('the analyser\'s head summaries: rows a causal model reused keep their entropies, with the numbers of a fresh summary', async () => {
  const { createAnalyser } = await import('../../web/lib/analysis.mjs');
  const { headSummaries } = await import('../../web/lib/head-patterns.mjs');
  const request = { ...defaults, model: 'builtin-causal', compare: '', ablate: '', masked: '', part: 'attention' };
  // Typing at the end, an edit in the middle, a second sentence (its run is the core's last: the next text shares
  // a prefix with it, not with the one analysed), another temperature, heads off.
  const steps = [{ text: 'The cat sat' }, { text: 'The cat sat on' }, { text: 'The dog sat on' }, { text: 'The dog sat on', compare: 'A bird flew' },
    { text: 'A bird flew away' }, { text: 'A bird flew away', temperature: 2 }, { text: 'A bird flew away', ablate: '0.1' }, { text: 'A bird flew off' }];
  const analyser = createAnalyser(attn);
  for (const step of steps) {
    const { main, config } = await analyser({ ...request, ...step });
    assert.deepEqual(main.summaries, headSummaries(main.attentions, config.layers, config.heads, main.n), step.text);
  }
  // Which rows come from the memo: its entropies made NaN past [BOS] show where they are used.
  const causal = await attn.loadModel('builtin-causal');
  const memo = {};
  const poisoned = (text, extra = {}) => {
    for (let i = 0; i < memo.entropies.length; i++) if (i % memo.n > 0) memo.entropies[i] = NaN;
    return analyse(attn, causal, { ...request, text, ...extra }, undefined, memo).main.summaries.some((s) => Number.isNaN(s.entropy));
  };
  analyse(attn, causal, { ...request, text: 'The cat sat' }, undefined, memo);
  assert.equal(poisoned('The cat sat on'), true, 'typing at the end reuses the rows before');
  assert.equal(poisoned('The cat sat on', { compare: 'A bird flew' }), true);
  assert.equal(poisoned('A bird flew away'), false, 'the core reused the second sentence\'s rows, which the memo does not hold');
  assert.equal(poisoned('A bird flew away', { temperature: 2 }), false, 'other options');
  causal.dispose();
});
