// Minimal playground: the sentence through a built-in model (in the wasm core), one head's weights as a heatmap.
import createAttention from './dist/attention.mjs';
import { renderHeatmap } from './ui/heatmap.mjs';
import { VIRIDIS_GRADIENT } from './ui/palette.mjs';

const $ = (id) => document.getElementById(id);
const input = $('sentence'), modelSelect = $('model'), layerSelect = $('layer'), headSelect = $('head');
const status = $('status'), matrix = $('matrix');
$('colorbar-gradient').style.background = VIRIDIS_GRADIENT;

const fillOptions = (select, count, selected) => {
  select.replaceChildren(...Array.from({ length: count }, (_, i) => new Option(String(i), String(i), false, i === selected)));
};

function update(model) {
  const text = input.value;
  if (text.trim() === '') {
    matrix.replaceChildren();
    status.textContent = 'Type at least one word.';
    return;
  }
  const started = performance.now();
  const { tokens, attentions, truncated } = model.run(text, { truncate: true });
  const elapsed = performance.now() - started;
  const n = tokens.length, layer = Number(layerSelect.value), head = Number(headSelect.value);
  const start = (layer * model.config.heads + head) * n * n;
  // Leading spaces are part of BPE tokens; show them as a visible middle dot.
  const labels = tokens.map((t) => t.replace(/^ /, '·'));
  renderHeatmap(matrix, {
    rows: labels, columns: labels, weights: attentions.subarray(start, start + n * n),
    caption: `Layer ${layer}, head ${head}: attention weights of ${n} tokens`,
  });
  status.textContent = `${n} tokens${truncated ? ` (cut to the model's ${model.config.maxLength})` : ''} · ` +
    `${model.config.name} · computed in ${elapsed.toFixed(1)} ms by the ${attnBuild} WebAssembly build`;
  matrix.dataset.ready = 'true';
}

let attnBuild = '';
createAttention().then(async (attn) => {
  attnBuild = attn.simd ? 'SIMD' : 'scalar';
  const models = {};
  const current = async () => (models[modelSelect.value] ??= await attn.loadModel(modelSelect.value));
  const first = await current();
  fillOptions(layerSelect, first.config.layers, 0);
  fillOptions(headSelect, first.config.heads, 2);
  const refresh = async () => update(await current());
  for (const control of [input, modelSelect, layerSelect, headSelect]) control.addEventListener('input', refresh);
  update(first);
}).catch((error) => {
  status.textContent = `The WebAssembly core could not load: ${error.message}`;
  status.classList.add('error');
});
