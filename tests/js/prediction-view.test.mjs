// What the Predictions view and the head switches show, computed without a browser: each position's target
// (web/lib/predictions.mjs's scoring), the KL divergence's lower bound from two top-k lists, the analysis of a
// request with heads off (web/lib/analysis.mjs), and the view's words (web/lib/prediction-text.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, createAnalyser, traceHead } from '../../web/lib/analysis.mjs';
import { formatMasked } from '../../web/lib/masking.mjs';
import { describeShift, maskAction, percent, positionRole } from '../../web/lib/prediction-text.mjs';
import { COMPARED, SHOWN, displayPiece, predictionShift, scoring, topPredictions } from '../../web/lib/predictions.mjs';
import { defaultState } from '../../web/lib/state.mjs';
import { computeRequest, display } from '../../web/lib/view-rules.mjs';
import { builds, fixtureFiles, randomFloats } from './helpers.mjs';

const attn = builds.simd;

// A masked LM of words: each word (with its space) one token, '[MASK]' one token, [CLS] … [SEP] around the text.
function wordModel({ maxLength = 64, maskToken = '[MASK]', causal = false } = {}) {
  const ids = new Map();
  const idOf = (word) => (ids.has(word) ? ids.get(word) : ids.set(word, ids.size + 10).get(word));
  return {
    config: { name: 'words', causal, maxLength, maskToken, layers: 1, heads: 1 },
    tokenize(text) {
      const found = [...text.matchAll(/\[MASK\]| ?[^\s[]+/g)];
      return {
        ids: Int32Array.from(found, (m) => idOf(m[0])), tokens: found.map((m) => m[0]),
        offsets: Int32Array.from(found.flatMap((m) => [m.index, m.index + m[0].length])),
      };
    },
    run: () => ({ special: Uint8Array.from([1, 0, 1]) }),  // [CLS] a [SEP]
    idOf,
  };
}

test('what each position is scored against: the words the Mask button replaced, else every token itself', () => {
  const model = wordModel();
  const text = 'The[MASK] sat [MASK] here';
  const masked = formatMasked([{ offset: 3, text: ' cat' }]);
  const one = scoring(model, text, masked);
  // [CLS] The [MASK] ·sat [MASK] ·here [SEP] (this tokenizer drops a space before a mask).
  assert.deepEqual(Array.from(one.targets), [-1, -1, model.idOf(' cat'), -1, -1, -1, -1]);
  assert.deepEqual(one.masks, [{ position: 2, word: ' cat' }, { position: 4, word: null }]);
  assert.equal(one.what, 'the masked position, against the word that was there');
  // Masks typed by hand only: every other position against its own token.
  const typed = scoring(model, text, '');
  assert.deepEqual(Array.from(typed.targets), [-1, model.idOf('The'), -1, model.idOf(' sat'), -1, model.idOf(' here'), -1]);
  assert.equal(typed.what, 'every position but the masks, against its own token');
  // A remembered word at an offset that holds no mask is not a target.
  assert.deepEqual(scoring(model, 'The cat [MASK]', formatMasked([{ offset: 3, text: ' dog' }])).masks, [{ position: 3, word: null }]);
  // No mask: the API's defaults; a causal model: the next token; a model without a mask token: the defaults.
  assert.deepEqual(scoring(model, 'The cat', ''), { targets: null, masks: [], what: 'every position, against its own token' });
  assert.equal(scoring(wordModel({ causal: true }), text, masked).what, 'each next token');
  assert.equal(scoring(wordModel({ maskToken: null }), text, masked).targets, null);
  // Cut as run({ truncate: true }) cuts: [CLS], maxLength − 2 tokens, [SEP].
  const cut = scoring(wordModel({ maxLength: 4 }), text, masked);
  assert.equal(cut.targets.length, 4);
  assert.deepEqual(cut.masks, [{ position: 2, word: ' cat' }]);
});

// A top-k list of a distribution `probs` over the vocabulary: { k, ids, probs } (one position).
const topK = (probs, k) => {
  const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]).slice(0, k);
  return { k, ids: Int32Array.from(order), probs: Float64Array.from(order, (i) => probs[i]) };
};
const distribution = (seed, V, sharpness) => {
  const logits = randomFloats(V, seed, sharpness);
  const exps = Array.from(logits, Math.exp), sum = exps.reduce((a, b) => a + b);
  return exps.map((e) => e / sum);
};
const exactKl = (p, q) => p.reduce((sum, x, i) => sum + (x > 0 ? x * Math.log(x / q[i]) : 0), 0);

test('the KL divergence from two top-k lists is a lower bound, exact when the lists hold the whole vocabulary', () => {
  let closest = Infinity;
  for (let seed = 1; seed <= 40; seed++) {
    const V = 60, p = distribution(seed, V, 4), q = distribution(seed + 100, V, 4);
    const exact = exactKl(p, q);
    const whole = predictionShift(topK(p, V), topK(q, V), 1);
    assert.ok(Math.abs(whole.kl[0] - exact) < 1e-9 * Math.max(1, exact), `seed ${seed}: ${whole.kl[0]} vs ${exact}`);
    assert.ok(Math.abs(whole.rest[0]) < 1e-9);
    for (const k of [1, 5, 20]) {
      const part = predictionShift(topK(p, k), topK(q, k), 1);
      assert.ok(part.kl[0] <= exact + 1e-12, `seed ${seed}, k ${k}: ${part.kl[0]} > ${exact}`);
      closest = Math.min(closest, exact - part.kl[0]);
      const top = topK(p, 1).ids[0], inQ = topK(q, k).ids.includes(top);
      assert.equal(Number.isNaN(part.topAfter[0]), !inQ);
      if (inQ) assert.equal(part.topAfter[0], Math.fround(q[top]));
      else assert.ok(q[top] <= part.floor[0]);
    }
  }
  assert.ok(closest >= 0);
  const same = distribution(7, 30, 3);
  assert.equal(predictionShift(topK(same, 5), topK(same, 5), 1).kl[0], 0);
});

test('pieces show as tokens do: a leading space as ·, a piece of a character as …', () => {
  assert.deepEqual([' the', 'ing', '\uFFFD', 'é\uFFFD\uFFFD', '\uFFFD\uFFFDx', '\n'].map(displayPiece), ['·the', 'ing', '…', 'é…', '…x', '⏎']);
  assert.deepEqual([1, 0.5, 0.0123, 0.00042, 0.00000042, 0].map(percent).map((text) => text.replaceAll('\u00a0', ' ')),
    ['100.0 %', '50.0 %', '1.2 %', '0.04 %', '< 0.01 %', '0 %'], 'with no-break spaces');
});

test('a request with heads off: the later layers and the predictions change, the earlier layers are the same bits', async () => {
  const model = await attn.loadModel('builtin');
  const state = { ...defaultState(), text: 'The cat sat on the mat because it was tired' };
  const plain = analyse(attn, model, computeRequest(state));
  assert.equal(plain.ablated, '');
  assert.equal(plain.main.predictions.k, SHOWN);
  assert.equal(plain.main.predictions.before, undefined);
  const off = analyse(attn, model, computeRequest({ ...state, ablate: '1.2 7.7' }));
  assert.equal(off.ablated, '1.2', 'the heads the model has');
  const layer = plain.main.n * plain.main.n * model.config.heads;
  assert.deepEqual(off.main.attentions.subarray(0, 2 * layer), plain.main.attentions.subarray(0, 2 * layer), 'layers 0 and 1');
  assert.notDeepEqual(off.main.attentions.subarray(2 * layer), plain.main.attentions.subarray(2 * layer), 'layer 2');
  // The run without heads off, asked for COMPARED tokens, begins with the plain run's SHOWN.
  const { before, shift } = off.main.predictions;
  assert.deepEqual([before.ids, before.probs, before.loss], [plain.main.predictions.ids, plain.main.predictions.probs, plain.main.predictions.loss]);
  assert.notDeepEqual(off.main.predictions.probs, plain.main.predictions.probs);
  assert.ok(shift.kl.every((x) => x >= 0 && Number.isFinite(x)) && shift.kl.some((x) => x > 0));
  assert.ok(shift.shared.every((s) => s > 0 && s <= COMPARED));
  // The view's words: the top token before → after, the bound.
  const labels = off.main.tokens.map(display);
  const said = describeShift(off, 3);
  assert.match(said.top, /^the top prediction, “[^”]+”, [\d.]+\u00a0% → [\d.]+\u00a0%/);
  assert.match(said.klText, /^KL\(before ‖ after\) ≥ \d\.\d{3} nats at this position\.$/);
  assert.equal(describeShift(plain, 3), null);
  const role = positionRole(off, 3, labels);
  assert.equal(role.heading, `At “${labels[3]}” (token 3), which the model can see`);
  // A hint to mask the token only where the model names its mask token (the Mask button needs it).
  const hint = (maskToken) => positionRole({ ...off, config: { ...off.config, maskToken } }, 3, labels).target;
  assert.match(hint('[MASK]'), /which makes it easy: mask it to make the model guess\.$/);
  assert.match(hint(null), /which makes it easy: this model names no mask token, so it cannot be asked to guess it\.$/);
  assert.equal(maskAction({ ...off, config: { ...off.config, maskToken: null } }, 3, { masked: '' }), null, 'and no Mask button');
  assert.deepEqual(maskAction({ ...off, config: { ...off.config, maskToken: '[MASK]' } }, 3, { masked: '' }),
    { kind: 'mask', span: [off.main.offsets[6], off.main.offsets[7]] });
  assert.match(role.loss, new RegExp(`^Loss over the text: ${off.main.predictions.loss.toFixed(3)} nats \\(${plain.main.predictions.loss.toFixed(3)} with every head on\\)`));
  // Step 5 of a head switched off: it adds nothing.
  const trace = traceHead(model, { ...computeRequest({ ...state, ablate: '0.1' }), trace: { layer: 0, head: 1 } }).trace;
  assert.ok(trace.contribution.every((x) => x === 0) && trace.headOutput.every((x) => x === 0));
  model.dispose();
});

test('a causal model predicts the next token; its last position has none to be scored against', async () => {
  const model = await attn.loadModel('builtin-causal');
  const result = analyse(attn, model, computeRequest({ ...defaultState(), model: 'builtin-causal', text: 'The cat sat' }));
  const labels = result.main.tokens.map(display), last = result.main.n - 1;
  assert.deepEqual(result.main.predictions.targetTexts, [...result.main.tokens.slice(1), '']);
  const role = positionRole(result, 1, labels);
  assert.equal(role.heading, 'Next token after “The” (token 1)');
  assert.match(role.target, /^The next token in the text, “·cat”: [\d.]+\u00a0% \(loss −ln p = \d+\.\d\d nats\)\.$/);
  assert.equal(positionRole(result, last, labels).target, 'The text ends here: there is no next token to score this guess against.');
  assert.equal(maskAction(result, 1, { masked: '' }), null, 'a causal model has nothing to mask');
  model.dispose();
});

test('switching other heads off runs the plain text once, not again per switch', async () => {
  const real = await attn.loadModel('builtin');
  let runs = 0;
  const counted = { config: real.config, tokenize: (t) => real.tokenize(t), run: (...args) => { runs++; return real.run(...args); }, dispose: () => real.dispose() };
  const analyser = createAnalyser(attn);
  await analyser.add('counted', counted);
  const request = { ...computeRequest({ ...defaultState(), text: 'The cat sat' }), model: 'counted' };
  await analyser({ ...request, ablate: '0.1' });
  assert.equal(runs, 2, 'the text with the head off, and without');
  await analyser({ ...request, ablate: '0.1 2.3' });
  await analyser({ ...request, ablate: '2.3' });
  assert.equal(runs, 4, 'then one run per switch');
  await analyser({ ...request, text: 'The cat sat down', ablate: '2.3' });
  assert.equal(runs, 6, 'a new text: both again');
  await analyser.add('counted', counted);  // (the same object: not disposed of twice)
});

test('a checkpoint without its output head: no predictions, and why (the missing tensors)', async () => {
  const bert = await attn.loadCheckpoint(await fixtureFiles('bert'));
  const result = analyse(attn, bert, computeRequest({ ...defaultState(), text: 'the cat sat', ablate: '1.2' }));
  assert.equal(result.main.predictions, undefined);
  assert.match(result.main.noPredictions, /^model\.safetensors has no cls\.predictions\.transform\.dense\.bias, .*\(the language-model head\)$/);
  assert.equal(result.ablated, '1.2', 'its heads still switch off');
  bert.dispose();
});

test('topPredictions keeps the first k of each position', () => {
  const p = { k: 3, ids: Int32Array.from([1, 2, 3, 4, 5, 6]), tokens: ['a', 'b', 'c', 'd', 'e', 'f'], probs: Float32Array.from([0.5, 0.2, 0.1, 0.6, 0.3, 0.05]),
    targets: Int32Array.from([1, -1]), targetProbs: Float32Array.from([0.5, NaN]), loss: 0.69 };
  const top = topPredictions(p, 2, 2);
  assert.deepEqual([top.k, Array.from(top.ids), top.tokens, Array.from(top.probs)], [2, [1, 2, 4, 5], ['a', 'b', 'd', 'e'], Array.from(Float32Array.from([0.5, 0.2, 0.6, 0.3]))]);
  assert.equal(top.loss, 0.69);
});
