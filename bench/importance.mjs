// Head importance (web/lib/importance.mjs) in node: for each built-in model and three sentences, the loss with every
// head on, the heads whose removal raises it most, how many change it by under 1 %, the loss with those quiet heads
// off together, and the time of one ranking (13 runs; median of 5). With --gpt2, also the time of one ranking of a
// GPT-2-small-sized checkpoint (145 runs; made-up float16 weights, 250 MB written to a temporary folder).
//   node bench/importance.mjs [--gpt2]
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import createAttention from '../dist/attention.mjs';
import { formatHeads } from '../web/lib/ablation.mjs';
import { maskSpan } from '../web/lib/masking.mjs';
import { headImportance, prunable, rankHeads } from '../web/lib/importance.mjs';
import { scoring } from '../web/lib/predictions.mjs';
import { defaultState } from '../web/lib/state.mjs';
import { computeRequest } from '../web/lib/view-rules.mjs';
import { GPT2_SMALL_CONFIG, gpt2Shapes, writeSyntheticCheckpoint } from '../tools/fixtures/synthetic-checkpoint.mjs';

const SENTENCES = [
  'The cat sat on the mat because it was tired',
  'The river bank was flooded after the storm, so we walked along the road instead',
  'She gave him the book that her mother had written many years ago',
];
// For the masked LM, as its training scored it: one word of each sentence masked (with its space, as the Mask
// button takes the token) and scored against the word that was there.
const MASKED_WORDS = ['mat', 'road', 'book'];
const masking = (text, word, maskToken) => {
  const start = text.indexOf(` ${word}`);
  return maskSpan(text, '', [start, start + word.length + 1], maskToken);
};
const noPause = () => Promise.resolve();  // no worker messages to wait for here
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const signed = (x, digits = 3) => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(digits)}`;
// Ranks `model`'s heads on `text` `rounds` times: the last result and each ranking's time.
async function rank(model, name, text, rounds, masked = '') {
  const request = computeRequest({ ...defaultState(), model: name, text, masked });
  const times = [];
  let result;
  for (let i = 0; i < rounds; i++) {
    result = await headImportance(model, request, { pause: noPause });
    times.push(result.milliseconds);
  }
  return { result, times };
}

const attn = await createAttention({ simd: true });
console.log(`CPU: ${cpus()[0].model}, ${cpus().length} cores; node ${process.versions.node}; SIMD ${attn.simd}\n`);
console.log('| model | sentence | scored | loss | top heads off alone | heads changing it < 1 % | those off together | one ranking |\n|---|---|---|---:|---|---:|---:|---:|');
for (const name of ['builtin', 'builtin-causal']) {
  const model = await attn.loadModel(name);
  const cases = SENTENCES.map((text) => ({ text, masked: '' }));
  if (model.config.maskToken) cases.push(...SENTENCES.map((text, i) => masking(text, MASKED_WORDS[i], model.config.maskToken)));
  for (const { text, masked } of cases) {
    const { result, times } = await rank(model, name, text, 5, masked);
    const percent = (x) => `${signed(100 * x / result.baseLoss, 1)} %`;
    const { count, limit } = prunable(result);
    const quiet = rankHeads(result).filter((h) => Math.abs(h.increase) < limit).map((h) => [h.layer, h.head]);
    const targets = scoring(model, text, masked).targets ?? undefined;
    const together = model.run(text, { predict: 1, ablate: quiet, targets }).predictions.loss;
    const top = rankHeads(result).slice(0, 3).map((h) => `${h.layer}.${h.head} ${signed(h.increase)} (${percent(h.increase)})`).join(', ');
    console.log(`| ${result.model} | ${text} | ${result.positions}: ${result.what} | ${result.baseLoss.toFixed(3)} | ${top} | ${count} of ${result.increases.length} `
      + `(${formatHeads(quiet)}) | ${together.toFixed(3)} (${percent(together - result.baseLoss)}) | ${median(times).toFixed(0)} ms (${result.runs} runs) |`);
  }
  model.dispose();
}

if (process.argv.includes('--gpt2')) {
  const dir = await mkdtemp(join(tmpdir(), 'importance-bench-'));
  try {
    const fixture = fileURLToPath(new URL('../tests/fixtures/checkpoints/gpt2/', import.meta.url));
    const names = await writeSyntheticCheckpoint(dir, fixture, gpt2Shapes(), GPT2_SMALL_CONFIG, 'float16');
    const files = Object.fromEntries(await Promise.all(names.map(async (file) => [file, await openAsBlob(join(dir, file))])));
    const model = await attn.loadCheckpoint(files);
    const text = SENTENCES[0];
    const { result, times } = await rank(model, 'checkpoint', text, 2);
    const n = model.run(text).ids.length;
    console.log(`\nGPT-2-small-sized (made-up weights), ${n} tokens: one ranking (${result.runs} runs) ${times.map((t) => `${(t / 1000).toFixed(1)} s`).join(', ')}`);
    model.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
