// 10,000 multi-head calls (n = 64, dModel = 256, 4 heads) leave the wasm heap flat after warm-up:
// every buffer the bindings and the core allocate is freed, errors included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builds, multiHeadArgs } from './helpers.mjs';

test('the heap stays flat over 10,000 calls at n = 64, dModel = 256, 4 heads', () => {
  const attn = builds.simd;
  const args = multiHeadArgs(64, 256, 4, 3);
  for (let i = 0; i < 50; i++) attn.multiHeadAttention(args);  // warm-up: the heap reaches its working size
  const before = attn.heapStats();
  const started = performance.now();
  for (let i = 0; i < 10000; i++) {
    attn.multiHeadAttention(args);
    if (i % 1000 === 0) assert.throws(() => attn.multiHeadAttention({ ...args, heads: 3 }), RangeError);
  }
  const after = attn.heapStats();
  const msPerCall = (performance.now() - started) / 10000;
  console.log(`heap after warm-up ${before.memoryBytes} B, after 10,000 calls ${after.memoryBytes} B; ` +
    `allocated ${before.allocatedBytes} -> ${after.allocatedBytes} B; ${msPerCall.toFixed(3)} ms per call`);
  assert.equal(after.memoryBytes, before.memoryBytes, 'the wasm memory did not grow');
  assert.equal(after.allocatedBytes, before.allocatedBytes, 'malloc holds exactly what it held after warm-up');
});
