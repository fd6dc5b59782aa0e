// The built-in models' vocabulary against its target: at least 95 % of the 2,000 most frequent words of the
// held-out sentences (never trained on), in their mid-sentence form with a space before them, are one token.
// The words are tests/fixtures/held-out-words.txt, written by npm run train-model from the corpus (words as
// tools/train/vocabulary.cpp counts them); the models are the shipped files, through the public API.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { builds } from './helpers.mjs';

const TARGET = 0.95;

const lines = readFileSync(new URL('../fixtures/held-out-words.txt', import.meta.url), 'utf8')
  .split('\n').filter((line) => line && !line.startsWith('#'));
const words = lines.map((line) => {
  const [word, count, extra] = line.split(' ');
  assert.equal(extra, undefined, `one word and its count a line: ${line}`);
  return { word, count: Number(count) };
});

test('the word list is the 2,000 most frequent words, most frequent first', () => {
  assert.equal(words.length, 2000);
  assert.equal(new Set(words.map((w) => w.word)).size, 2000, 'no word twice');
  for (const [i, { word, count }] of words.entries()) {
    assert.match(word, /^[A-Za-z]+(?:'[A-Za-z]+)*$/, 'letters, with apostrophes inside');
    assert.ok(Number.isInteger(count) && count >= 1);
    if (i > 0) assert.ok(count <= words[i - 1].count, `${word} (${count}) after ${words[i - 1].word} (${words[i - 1].count})`);
  }
});

for (const name of ['builtin', 'builtin-causal', 'builtin-lens']) {
  test(`${name}: at least ${TARGET * 100} % of the held-out sentences' 2,000 most frequent words are one token`, async (t) => {
    const model = await builds.simd.loadModel(name);
    try {
      const split = words.filter(({ word }) => model.tokenize(` ${word}`).ids.length !== 1);
      const share = 1 - split.length / words.length;
      t.diagnostic(`${name}: ${(share * 100).toFixed(1)} % one token (${words.length - split.length} of ${words.length}); ` +
        `vocabulary ${model.config.vocabSize}; the most frequent of the others: ` +
        split.slice(0, 8).map(({ word }) => model.tokenize(` ${word}`).tokens.join('|')).join(', '));
      assert.ok(share >= TARGET, `${(share * 100).toFixed(1)} % of the words are one token`);
    } finally {
      model.dispose();
    }
  });
}

test('the words the issue named, in their mid-sentence form, are one token each', async (t) => {
  const model = await builds.simd.loadModel('builtin');
  try {
    for (const word of [' mat', ' tired', ' didn\'t', ' attention', ' bank', ' river']) {
      assert.deepEqual(model.tokenize(word).tokens, [word], `${word} is one token`);
    }
    // Capitalised, "Attention" is rare in the corpus: it stays a few pieces.
    t.diagnostic(`“Attention” → ${model.tokenize('Attention').tokens.join('|')}; “didn't” at the start → ${model.tokenize('didn\'t').tokens.join('|')}`);
  } finally {
    model.dispose();
  }
});
