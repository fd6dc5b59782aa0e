// Head summaries on hand-made weight matrices, where the right answer is known.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headSummaries, summarizeHead } from '../../web/lib/head-patterns.mjs';

// An (n, n) matrix whose row i puts all its weight on column pick(i).
const oneHot = (n, pick) => {
  const w = new Float32Array(n * n);
  for (let i = 0; i < n; i++) w[i * n + pick(i)] = 1;
  return w;
};

test('one-hot heads are named by what they attend to, with zero entropy', () => {
  const n = 6;
  const cases = [
    ['previous', (i) => Math.max(0, i - 1)],
    ['next', (i) => Math.min(n - 1, i + 1)],
    ['self', (i) => i],
    ['first', () => 0],
  ];
  for (const [pattern, pick] of cases) {
    const s = summarizeHead(oneHot(n, pick), n);
    assert.equal(s.pattern, pattern);
    assert.equal(s.entropy, 0);
  }
  const previous = summarizeHead(oneHot(n, (i) => Math.max(0, i - 1)), n);
  assert.equal(previous.previous, 1);
  assert.equal(previous.first, 1 / 5, 'query 1 looks at token 0, which is also the first token');
});

test('a uniform head is broad, with entropy ln(n)', () => {
  const n = 8;
  const s = summarizeHead(new Float32Array(n * n).fill(1 / n), n);
  assert.equal(s.pattern, 'broad');
  assert.ok(Math.abs(s.entropy - Math.log(n)) < 1e-6);
  assert.ok(Math.abs(s.previous - (1 / n) * (n - 1) / (n - 1)) < 1e-6);
});

test('a single token is summarised without dividing by zero', () => {
  const s = summarizeHead(new Float32Array([1]), 1);
  assert.equal(s.self, 1);
  assert.equal(s.pattern, 'self');
  assert.ok(Number.isFinite(s.entropy));
});

test('headSummaries: one summary per layer and head, in the order of the attentions', () => {
  const n = 5, previous = oneHot(n, (i) => Math.max(0, i - 1)), self = oneHot(n, (i) => i);
  const attentions = new Float32Array(4 * n * n);
  [previous, self, self, previous].forEach((head, index) => attentions.set(head, index * n * n));
  assert.deepEqual(headSummaries(attentions, 2, 2, n).map((s) => s.pattern), ['previous', 'self', 'self', 'previous']);
});
