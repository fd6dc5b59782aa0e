// Averages over heads and attention rollout on matrices where the answer is known by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averageHeads, keptTokens, rollout } from '../../web/lib/aggregate.mjs';

const close = (actual, expected, what) => {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < 1e-6, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
};

// Two tokens; head A attends to token 0, head B to itself.
const TO_FIRST = [1, 0, 1, 0], TO_SELF = [1, 0, 0, 1];

test('averageHeads averages the heads of the chosen layer', () => {
  const attentions = Float32Array.from([...TO_FIRST, ...TO_SELF, ...TO_SELF, ...TO_SELF]);  // 2 layers x 2 heads
  close(averageHeads(attentions, 2, 2, 0), [1, 0, 0.5, 0.5], 'layer 0');
  close(averageHeads(attentions, 2, 2, 1), TO_SELF, 'layer 1');
});

test('rollout: one layer is 0.5·A + 0.5·I; two layers multiply; rows sum to 1', () => {
  const attentions = Float32Array.from([...TO_FIRST, ...TO_FIRST, ...TO_FIRST, ...TO_FIRST]);
  // One layer: 0.5·[[1,0],[1,0]] + 0.5·I = [[1,0],[0.5,0.5]].
  close(rollout(attentions, 2, 2, 0), [1, 0, 0.5, 0.5], 'one layer');
  // Two layers: [[1,0],[0.5,0.5]]² = [[1,0],[0.75,0.25]].
  const two = rollout(attentions, 2, 2, 1);
  close(two, [1, 0, 0.75, 0.25], 'two layers');
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(two[2 * i] + two[2 * i + 1] - 1) < 1e-6);
});

test('rollout of heads that only attend to themselves is the identity', () => {
  const n = 3, identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const attentions = Float32Array.from([...identity, ...identity, ...identity]);  // 3 layers x 1 head
  close(rollout(attentions, 1, n, 2), identity, 'identity');
});

test('keptTokens drops the special tokens as queries and keys and rescales the rows; rows all on them stay zero', () => {
  // 3 queries x 3 keys: [BOS] row; a row splitting 0.5 / 0.25 / 0.25; a row entirely on [BOS].
  const weights = Float32Array.from([1, 0, 0, 0.5, 0.25, 0.25, 1, 0, 0]);
  close(keptTokens(weights, 3, [1, 2], [1, 2]), [0.5, 0.5, 0, 0], 'square');
  // Cross-attention shapes: 2 queries x 3 keys, the first of each hidden.
  close(keptTokens(Float32Array.from([0.2, 0.4, 0.4, 0.6, 0.1, 0.3]), 3, [1], [1, 2]), [0.25, 0.75], '2 x 3');
  // BERT's [CLS] … [SEP]: the first and the last left out of 4 tokens.
  const bert = Float32Array.from([0.25, 0.25, 0.25, 0.25, 0.1, 0.3, 0.1, 0.5, 0.4, 0.2, 0.2, 0.2, 0, 0, 0, 1]);
  close(keptTokens(bert, 4, [1, 2], [1, 2]), [0.75, 0.25, 0.5, 0.5], '[CLS] and [SEP]');
});
