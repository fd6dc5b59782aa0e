// The ES-module build inside a module worker: computes one multi-head call and posts the result.
import createAttention from '/dist/attention.mjs';

self.onmessage = async ({ data }) => {
  try {
    const attn = await createAttention({ simd: data.simd });
    const d = 4, identity = new Float32Array(d * d).map((_, i) => (i % (d + 1) === 0 ? 1 : 0));
    const { weights, output } = attn.multiHeadAttention({
      x: new Float32Array([1, 0, 0, 1, 0, 1, 1, 0]), n: 2, dModel: d, heads: 2, wq: identity, wk: identity, wv: identity, wo: identity,
    });
    self.postMessage({ simd: attn.simd, weights: [...weights], output: [...output] });
  } catch (error) {
    self.postMessage({ failed: String(error) });
  }
};
