// The threaded build (node runs it without cross-origin isolation): a GPT-2-shaped checkpoint large enough that
// every projection, the heads and the MLP are split between threads gives the single-threaded build's numbers,
// bit for bit; its errors name the argument, and after them the module keeps working.
import assert from 'node:assert/strict';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import createAttention from '../../dist/attention.mjs';
import { gpt2Shapes, writeSyntheticCheckpoint } from '../../tools/fixtures/synthetic-checkpoint.mjs';
import { builds } from './helpers.mjs';

const dir = await mkdtemp(join(tmpdir(), 'threads-test-'));
after(() => rm(dir, { recursive: true, force: true }));
const fixture = fileURLToPath(new URL('../fixtures/checkpoints/gpt2/', import.meta.url));
const files = await writeSyntheticCheckpoint(dir, fixture, gpt2Shapes({ d: 256, layers: 2, positions: 256 }),
  { vocab_size: 50257, n_embd: 256, n_layer: 2, n_head: 4, n_positions: 256, n_ctx: 256 }, 'float16');
const blobs = async () => Object.fromEntries(await Promise.all(files.map(async (f) => [f, await openAsBlob(join(dir, f))])));

test('two and three threads give the single-threaded build\'s attentions, hidden states and predictions', async () => {
  const single = await builds.simd.loadCheckpoint(await blobs());
  const text = 'The cat sat on the mat because it was tired, and the dog ran after it across the garden to the wall '.repeat(2).trim();
  const options = { hidden: true, projections: true, predict: 5, reuse: false };
  const want = single.run(text, options);
  assert.ok(want.ids.length > 64, 'long enough that the heads are split');
  for (const threads of [2, 3]) {
    const attn = await createAttention({ threads });
    assert.equal(attn.threads, threads);
    assert.equal(attn.simd, true);
    const model = await attn.loadCheckpoint(await blobs());
    const got = model.run(text, options);
    for (const key of ['ids', 'attentions', 'hidden', 'queries', 'keys', 'values']) assert.deepEqual(got[key], want[key], `${threads} threads: ${key}`);
    assert.deepEqual(got.predictions, want.predictions);
    // Typing at the end reuses the prefix as the single-threaded build does.
    const longer = model.run(`${text} again`, { predict: 5 });
    assert.ok(longer.reused > 0);
    assert.deepEqual(longer.attentions, single.run(`${text} again`, { predict: 5, reuse: false }).attentions);
    // An error inside a run (found by the core) leaves the threads and the module working.
    assert.throws(() => model.run(text, { ablate: [[9, 0]] }), /^RangeError: ablate\[0\]: \[9, 0\] is not in this model's 2 layers of 4 heads/);
    assert.deepEqual(model.run(text, options).attentions, want.attentions);
    model.dispose();
  }
  single.dispose();
});

test('the threads option: what it accepts, and errors that name it', async () => {
  for (const bad of [0, 1.5, 9, '2', null, Number.NaN]) {
    await assert.rejects(createAttention({ threads: bad }), (error) => error instanceof TypeError && /^threads: expected 'auto' or a whole number from 1 to 8, got /.test(error.message), String(bad));
  }
  await assert.rejects(createAttention({ threads: 2, simd: false }), /^Error: threads: 2 were requested, but the threaded build uses SIMD, and simd: false asks for the scalar one; use threads: 'auto' or 1$/);
  assert.equal((await createAttention({ threads: 1 })).threads, 1);
  assert.equal((await createAttention({})).threads, 1);  // the single-threaded build unless asked
  const auto = await createAttention({ threads: 'auto' });
  assert.ok(auto.threads >= 1 && auto.threads <= 4);
  assert.equal((await auto.loadModel('builtin')).run('The cat sat').tokens.length, 4);
});
