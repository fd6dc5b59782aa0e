// Uses the classic-script build the way a page opened from file:// would, and reports in #result.
const report = (value) => { document.getElementById('result').textContent = JSON.stringify(value); };
window.addEventListener('DOMContentLoaded', () => {
  globalThis.createAttention().then((attn) => {
    const { weights } = attn.scaledDotProductAttention({
      q: new Float32Array([1, 0]), k: new Float32Array([1, 0, 0, 1]), v: new Float32Array([1, 2]), n: 1, m: 2, dk: 2, dv: 1,
    });
    let error = null;
    try { attn.scaledDotProductAttention({ q: new Float32Array(1), k: new Float32Array(4), v: new Float32Array(2), n: 1, m: 2, dk: 2, dv: 1 }); } catch (e) { error = `${e.name}: ${e.message}`; }
    report({ simd: attn.simd, version: attn.version, weights: [...weights], error });
  }, (e) => report({ failed: String(e) }));
});
