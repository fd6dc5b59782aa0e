// What a reader downloads, gzip-compressed (level 9, as a web server would send it): the <attention-view>
// script (the SIMD wasm build and the built-in model inside) must stay within 2 MB. The sizes are printed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

const dist = new URL('../../dist/', import.meta.url);
const sizes = (file) => {
  const bytes = readFileSync(new URL(file, dist));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};

test('gzip sizes: the element with its built-in model is at most 2 MB', (t) => {
  const files = ['attention-view.js', 'attention-view.builtin-causal.js', 'attention-view.builtin-lens.js', 'attention-view.scalar.js',
    'attention-playground.html', 'attention.iife.js', 'attention-simd.wasm', 'models/builtin-bidirectional.attn'];
  for (const file of files) {
    const { raw, gzip } = sizes(file);
    t.diagnostic(`${file}: ${(raw / 1e6).toFixed(3)} MB, gzip ${(gzip / 1e6).toFixed(3)} MB`);
  }
  assert.ok(sizes('attention-view.js').gzip <= 2e6);
});
