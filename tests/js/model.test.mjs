// The built-in models through the JS API: tokens and offsets for any text, attention shapes and masks,
// errors that name their argument, and no leaks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { builds, maxAbs } from './helpers.mjs';

const attn = builds.simd;
const bidirectional = await attn.loadModel('builtin');
const causal = await attn.loadModel('builtin-causal');

const TEXTS = [
  'The cat sat on the mat.',
  'The animal didn\'t cross the street because it was too tired',
  '猫がマットの上に座った。',           // CJK
  'I 💜 emoji 🐈‍⬛ and flags 🇫🇷',       // surrogate pairs and joiners
  'שלום עולם, مرحبا بالعالم',           // right-to-left
  '  spaces\tand\nnewlines  ',
  '<img src=x onerror=alert(1)>',
  'lone \ud800 surrogate',             // not valid UTF-16, still a JS string
];

test('config describes the models', () => {
  for (const [model, isCausal] of [[bidirectional, false], [causal, true]]) {
    const { config } = model;
    assert.equal(config.causal, isCausal);
    assert.equal(config.layers, 3);
    assert.equal(config.heads, 4);
    assert.equal(config.dModel, 64);
    assert.equal(config.maxLength, 128);
    assert.ok(config.vocabSize >= 8192 && config.vocabSize <= 16384, String(config.vocabSize));
    assert.match(config.name, /^builtin-/);
  }
});

test('tokenize: the tokens, in order, spell the text exactly, with offsets that say where', () => {
  for (const text of TEXTS) {
    const { ids, tokens, offsets } = bidirectional.tokenize(text);
    assert.equal(tokens.join(''), text, text);
    assert.equal(ids.length, tokens.length);
    assert.equal(offsets.length, 2 * tokens.length);
    let position = 0;
    for (let i = 0; i < tokens.length; i++) {
      assert.equal(offsets[2 * i], position, `${text}: token ${i} starts where the previous ended`);
      assert.equal(text.slice(offsets[2 * i], offsets[2 * i + 1]), tokens[i]);
      position = offsets[2 * i + 1];
    }
    assert.equal(position, text.length);
  }
  assert.deepEqual(bidirectional.tokenize('').tokens, []);
});

test('run: [BOS] first, attentions (layers, heads, n, n) with rows summing to 1, causal ones lower-triangular', () => {
  for (const [model, isCausal] of [[bidirectional, false], [causal, true]]) {
    for (const text of TEXTS) {
      const { tokens, attentions, hidden, truncated } = model.run(text, { hidden: true });
      const n = tokens.length, { layers, heads, dModel } = model.config;
      assert.equal(tokens[0], '[BOS]');
      assert.equal(tokens.slice(1).join(''), text);
      assert.equal(attentions.length, layers * heads * n * n);
      assert.equal(hidden.length, (layers + 1) * n * dModel);
      assert.equal(truncated, false);
      for (let row = 0; row < layers * heads * n; row++) {
        let sum = 0;
        for (let j = 0; j < n; j++) {
          const w = attentions[row * n + j];
          sum += w;
          if (isCausal && j > row % n) assert.equal(w, 0);
        }
        assert.ok(Math.abs(sum - 1) < 1e-5, `row ${row} sums to ${sum}`);
      }
    }
  }
});

test('run: long text is refused by name, or cut to maxLength when asked', () => {
  const long = 'word '.repeat(300);
  assert.throws(() => bidirectional.run(long), { name: 'RangeError', message: /^text: \d+ tokens and 1 special token exceed this model's maxLength of 128/ });
  const cut = bidirectional.run(long, { truncate: true });
  assert.equal(cut.tokens.length, 128);
  assert.equal(cut.truncated, true);
  assert.equal(bidirectional.run('still works').tokens.length > 1, true);
});

test('run: projections, and what-if options that change only the mask and the scale', () => {
  const text = 'The bank by the river';
  const { config } = bidirectional, { layers, heads, dModel } = config, dk = dModel / heads;
  const base = bidirectional.run(text, { projections: true });
  const n = base.tokens.length;
  assert.equal(base.queries.length, layers * n * dModel);
  // Layer 0 sees the same input whatever the options, so its projections must not change.
  const options = [{ causal: true }, { scaled: false }, { temperature: 0.5 }, { causal: true, scaled: false, temperature: 4 }];
  for (const option of options) {
    const run = bidirectional.run(text, { projections: true, ...option });
    const scale = (option.scaled === false ? 1 : 1 / Math.sqrt(dk)) / (option.temperature ?? 1);
    assert.deepEqual(run.queries.subarray(0, n * dModel), base.queries.subarray(0, n * dModel));
    // Recompute layer 0's heads from its projections through the core's plain attention call.
    for (let h = 0; h < heads; h++) {
      const slice = (all) => Float32Array.from({ length: n * dk }, (_, i) => all[Math.floor(i / dk) * dModel + h * dk + (i % dk)]);
      const { weights } = attn.scaledDotProductAttention({
        q: slice(run.queries), k: slice(run.keys), v: slice(run.values), n, m: n, dk, dv: dk,
        causal: option.causal ?? false, scale,
      });
      const got = run.attentions.subarray(h * n * n, (h + 1) * n * n);
      assert.ok(maxAbs(got.map((w, i) => w - weights[i])) < 1e-6, JSON.stringify(option));
    }
  }
  const causalOff = causal.run(text, { causal: false });
  assert.ok(causalOff.attentions[1] > 0, 'the causal model without its mask lets [BOS] see the next token');
  assert.equal(base.textTokens, n - 1);
  const long = 'word '.repeat(300);
  assert.equal(bidirectional.run(long, { truncate: true }).textTokens, bidirectional.tokenize(long).tokens.length);
});

test('trace: one head\'s output is its weights times its values, and W_O\'s share of it joins the residual stream', () => {
  const text = 'The cat sat on the mat because it was tired';
  const { dModel, heads, layers } = bidirectional.config, dk = dModel / heads;
  for (let layer = 0; layer < layers; layer++) {
    const sums = [];
    for (let head = 0; head < heads; head++) {
      const run = bidirectional.run(text, { projections: true, trace: { layer, head } });
      const n = run.tokens.length, t = run.trace;
      assert.equal(t.headOutput.length, n * dk);
      // headOutput[i] = Σ_j w_ij v_j over the head's columns of layer `layer`'s values.
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < dk; c++) {
          let expected = 0;
          for (let j = 0; j < n; j++) expected += run.attentions[((layer * heads + head) * n + i) * n + j] * run.values[(layer * n + j) * dModel + head * dk + c];
          assert.ok(Math.abs(t.headOutput[i * dk + c] - expected) < 1e-5, `layer ${layer} head ${head} token ${i}`);
        }
      }
      sums.push(t.contribution);
      // Pre-LN: the stream after the block is the stream before plus the attention's output.
      for (let k = 0; k < n * dModel; k++) assert.ok(Math.abs(t.residualAfter[k] - t.residualBefore[k] - t.attentionOutput[k]) < 1e-5);
      if (head === heads - 1) {
        // The heads' shares add up to the attention's output less one bias, the same for every token.
        const n = run.tokens.length, bias = (c) => t.attentionOutput[c] - sums.reduce((s, x) => s + x[c], 0);
        for (let i = 1; i < n; i++) for (let c = 0; c < dModel; c++) {
          assert.ok(Math.abs(t.attentionOutput[i * dModel + c] - sums.reduce((s, x) => s + x[i * dModel + c], 0) - bias(c)) < 1e-5);
        }
      }
    }
  }
  assert.throws(() => bidirectional.run(text, { trace: { layer: 3, head: 0 } }), { name: 'RangeError', message: 'trace: layer 3, head 0 is not in this model\'s 3 layers of 4 heads' });
  assert.throws(() => bidirectional.run(text, { trace: { layer: 0 } }), { name: 'TypeError', message: 'trace.head: expected a positive integer, got undefined' });
  assert.throws(() => bidirectional.run(text, { trace: 2 }), { name: 'TypeError', message: /^trace: expected an object/ });
});

test('bad arguments throw errors that name them, and the models keep working', async () => {
  for (const [options, name, message] of [
    [{ temperature: 0 }, 'RangeError', 'temperature: expected a finite number above 0, got 0'],
    [{ temperature: -1 }, 'RangeError', 'temperature: expected a finite number above 0, got -1'],
    [{ temperature: NaN }, 'RangeError', 'temperature: expected a finite number above 0, got NaN'],
    [{ temperature: 1e300 }, 'RangeError', 'temperature: expected a finite number above 0, got 1e+300'],
    [{ temperature: '2' }, 'TypeError', 'temperature: expected a number above 0, got a string'],
    [{ causal: 1 }, 'TypeError', 'causal: expected true or false, got 1'],
    [{ scaled: 'no' }, 'TypeError', 'scaled: expected true or false, got a string'],
    ['hidden', 'TypeError', 'options: expected an object of named arguments, got a string'],
  ]) {
    assert.throws(() => bidirectional.run('a cat', options), { name, message });
  }
  assert.throws(() => bidirectional.run(42), { name: 'TypeError', message: 'text: expected a string, got 42' });
  assert.throws(() => bidirectional.tokenize(null), { name: 'TypeError', message: 'text: expected a string, got null' });
  await assert.rejects(attn.loadModel('gpt-2'), { name: 'RangeError', message: /^source: expected 'builtin'/ });
  for (const inherited of ['toString', 'constructor', '__proto__']) {
    await assert.rejects(attn.loadModel(inherited), { name: 'RangeError', message: /^source: expected 'builtin'/ }, `${inherited}: not a model, though every object has it`);
  }
  await assert.rejects(attn.loadModel(new Uint8Array([1, 2, 3])), { name: 'RangeError', message: /^model file: is not an attention-playground model/ });
  await assert.rejects(attn.loadModel([1, 2, 3]), { name: 'TypeError', message: /^bytes: expected a Uint8Array or ArrayBuffer/ });
  const bytes = readFileSync(new URL('../../dist/models/builtin-causal.attn', import.meta.url));
  await assert.rejects(attn.loadModel(new Uint8Array(bytes.subarray(0, bytes.length - 10))), { name: 'RangeError', message: /^model file: is truncated or corrupt: tensor tokenizer.merges needs data bytes/ });
  const copy = await attn.loadModel(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  assert.deepEqual(copy.run('a cat').attentions, causal.run('a cat').attentions);
  copy.dispose();
  assert.throws(() => copy.run('a cat'), { name: 'RangeError', message: /^model: it has been disposed of/ });
  assert.equal(causal.run('a cat').tokens.length, 3);
});

test('the SIMD and scalar builds give the same attentions within 1e-5', async () => {
  const scalar = await builds.scalar.loadModel('builtin');
  for (const text of TEXTS) {
    const a = bidirectional.run(text).attentions, b = scalar.run(text).attentions;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    assert.ok(worst < 1e-5, `${text}: ${worst}`);
    assert.ok(maxAbs(a) <= 1);
  }
  scalar.dispose();
});

test('loading, running and disposing leave the heap flat', async () => {
  const bytes = new Uint8Array(readFileSync(new URL('../../dist/models/builtin-bidirectional.attn', import.meta.url)));
  for (let i = 0; i < 3; i++) (await attn.loadModel(bytes)).dispose();  // warm-up
  const before = attn.heapStats();
  for (let i = 0; i < 20; i++) {
    const model = await attn.loadModel(bytes);
    for (const text of TEXTS) model.run(text, { hidden: true });
    assert.throws(() => model.run('x '.repeat(200)), RangeError);
    model.dispose();
  }
  const after = attn.heapStats();
  assert.equal(after.allocatedBytes, before.allocatedBytes);
  assert.equal(after.memoryBytes, before.memoryBytes);
});

test('the lens model: each hand-set head does exactly its one thing, at every length up to maxLength', async () => {
  const { summarizeHead } = await import('../../web/lib/head-patterns.mjs');
  const lens = await attn.loadModel('builtin-lens');
  assert.equal(lens.config.layers, 1);
  assert.deepEqual(lens.tokenize(TEXTS[0]).ids, bidirectional.tokenize(TEXTS[0]).ids, 'shares the tokenizer');
  const long = 'the cat sat on the mat and the dog ran after it '.repeat(40);
  for (const text of [...TEXTS, long]) {
    const { attentions, ids } = lens.run(text, { truncate: true });
    const n = ids.length;
    const head = (h) => summarizeHead(attentions.subarray(h * n * n, (h + 1) * n * n), n);
    const [previous, next, same, first] = [0, 1, 2, 3].map(head);
    assert.ok(previous.previous > 0.95, `${text}: previous ${previous.previous}`);
    // The last token has no next one: summarizeHead averages over n - 1 queries, of which n - 2 have one.
    if (n > 2) assert.ok(next.next > 0.95 * (n - 2) / (n - 1), `${text}: next ${next.next}`);
    assert.ok(first.first > 0.95, `${text}: first ${first.first}`);
    // The same-token head splits its weight over every copy of the token, so count those.
    let onCopies = 0;
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < n; j++) if (ids[j] === ids[i]) onCopies += attentions[2 * n * n + i * n + j];
    }
    assert.ok(onCopies / (n - 1) > 0.9, `${text}: same token ${onCopies / (n - 1)}`);
  }
  lens.dispose();
});
