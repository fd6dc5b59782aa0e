// Minimal playground: words -> toy embeddings -> scaled dot-product self-attention in the wasm core -> heatmap.
import createAttention from './dist/attention.mjs';
import { embed, tokenizeWords } from './lib/toy-embeddings.mjs';
import { renderHeatmap } from './ui/heatmap.mjs';
import { VIRIDIS_GRADIENT } from './ui/palette.mjs';

const DIM = 16;
const input = document.getElementById('sentence');
const status = document.getElementById('status');
const matrix = document.getElementById('matrix');
document.getElementById('colorbar-gradient').style.background = VIRIDIS_GRADIENT;

function update(attn) {
  const tokens = tokenizeWords(input.value).slice(0, 128);
  if (tokens.length === 0) {
    matrix.replaceChildren();
    status.textContent = 'Type at least one word.';
    return;
  }
  const x = embed(tokens, DIM);
  const n = tokens.length;
  const started = performance.now();
  const { weights } = attn.scaledDotProductAttention({ q: x, k: x, v: x, n, m: n, dk: DIM, dv: DIM });
  const elapsed = performance.now() - started;
  const words = tokens.map((t) => t.text);
  renderHeatmap(matrix, { rows: words, columns: words, weights, caption: `Self-attention weights of ${n} tokens` });
  status.textContent = `${n} tokens · computed in ${elapsed.toFixed(2)} ms by the ${attn.simd ? 'SIMD' : 'scalar'} WebAssembly build (v${attn.version})`;
  matrix.dataset.ready = 'true';
}

createAttention().then(
  (attn) => {
    input.addEventListener('input', () => update(attn));
    update(attn);
  },
  (error) => {
    status.textContent = `The WebAssembly core could not load: ${error.message}`;
    status.classList.add('error');
  },
);
