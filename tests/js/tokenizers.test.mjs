// This project's tokenizer (attn.loadTokenizer) against the tokenizers library itself (@anush008/tokenizers, its
// Rust code as a node addon) on real tokenizer.json files and vocabularies from npm packages
// (tools/fixtures/reference-tokenizers.mjs), 2,000 texts each (tools/fixtures/tokenizer-corpus.mjs): ids equal,
// with and without special tokens, and offsets equal as tools/fixtures/tokenizer-expectations.mjs reads them.
// @huggingface/tokenizers (the library's JS port, ids only) is a second opinion: how often it agrees is printed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { Tokenizer as PortTokenizer } from '@huggingface/tokenizers';
import { corpus } from '../../tools/fixtures/tokenizer-corpus.mjs';
import { expectedTokens, prependMarks } from '../../tools/fixtures/tokenizer-expectations.mjs';
import { addedTokens, referenceTokenizers } from '../../tools/fixtures/reference-tokenizers.mjs';
import { builds } from './helpers.mjs';

const { Tokenizer } = createRequire(import.meta.url)('@anush008/tokenizers');
const TEXTS = 2000;
const references = await referenceTokenizers();
const filesOf = (files) => Object.fromEntries(Object.entries(files).map(([name, value]) => [name, name === 'config.json' ? value : readFileSync(value)]));

for (const entry of references) {
  test(`${entry.name}: the same ids and offsets as the tokenizers library on ${TEXTS} texts`, async (t) => {
    const reference = Tokenizer.fromFile(entry.reference);
    const json = JSON.parse(readFileSync(entry.reference, 'utf8'));
    const marks = prependMarks(json);
    const added = new Set((json.added_tokens ?? []).map((t) => reference.tokenToId(t.content)));
    const mine = await builds.simd.loadTokenizer(filesOf(entry.files));
    let port = null;
    try {
      port = new PortTokenizer(json, {});
    } catch (error) {
      t.diagnostic(`@huggingface/tokenizers cannot read it: ${error.message}`);
    }
    const bos = entry.bos ? [reference.tokenToId(entry.bos)] : [];
    const texts = corpus(entry.name.length * 7919 + 1, TEXTS, addedTokens(entry.reference));
    let tokens = 0, portAgrees = 0, portErrors = 0;
    for (const text of texts) {
      const plain = await reference.encode(text, null, { addSpecialTokens: false });
      const full = await reference.encode(text, null, { addSpecialTokens: true });
      const got = mine.tokenize(text);
      const gotPairs = Array.from({ length: got.ids.length }, (_, i) => [got.offsets[2 * i], got.offsets[2 * i + 1]]);
      const want = expectedTokens(text, plain, marks, gotPairs);
      assert.deepEqual([...got.ids], want.ids, `ids of ${JSON.stringify(text)}: tokens ${JSON.stringify(want.tokens)}`);
      assert.deepEqual(gotPairs, want.offsets, `offsets of ${JSON.stringify(text)}: tokens ${JSON.stringify(want.tokens)}`);
      // WordPieces show as the vocabulary has them (an added token as itself, without the spaces lstrip took).
      if (json.model.type === 'WordPiece') {
        const shown = want.tokens.map((token, i) => (added.has(want.ids[i]) ? got.tokens[i] : token));
        assert.deepEqual(got.tokens, shown, `WordPieces of ${JSON.stringify(text)}`);
      }
      const encoded = mine.encode(text);
      assert.deepEqual([...encoded.ids], [...bos, ...full.getIds()], `ids with special tokens of ${JSON.stringify(text)}`);
      assert.equal(encoded.special.reduce((a, b) => a + b, 0), bos.length + full.getSpecialTokensMask().reduce((a, b) => a + b, 0) -
        plain.getSpecialTokensMask().reduce((a, b) => a + b, 0), `special flags of ${JSON.stringify(text)}`);
      tokens += got.ids.length;
      if (port) {
        try {
          const ids = port.encode(text, { add_special_tokens: false }).ids;
          if (ids.length === want.ids.length && ids.every((id, i) => id === want.ids[i])) portAgrees++;
        } catch {
          portErrors++;
        }
      }
    }
    t.diagnostic(`${texts.length} texts, ${tokens} tokens: all equal to the tokenizers library` +
      (port ? `; @huggingface/tokenizers gives the same ids on ${portAgrees}${portErrors ? ` (throws on ${portErrors})` : ''}` : ''));
    mine.dispose();
  });
}

test('the scalar build tokenizes as the SIMD build does', async () => {
  for (const entry of references.filter((e) => /^(llama2|qwen3|bert)$/.test(e.name))) {
    const simd = await builds.simd.loadTokenizer(filesOf(entry.files));
    const scalar = await builds.scalar.loadTokenizer(filesOf(entry.files));
    for (const text of corpus(11, 200, addedTokens(entry.reference))) assert.deepEqual(scalar.encode(text), simd.encode(text), text);
    simd.dispose();
    scalar.dispose();
  }
});

test('loadTokenizer: errors name the file, a disposed tokenizer says so, and nothing stays in the heap', async () => {
  const attn = builds.simd;
  const gpt2 = new URL('../fixtures/checkpoints/gpt2/', import.meta.url);
  const files = Object.fromEntries(['config.json', 'vocab.json', 'merges.txt'].map((name) => [name, readFileSync(new URL(name, gpt2))]));
  const first = await attn.loadTokenizer(files);
  first.tokenize('x');  // the first text compiles GPT-2's regex, kept for every later tokenizer
  first.dispose();
  const allocated = attn.heapStats().allocatedBytes;
  await assert.rejects(attn.loadTokenizer({}), /^RangeError: tokenizer\.json: is missing; without config\.json, a tokenizer is read from tokenizer\.json$/);
  await assert.rejects(attn.loadTokenizer(42), /^TypeError: files: expected File objects/);
  await assert.rejects(attn.loadTokenizer({ 'tokenizer.json': '{"model": {"type": "Unigram", "vocab": []}}' }),
    /^RangeError: tokenizer\.json: model\.type "Unigram" is not supported/);
  await assert.rejects(attn.loadTokenizer({ ...files, 'merges.txt': 'a\n' }), /^RangeError: merges\.txt: merge 1 \("a"\) is not two tokens/);
  const tokenizer = await attn.loadTokenizer(files);
  const encoded = tokenizer.encode('The cat 🐈');
  assert.equal(encoded.tokens[0], '<|endoftext|>');  // GPT-2's documented first token, as its model's run() has it
  assert.equal(encoded.tokens.slice(1).join(''), 'The cat 🐈');
  assert.deepEqual(tokenizer.tokenize('The cat 🐈').ids, encoded.ids.slice(1));
  assert.throws(() => tokenizer.tokenize(42), /^TypeError: text: expected a string, got 42$/);
  tokenizer.dispose();
  assert.throws(() => tokenizer.encode('x'), /^RangeError: tokenizer: it has been disposed of; load it again$/);
  tokenizer.dispose();
  assert.equal(attn.heapStats().allocatedBytes, allocated);
});
