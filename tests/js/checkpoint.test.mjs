// Hugging Face checkpoints through the JS API (attn.loadCheckpoint): the tiny fixtures of
// tools/fixtures/make_checkpoint_fixtures.py against their PyTorch reference on both builds, errors that name the file,
// nothing left behind in the wasm heap, and a checkpoint of GPT-2's real size (124M parameters).
import assert from 'node:assert/strict';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gpt2Shapes, parameterCount, shardSafetensors, writeHalfSafetensors } from '../../tools/fixtures/synthetic-checkpoint.mjs';
import { builds, fixtureFiles, fixtureReference, relativeError } from './helpers.mjs';

const MODELS = ['bert', 'distilbert', 'gpt2', 'gpt2-bf16'];

for (const [build, attn] of Object.entries(builds)) {
  test(`${build}: BERT, DistilBERT (float16) and GPT-2 (float32, bfloat16) checkpoints agree with PyTorch within 1e-4`, async (t) => {
    for (const model of MODELS) {
      const loaded = await attn.loadCheckpoint(await fixtureFiles(model));
      const reference = await fixtureReference(model);
      let worst = 0;
      for (const c of reference.cases) {
        const out = loaded.run(c.text, { hidden: true, projections: true });
        assert.deepEqual([...out.ids], c.ids, `${model}: ids of ${c.text}`);
        const { layers, heads, dModel } = loaded.config;
        assert.equal(out.attentions.length, layers * heads * c.ids.length ** 2);
        assert.equal(out.queries.length, layers * c.ids.length * dModel);
        const error = Math.max(relativeError(out.attentions, c.attentions), relativeError(out.hidden, c.hidden));
        assert.ok(error < 1e-4, `${model}: ${c.text}: relative error ${error}`);
        worst = Math.max(worst, error);
      }
      for (const c of reference.tokenize) assert.deepEqual([...loaded.tokenize(c.text).ids], c.ids, `${model}: ${c.text}`);
      t.diagnostic(`${model}: largest relative error ${worst.toExponential(2)}`);
      loaded.dispose();
    }
  });
}

const MODERN = ['llama', 'llama-linear', 'mistral', 'qwen2', 'qwen3', 'gemma', 'gemma2', 'gpt_neox', 'gpt_neox-sequential', 'roberta']
  .flatMap((family) => [family, `${family}-f16`, `${family}-bf16`]);

for (const [build, attn] of Object.entries(builds)) {
  test(`${build}: Llama, Mistral, Qwen 2/3, Gemma 1/2, GPT-NeoX and RoBERTa checkpoints (F32, F16, BF16) agree with PyTorch`, async (t) => {
    let worstAttention = 0, worstHidden = 0;
    for (const model of MODERN) {
      const loaded = await attn.loadCheckpoint(await fixtureFiles(model));
      const { config } = loaded;
      for (const c of (await fixtureReference(model)).cases) {
        const out = loaded.run(c.text, { hidden: true, projections: true });
        assert.deepEqual([...out.ids], c.ids, `${model}: ids of ${c.text}`);
        const n = c.ids.length;
        assert.equal(out.attentions.length, config.layers * config.heads * n * n);
        assert.equal(out.queries.length, config.layers * n * config.heads * config.headDim);
        assert.equal(out.keys.length, config.layers * n * config.kvHeads * config.headDim);
        let attention = 0;
        for (let i = 0; i < c.attentions.length; i++) attention = Math.max(attention, Math.abs(out.attentions[i] - c.attentions[i]));
        const hidden = relativeError(out.hidden, c.hidden);
        assert.ok(attention < 1e-5 && hidden < 1e-4, `${model}: ${c.text}: attentions ${attention}, hidden ${hidden}`);
        worstAttention = Math.max(worstAttention, attention), worstHidden = Math.max(worstHidden, hidden);
      }
      loaded.dispose();
    }
    t.diagnostic(`${MODERN.length} checkpoints: largest attention error ${worstAttention.toExponential(2)}, hidden ${worstHidden.toExponential(2)} relative`);
  });
}

test('config says each family, its key/value heads, head size and rotary positions', async () => {
  const attn = builds.simd;
  for (const [model, family, kvHeads, headDim, rotary] of [['gpt2', 'gpt2', 4, 8, false], ['llama', 'llama', 2, 8, true],
    ['qwen3', 'qwen3', 2, 12, true], ['gemma', 'gemma', 1, 16, true], ['gpt_neox', 'gpt_neox', 2, 16, true], ['roberta', 'roberta', 4, 8, false]]) {
    const loaded = await attn.loadCheckpoint(await fixtureFiles(model));
    assert.deepEqual([loaded.config.family, loaded.config.kvHeads, loaded.config.headDim, loaded.config.rotary], [family, kvHeads, headDim, rotary], model);
    loaded.dispose();
  }
  const builtin = await attn.loadModel('builtin');
  assert.deepEqual([builtin.config.family, builtin.config.kvHeads, builtin.config.headDim, builtin.config.rotary], ['builtin', 4, 16, false]);
  builtin.dispose();
});

test('tokens show as the model names them: WordPieces, byte-level text, special tokens', async () => {
  const attn = builds.simd;
  const bert = await attn.loadCheckpoint(await fixtureFiles('bert'));
  const run = bert.run('Unbelievable, naïve!');
  assert.deepEqual(run.tokens, ['[CLS]', 'un', '##believ', '##able', ',', 'na', '##ive', '!', '[SEP]']);
  assert.deepEqual([...run.offsets.slice(2, 8)], [0, 2, 2, 8, 8, 12]);  // UTF-16 offsets into the original text
  assert.equal(bert.config.name, 'BertForMaskedLM');
  assert.equal(bert.config.causal, false);
  const gpt2 = await attn.loadCheckpoint(await fixtureFiles('gpt2'));
  const tokens = gpt2.run('The cat 🐈').tokens;
  assert.equal(tokens[0], '<|endoftext|>');
  assert.equal(tokens.slice(1).join(''), 'The cat 🐈');
  assert.equal(gpt2.config.causal, true);
  bert.dispose();
  gpt2.dispose();
});

test('a missing or broken file gives an Error naming it, and the module keeps working', async () => {
  const attn = builds.simd;
  const bert = await fixtureFiles('bert'), gpt2 = await fixtureFiles('gpt2');
  const without = (files, name) => Object.fromEntries(Object.entries(files).filter(([n]) => n !== name));
  const cases = [
    [without(bert, 'config.json'), /^config\.json: missing/],
    [without(bert, 'model.safetensors'), /^model\.safetensors: missing; choose config\.json/],
    [{ ...without(bert, 'model.safetensors'), 'pytorch_model.bin': new Uint8Array(8) }, /^model\.safetensors: missing; pytorch_model\.bin is not safetensors/],
    [{ ...without(bert, 'model.safetensors'), 'model-00001-of-00002.safetensors': new Uint8Array(8) }, /is one shard of a larger checkpoint/],
    [without(bert, 'vocab.txt'), /^vocab\.txt: is missing; BertForMaskedLM needs vocab\.txt or tokenizer\.json$/],
    [without(gpt2, 'merges.txt'), /^merges\.txt: is missing/],
    [{ ...bert, 'config.json': '{"model_type": "t5"}' }, /^config\.json: "model_type" is "t5"; this playground reads bert, distilbert, roberta, gpt2, llama, mistral, qwen2, qwen3, gemma, gemma2 and gpt_neox$/],
    [{ ...bert, 'config.json': '{"model_type": "bert"' }, /^config\.json: expected/],
    [{ ...bert, 'model.safetensors': new Uint8Array([255, 255, 255, 255, 0, 0, 0, 0, 1, 2]) }, /^model\.safetensors: its first 8 bytes give a header of/],
    [{ ...bert, 'model.safetensors': new Uint8Array(3) }, /^model\.safetensors: is 3 bytes, too short/],
    [{ ...gpt2, 'config.json': (await gpt2['config.json'].text()).replace('"n_embd": 32', '"n_embd": 64') }, /^model\.safetensors: tensor wte\.weight: has shape \[377, 32\], but config\.json implies \[377, 64\]$/],
    [[], /^model\.safetensors: missing/],
  ];
  const model = await attn.loadModel('builtin');
  const baseline = model.run('still here').attentions;
  const allocated = attn.heapStats().allocatedBytes;
  for (const [files, message] of cases) {
    await assert.rejects(attn.loadCheckpoint(files), { message });
    assert.deepEqual(model.run('still here').attentions, baseline);
  }
  // A tensor cut short mid-load: the loader is freed.
  const bytes = new Uint8Array(await bert['model.safetensors'].arrayBuffer());
  await assert.rejects(attn.loadCheckpoint({ ...bert, 'model.safetensors': bytes.subarray(0, bytes.length - 5) }), { message: /^model\.safetensors: tensor .*data_offsets: expected an integer/ });
  assert.equal(attn.heapStats().allocatedBytes, allocated, 'nothing left in the heap');
  model.dispose();
});

test('a sharded checkpoint (model.safetensors.index.json and its shards) loads as the same model; a missing shard is named', async () => {
  const attn = builds.simd;
  for (const model of ['bert', 'gpt2']) {
    const files = await fixtureFiles(model);
    const whole = await attn.loadCheckpoint(files);
    const { index, ...shards } = shardSafetensors(new Uint8Array(await files['model.safetensors'].arrayBuffer()), 3);
    const { 'model.safetensors': _, ...small } = files;
    const sharded = await attn.loadCheckpoint({ ...small, ...shards, 'model.safetensors.index.json': index });
    const text = 'The cat sat on the mat.';
    assert.deepEqual(sharded.run(text).attentions, whole.run(text).attentions, model);
    const [first, ...rest] = Object.keys(shards);
    await assert.rejects(attn.loadCheckpoint({ ...small, ...Object.fromEntries(rest.map((f) => [f, shards[f]])), 'model.safetensors.index.json': index }),
      { message: `${first}: missing; model.safetensors.index.json lists it` });
    await assert.rejects(attn.loadCheckpoint({ ...small, ...shards }), { message: /^model\.safetensors\.index\.json: missing; model-00001-of-00003\.safetensors is one shard/ });
    await assert.rejects(attn.loadCheckpoint({ ...small, ...shards, 'model.safetensors.index.json': '{"weight_map": {"wte.weight": "../x.safetensors"}}' }),
      { message: 'model.safetensors.index.json: weight_map["wte.weight"] must name a .safetensors file beside it' });
    whole.dispose();
    sharded.dispose();
  }
});

test('loading and disposing of checkpoints leaves the heap as it was', async () => {
  const attn = builds.simd;
  const files = await fixtureFiles('gpt2');
  (await attn.loadCheckpoint(files)).dispose();  // the first load may grow the heap's own structures
  const before = attn.heapStats().allocatedBytes;
  for (let i = 0; i < 5; i++) {
    const model = await attn.loadCheckpoint(files);
    model.run('The cat sat on the mat.');
    model.dispose();
  }
  assert.equal(attn.heapStats().allocatedBytes, before);
});

test('a checkpoint of GPT-2\'s size (124M parameters) loads and runs within wasm32\'s memory', async (t) => {
  const attn = builds.simd;
  const E = 768, L = 12, V = 50257, P = 1024;
  const shapes = gpt2Shapes({ vocab: V, d: E, layers: L, positions: P });
  const parameters = parameterCount(shapes);
  const dir = await mkdtemp(join(tmpdir(), 'gpt2-size-'));
  try {
    await writeHalfSafetensors(join(dir, 'model.safetensors'), shapes);
    const small = await fixtureFiles('gpt2');
    const config = JSON.parse(await small['config.json'].text());
    Object.assign(config, { vocab_size: V, n_embd: E, n_layer: L, n_head: 12, n_positions: P, n_ctx: P });
    const started = performance.now();
    let updates = 0;
    const model = await attn.loadCheckpoint({
      ...small, 'config.json': JSON.stringify(config), 'model.safetensors': await openAsBlob(join(dir, 'model.safetensors')),
    }, { onProgress: () => updates++ });
    const seconds = (performance.now() - started) / 1000;
    const ran = performance.now();
    const out = model.run('The cat sat on the mat because it was tired.');
    const runMs = performance.now() - ran;
    const n = out.ids.length;
    assert.equal(out.attentions.length, L * 12 * n * n);
    assert.ok(out.attentions.every(Number.isFinite));
    const { memoryBytes } = attn.heapStats();
    t.diagnostic(`${(parameters / 1e6).toFixed(1)}M parameters (float16 file, float32 in the heap): loaded in ${seconds.toFixed(1)} s ` +
      `with ${updates} progress updates; wasm heap ${(memoryBytes / 2 ** 20).toFixed(0)} MiB of the 2048 MiB maximum; ` +
      `one run of ${n} tokens through 12 layers: ${runMs.toFixed(0)} ms`);
    assert.ok(parameters > 124e6 && parameters < 125e6);
    assert.ok(memoryBytes < 2 ** 31);
    assert.equal(model.config.maxLength, 512);
    model.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
