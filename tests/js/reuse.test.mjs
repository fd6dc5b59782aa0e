// A causal model keeps its last run and recomputes only the tokens after the prefix a new text shares with it:
// typing at the end, an edit in the middle and a deletion give the numbers of a model that computes every row.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builds, fixtureFiles } from './helpers.mjs';

const attn = builds.simd;
const EDITS = ['The cat', 'The cat sat', 'The cat sat on', 'The cat sat on the mat', 'The dog sat on the mat', 'The dog',
  'The dog', 'The dog ran off to the garden!'];

for (const [name, load] of [['builtin-causal', () => attn.loadModel('builtin-causal')],
  ['a GPT-2 checkpoint', async () => attn.loadCheckpoint(await fixtureFiles('gpt2'))],
  ['a Llama checkpoint (RoPE, grouped-query attention)', async () => attn.loadCheckpoint(await fixtureFiles('llama-bf16'))],
  ['a Gemma 2 checkpoint in float16 (sliding windows, soft caps)', async () => attn.loadCheckpoint(await fixtureFiles('gemma2-f16'))]]) {
  test(`${name}: each edit's result is a whole run's, from the rows it could not reuse`, async () => {
    const typing = await load();
    const options = { hidden: true, projections: true, predict: 3 };
    let before = null;
    for (const text of EDITS) {
      const got = typing.run(text, options);
      const fresh = await load();  // nothing to reuse: every row computed
      const want = fresh.run(text, options);
      fresh.dispose();
      assert.equal(want.reused, 0);
      for (const key of ['ids', 'attentions', 'hidden', 'queries', 'keys', 'values']) assert.deepEqual(got[key], want[key], `${text}: ${key}`);
      assert.deepEqual(got.predictions, want.predictions, `${text}: predictions`);
      let shared = 0;
      while (before && shared < Math.min(before.length, got.ids.length) && before[shared] === got.ids[shared]) shared++;
      const same = before && shared === before.length && shared === got.ids.length;  // the same text again: no row computed
      assert.equal(got.reused, same ? shared : Math.min(shared, got.ids.length - 1), text);
      before = got.ids;
    }
    // Other what-if options: nothing of the last run applies; reuse: false computes every row.
    assert.equal(typing.run(EDITS.at(-1), { temperature: 2 }).reused, 0);
    assert.equal(typing.run(EDITS.at(-1), { ablate: [[0, 1]] }).reused, 0);
    assert.equal(typing.run(EDITS.at(-1), { ablate: [[0, 1]] }).reused, before.length);  // the same text and options again: every row
    const whole = typing.run(EDITS.at(-1), { ablate: [[0, 1]], reuse: false });
    assert.equal(whole.reused, 0);
    assert.deepEqual(whole.attentions, typing.run(EDITS.at(-1), { ablate: [[0, 1]] }).attentions);
    assert.throws(() => typing.run('x', { reuse: 1 }), /^TypeError: reuse: expected true or false, got 1$/);
    // A head's trace (the playground asks for one after each keystroke's run): of the text the model kept, its
    // layer alone again from the kept input, every row taken from the last run; of another text, every row
    // computed. Either way the numbers of a whole traced run, and the cache stays for the next run: typing on
    // reuses the prefix, with the numbers of a whole run.
    const fresh = await load();
    for (const layer of [0, 1]) {
      for (const [text, reused] of [[EDITS.at(-1), 'all'], [EDITS[1], 0]]) {
        typing.run(EDITS.at(-1), options);
        const traced = typing.run(text, { trace: { layer, head: 1 } });
        const want = fresh.run(text, { trace: { layer, head: 1 }, reuse: false });
        assert.equal(traced.reused, reused === 'all' ? traced.ids.length : 0, `${text}: layer ${layer}`);
        assert.deepEqual(traced.trace, want.trace, `${text}: layer ${layer}'s trace`);
        assert.deepEqual(traced.attentions, want.attentions, `${text}: layer ${layer}'s attentions`);
      }
    }
    typing.run(EDITS.at(-1), options);
    typing.run(EDITS.at(-1), { trace: { layer: 0, head: 0 } });
    const next = typing.run(`${EDITS.at(-1)} Yes`, options);
    assert.ok(next.reused > 0, `${next.reused} rows reused after a trace`);
    assert.deepEqual(next.attentions, fresh.run(`${EDITS.at(-1)} Yes`, options).attentions);
    fresh.dispose();
    typing.dispose();
  });
}

test('a masked LM reuses nothing: every token sees every other', async () => {
  const model = await attn.loadModel('builtin');
  model.run('The cat sat');
  assert.equal(model.run('The cat sat on').reused, 0);
  model.dispose();
});
