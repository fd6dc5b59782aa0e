// What the model predicts and what switching heads off changes, through the JS API: run(text, { predict, targets,
// ablate }) on both builds against the PyTorch references of tools/fixtures/make_*_fixtures.py (every checkpoint
// family with its output head), on the built-in models, and with every kind of bad value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builds, fixtureFiles, fixtureReference } from './helpers.mjs';

// The fixtures whose reference has predictions: each family with a head, in float32 and 16-bit.
const WITH_HEAD = ['bert-mlm', 'distilbert-mlm', 'gpt2', 'gpt2-bf16', 'roberta', 'roberta-bf16', 'llama', 'llama-f16',
  'llama-linear', 'mistral', 'qwen2', 'qwen3', 'gemma', 'gemma2', 'gemma2-f16', 'gpt_neox', 'gpt_neox-sequential'];

// Each position's softmax over the reference logits (n, V), in float64.
function softmaxRows(logits, n) {
  const V = logits.length / n;
  return Array.from({ length: n }, (_, i) => {
    const row = logits.slice(i * V, (i + 1) * V), top = Math.max(...row);
    const exps = row.map((x) => Math.exp(x - top)), sum = exps.reduce((a, b) => a + b, 0);
    return exps.map((e) => e / sum);
  });
}

const layerSize = (run, config) => run.attentions.length / config.layers;
const maxDifference = (a, b) => a.reduce((worst, x, i) => Math.max(worst, Math.abs(x - b[i])), 0);

for (const [build, attn] of Object.entries(builds)) {
  test(`${build}: predictions and ablated runs of every checkpoint family agree with PyTorch`, async (t) => {
    let worstProb = 0, worstAblated = 0;
    for (const name of WITH_HEAD) {
      const model = await attn.loadCheckpoint(await fixtureFiles(name));
      const reference = (await fixtureReference(name)).predictions;
      assert.equal(model.config.canPredict, true, name);
      const k = 5, n = reference.ids.length;
      const run = model.run(reference.text, { predict: k });
      assert.deepEqual([...run.ids], reference.ids, name);
      const { predictions: p } = run;
      assert.equal(p.k, k);
      assert.ok(p.ids instanceof Int32Array && p.probs instanceof Float32Array && p.ids.length === n * k, name);
      assert.equal(p.tokens.length, n * k);
      const probs = softmaxRows(reference.logits, n);
      for (let i = 0; i < n; i++) {
        const best = [...probs[i]].sort((a, b) => b - a);
        for (let r = 0; r < k; r++) {
          worstProb = Math.max(worstProb, Math.abs(p.probs[i * k + r] - probs[i][p.ids[i * k + r]]));
          if (r) assert.ok(p.probs[i * k + r] <= p.probs[i * k + r - 1], `${name}: sorted`);
        }
        assert.ok(p.probs[i * k + k - 1] >= best[k - 1] - 1e-5, `${name}: position ${i} left out a better token`);
      }
      // The same with two heads switched off: layer 0 exactly as before, layer 1 as PyTorch has it.
      const ablated = model.run(reference.text, { predict: k, ablate: reference.ablate });
      const layer = layerSize(run, model.config);
      assert.deepEqual(ablated.attentions.subarray(0, layer), run.attentions.subarray(0, layer), `${name}: layer 0 unchanged`);
      assert.notDeepEqual(ablated.attentions.subarray(layer), run.attentions.subarray(layer), `${name}: layer 1 changed`);
      worstAblated = Math.max(worstAblated, maxDifference(ablated.attentions, reference.ablatedAttentions));
      const ablatedProbs = softmaxRows(reference.ablatedLogits, n);
      for (let i = 0; i < n * k; i++) {
        worstProb = Math.max(worstProb, Math.abs(ablated.predictions.probs[i] - ablatedProbs[Math.floor(i / k)][ablated.predictions.ids[i]]));
      }
      model.dispose();
    }
    t.diagnostic(`largest probability error ${worstProb.toExponential(2)}, ablated attention error ${worstAblated.toExponential(2)}`);
    assert.ok(worstProb < 1e-5, `probabilities: ${worstProb}`);
    assert.ok(worstAblated < 1e-5, `ablated attentions: ${worstAblated}`);
  });
}

const attn = builds.simd;

test('the built-in models predict: the masked LM its own tokens, the causal model the next one, with their loss', async () => {
  for (const name of ['builtin-bidirectional', 'builtin-causal']) {
    const model = await attn.loadModel(name);
    assert.equal(model.config.canPredict, true);
    const text = 'The cat sat on the mat because it was tired.';
    const { ids, predictions: p } = model.run(text, { predict: 3 });
    const n = ids.length;
    assert.deepEqual([p.ids.length, p.probs.length, p.tokens.length, p.targets.length, p.targetProbs.length], [3 * n, 3 * n, 3 * n, n, n]);
    for (const prob of p.probs) assert.ok(prob > 0 && prob <= 1);
    for (let i = 0; i < n; i++) assert.ok(p.probs[3 * i] + p.probs[3 * i + 1] + p.probs[3 * i + 2] <= 1 + 1e-6);
    // Default targets: the next token (causal) or the token itself at each text position (masked LM).
    const expected = model.config.causal ? [...ids.slice(1), -1] : [...ids].map((id, i) => (i === 0 ? -1 : id));
    assert.deepEqual([...p.targets], expected, name);
    const judged = [...p.targetProbs].filter((x) => !Number.isNaN(x));
    assert.equal(judged.length, n - 1);
    const loss = judged.reduce((sum, x) => sum - Math.log(x), 0) / judged.length;
    assert.ok(Math.abs(p.loss - loss) < 1e-4 * Math.max(1, loss), `${name}: loss ${p.loss} vs ${loss}`);
    // A token of the vocabulary shows as the text it stands for.
    const top = model.tokenize(' cat');
    assert.ok(p.tokens.every((token) => typeof token === 'string'));
    assert.equal(typeof top.tokens[0], 'string');
    // Targets of one's own: the probability of 'cat' after 'The'.
    const targets = new Int32Array(n).fill(-1);
    targets[1] = ids[2];
    const own = model.run(text, { predict: 1, targets });
    assert.deepEqual([...own.predictions.targets], [...targets]);
    assert.ok(Number.isNaN(own.predictions.targetProbs[0]) && own.predictions.targetProbs[1] > 0);
    assert.ok(Math.abs(own.predictions.loss + Math.log(own.predictions.targetProbs[1])) < 1e-5);
    model.dispose();
  }
});

test('switching heads off changes later layers and the predictions, never earlier layers', async () => {
  const model = await attn.loadModel('builtin');
  const { layers, heads } = model.config;
  const text = 'The cat sat on the mat.';
  const plain = model.run(text, { predict: 5 });
  const layer = layerSize(plain, model.config);
  for (let l = 0; l < layers; l++) {
    const run = model.run(text, { predict: 5, ablate: [[l, 0], [l, heads - 1]] });
    assert.deepEqual(run.attentions.subarray(0, (l + 1) * layer), plain.attentions.subarray(0, (l + 1) * layer), `layers up to ${l}`);
    if (l + 1 < layers) assert.notDeepEqual(run.attentions.subarray((l + 1) * layer), plain.attentions.subarray((l + 1) * layer));
    assert.notDeepEqual(run.predictions.probs, plain.predictions.probs, `ablating layer ${l} changes the predictions`);
  }
  // Every head off: the attention blocks add only their bias; the model still runs.
  const all = [];
  for (let l = 0; l < layers; l++) for (let h = 0; h < heads; h++) all.push([l, h]);
  assert.equal(model.run(text, { predict: 1, ablate: all }).predictions.k, 1);
  // An empty list is no ablation.
  assert.deepEqual(model.run(text, { predict: 5, ablate: [] }).predictions, plain.predictions);
  model.dispose();
});

test('bad predict, targets and ablate values name themselves, and the heap stays flat', async () => {
  const model = await attn.loadModel('builtin');
  const n = model.run('the cat').ids.length;
  const heads = model.config.heads, layers = model.config.layers;
  model.run('the cat', { predict: 5, ablate: [[0, 0]] });  // warm-up
  const before = attn.heapStats().allocatedBytes;
  const cases = [
    [{ predict: 101 }, /^RangeError: predict: /],
    [{ predict: 2.5 }, /^RangeError: predict: expected a positive integer, got 2\.5$/],
    [{ predict: '5' }, /^TypeError: predict: expected a positive integer, got a string$/],
    [{ targets: new Int32Array(n) }, /^TypeError: targets: they score predictions; pass predict: k as well$/],
    [{ predict: 1, targets: [1, 2, 3] }, /^TypeError: targets: expected an Int32Array or null, got an Array$/],
    [{ predict: 1, targets: new Int32Array(n + 1) }, /^RangeError: targets: /],
    [{ predict: 1, targets: new Int32Array(n).fill(1e6) }, new RegExp(`^RangeError: targets: element 0 is 1000000; expected -1 or a token below ${model.config.vocabSize}$`)],
    [{ ablate: [[layers, 0]] }, /^RangeError: ablate\[0\]: \[3, 0\] is not in this model/],
    [{ ablate: [[0, 0], [0, heads]] }, /^RangeError: ablate\[1\]: \[0, 4\] is not in this model/],
    [{ ablate: [[0, 1], [1, 2], [0, 1]] }, /^RangeError: ablate\[2\]: \[0, 1\] is given twice/],
    [{ ablate: [0, 1] }, /^TypeError: ablate\[0\]: expected a \[layer, head\] pair such as \[0, 1\], got 0$/],
    [{ ablate: [[0]] }, /^RangeError: ablate\[0\]: expected a \[layer, head\] pair of 2 numbers, got 1$/],
    [{ ablate: [[0, -1]] }, /^RangeError: ablate\[0\]\[1\]: expected a positive integer, got -1$/],
    [{ ablate: { 0: [0, 0], length: 1 } }, /^TypeError: ablate: expected an Array of \[layer, head\] pairs, got an Object$/],
    [{ ablate: [[0, 0]], get predict() { throw new Error('getter says no'); } }, /^Error: getter says no$/],
  ];
  for (const [i, [options, message]] of cases.entries()) {
    assert.throws(() => model.run('the cat', options), (error) => {
      assert.match(`${error.name}: ${error.message}`, message);
      return true;
    });
    assert.equal(attn.heapStats().allocatedBytes, before, `heap after case ${i}`);
  }
  // A getter on a pair runs before anything enters wasm, once.
  let reads = 0;
  const pair = [0, 0];
  Object.defineProperty(pair, 1, { get() { reads++; return 1; } });
  model.run('the cat', { ablate: [pair] });
  assert.equal(reads, 1);
  assert.equal(model.run('the cat', { predict: 2 }).predictions.k, 2);
  model.dispose();
});

test('a checkpoint without its output head says so before anyone asks, and predict names what is missing', async () => {
  const bert = await attn.loadCheckpoint(await fixtureFiles('bert'));
  assert.equal(bert.config.canPredict, false);
  assert.throws(() => bert.run('the cat', { predict: 5 }), {
    name: 'RangeError', message: /^predict: model\.safetensors has no cls\.predictions\.transform\.dense\.bias, .*\(the language-model head\)$/,
  });
  assert.equal(bert.run('the cat', { ablate: [[0, 1]] }).attentions.length > 0, true);  // ablation needs no head
  bert.dispose();
  const files = await fixtureFiles('gpt2');
  const config = JSON.parse(await files['config.json'].text());
  const gpt2 = await attn.loadCheckpoint({ ...files, 'config.json': JSON.stringify({ ...config, architectures: ['GPT2Model'] }) });
  assert.equal(gpt2.config.canPredict, false);
  assert.throws(() => gpt2.run('the cat', { predict: 1 }), { message: 'predict: config.json: GPT2Model is a model without its language-model head' });
  gpt2.dispose();
});

test('a typed mask token is that token: config.maskToken, the built-in models, vocab.txt and vocab.json', async () => {
  const attn = builds.simd;
  const builtin = await attn.loadModel('builtin');
  assert.equal(builtin.config.maskToken, '[MASK]');
  const run = builtin.run('the [MASK] sat on the mat', { predict: 5 });
  const at = run.tokens.indexOf('[MASK]');
  assert.ok(at > 0, `tokens: ${run.tokens.join('|')}`);
  // It takes the space before it, as the model was trained (a mask in place of " cat"); no lone space token.
  assert.deepEqual([run.offsets[2 * at], run.offsets[2 * at + 1]], [3, 10]);
  assert.equal(run.tokens[at - 1].trim(), 'the');
  assert.equal(run.special[at], 0, 'typed, not added around the text');
  assert.equal(run.predictions.targets[at], -1, 'the word it hides is not in the text');
  assert.equal(run.ids[at], builtin.run('[MASK]').ids[1]);
  builtin.dispose();
  const causal = await attn.loadModel('builtin-causal');
  assert.equal(causal.config.maskToken, null);
  causal.dispose();

  const bert = await attn.loadCheckpoint(await fixtureFiles('bert-mlm'));
  assert.equal(bert.config.maskToken, '[MASK]');
  const b = bert.run('hello [MASK] world');
  assert.equal(b.tokens[2], '[MASK]');
  assert.equal(b.ids[2], 4, 'vocab.txt line 5');
  bert.dispose();
  // RoBERTa's <mask> (here in place of the fixture's <pad>) takes the spaces before it.
  const files = await fixtureFiles('roberta');
  files['vocab.json'] = (await files['vocab.json'].text()).replace('"<pad>"', '"<mask>"');
  const roberta = await attn.loadCheckpoint(files);
  assert.equal(roberta.config.maskToken, '<mask>');
  const r = roberta.run('a  <mask> b');
  assert.equal(r.tokens[2], '<mask>');
  assert.deepEqual([r.ids[2], r.offsets[4], r.offsets[5]], [378, 1, 9]);
  roberta.dispose();
  const gpt2 = await attn.loadCheckpoint(await fixtureFiles('gpt2'));
  assert.equal(gpt2.config.maskToken, null);
  assert.equal(gpt2.run('a<|endoftext|>b').ids[2], 376, 'typed <|endoftext|> is the token');
  gpt2.dispose();
});
