// The playground's Web Worker: loads the core and the models once, and answers each request with everything
// the views show (web/lib/analysis.mjs), so typing never waits for a computation on the page's thread.
// In: { id, request: { model, text, compare, mask, scaled, temperature } }.
// Out: { ready: { simd, arch } } or { failed: message } once, then { id, result } or { id, error } per request.
import createAttention from './dist/attention.mjs';
import { createAnalyser, transferables } from './lib/analysis.mjs';

const simd = new URLSearchParams(self.location.search).get('simd') === '0' ? false : 'auto';
const core = createAttention({ simd });
const analyser = core.then(createAnalyser);

core.then(
  (attn) => self.postMessage({ ready: { simd: attn.simd, arch: attn.arch } }),
  (error) => self.postMessage({ failed: error.message }),
);

self.addEventListener('message', async ({ data: { id, request } }) => {
  try {
    const result = await (await analyser)(request);
    self.postMessage({ id, result }, transferables(result));
  } catch (error) {
    self.postMessage({ id, error: error.message });
  }
});
