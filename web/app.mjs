// Minimal playground: the sentence through a built-in model (in the wasm core), one head's weights as a heatmap.
// The controls and the text live in location.hash (web/lib/state.mjs), so every view is a permalink.
import createAttention from './dist/attention.mjs';
import { averageHeads, rollout } from './lib/aggregate.mjs';
import { parseHash, toHash } from './lib/state.mjs';
import { renderHeadGrid } from './ui/head-grid.mjs';
import { renderHeatmap } from './ui/heatmap.mjs';
import { VIRIDIS_GRADIENT } from './ui/palette.mjs';

const $ = (id) => document.getElementById(id);
const input = $('sentence'), modelSelect = $('model'), layerSelect = $('layer'), headSelect = $('head');
const status = $('status'), matrix = $('matrix'), headGrid = $('heads');
$('colorbar-gradient').style.background = VIRIDIS_GRADIENT;

// Options 0..count-1, then any [value, label] extras; `selected` is a number or an extra's value.
const fillOptions = (select, count, selected, extras = []) => {
  const numbered = Array.from({ length: count }, (_, i) => [i, String(i)]);
  select.replaceChildren(...[...numbered, ...extras].map(([value, label]) => new Option(label, String(value), false, value === selected)));
};

// The (n, n) weights the heatmap shows, and their caption, for the chosen layer and head (or aggregate).
function chosenWeights(attentions, config, n, { layer, head }) {
  if (head === 'average') return [averageHeads(attentions, config.heads, n, layer), `Layer ${layer}, average of its ${config.heads} heads`];
  if (head === 'rollout') return [rollout(attentions, config.heads, n, layer), `Attention rollout through layers 0–${layer}`];
  const start = (layer * config.heads + head) * n * n;
  return [attentions.subarray(start, start + n * n), `Layer ${layer}, head ${head}`];
}

function render(model, state, build, onSelect) {
  if (state.text.trim() === '') {
    matrix.replaceChildren();
    headGrid.replaceChildren();
    status.textContent = 'Type at least one word.';
    return;
  }
  const started = performance.now();
  const { tokens, attentions, truncated } = model.run(state.text, { truncate: true });
  const elapsed = performance.now() - started;
  const n = tokens.length;
  const [weights, title] = chosenWeights(attentions, model.config, n, state);
  // Leading spaces are part of BPE tokens; show them as a visible middle dot.
  const labels = tokens.map((t) => t.replace(/^ /, '·'));
  renderHeatmap(matrix, { rows: labels, columns: labels, weights, caption: `${title}: attention weights of ${n} tokens` });
  renderHeadGrid(headGrid, { layers: model.config.layers, heads: model.config.heads, n, attentions, selected: state, onSelect });
  status.textContent = `${n} tokens${truncated ? ` (cut to the model's ${model.config.maxLength})` : ''} · ` +
    `${model.config.name} · computed in ${elapsed.toFixed(1)} ms by the ${build} WebAssembly build`;
  matrix.dataset.ready = 'true';
}

createAttention().then(async (attn) => {
  const models = {};
  const load = async (name) => (models[name] ??= await attn.loadModel(name));

  // Shows `state` in the controls and the view; layer and head are clamped to what the model has.
  const show = async (state) => {
    const model = await load(state.model);
    state.layer = Math.min(state.layer, model.config.layers - 1);
    if (typeof state.head === 'number') state.head = Math.min(state.head, model.config.heads - 1);
    if (input.value !== state.text) input.value = state.text;
    modelSelect.value = state.model;
    fillOptions(layerSelect, model.config.layers, state.layer);
    fillOptions(headSelect, model.config.heads, state.head, [['average', 'average of heads'], ['rollout', 'rollout (layers 0 to this one)']]);
    render(model, state, attn.simd ? 'SIMD' : 'scalar', selectHead);
  };
  const fromControls = () => ({
    text: input.value, model: modelSelect.value, layer: Number(layerSelect.value),
    head: /^\d+$/.test(headSelect.value) ? Number(headSelect.value) : headSelect.value,
  });
  // Typing replaces the current history entry; a changed control adds one, so Back undoes it.
  const commit = async (push) => {
    const state = fromControls();
    history[push ? 'pushState' : 'replaceState'](null, '', `${location.pathname}${location.search}${toHash(state)}`);
    await show(state);
  };
  // A head chosen in the grid: the same as choosing it in the selects.
  const selectHead = (layer, head) => {
    layerSelect.value = String(layer);
    headSelect.value = String(head);
    commit(true);
  };
  input.addEventListener('input', () => commit(false));
  for (const select of [modelSelect, layerSelect, headSelect]) select.addEventListener('change', () => commit(true));
  window.addEventListener('popstate', () => show(parseHash(location.hash)));
  await show(parseHash(location.hash));
}).catch((error) => {
  status.textContent = `The WebAssembly core could not load: ${error.message}`;
  status.classList.add('error');
});
