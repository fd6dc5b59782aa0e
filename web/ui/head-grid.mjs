// Every head of every layer at once: a thumbnail of each head's weights, labelled with its dominant pattern
// and entropy (summaries from web/lib/head-patterns.mjs); clicking or pressing Enter on one selects it. The grid is built once
// per model shape and then repainted in place, so typing does not recreate a dozen canvases per keystroke.
import { paintWeights } from './heatmap.mjs';

const PATTERN_NAMES = { previous: 'previous token', next: 'next token', self: 'itself', broad: 'broad' };

// The grid's skeleton: titles, and one button (canvas + label) per head, calling onSelect through `grid.onSelect`.
function buildGrid(layers, heads) {
  const grid = document.createElement('div');
  grid.className = 'head-grid';
  grid.dataset.shape = `${layers}x${heads}`;
  grid.style.setProperty('--heads', heads);
  const title = (text) => Object.assign(document.createElement('span'), { className: 'head-grid-title', textContent: text });
  grid.append(document.createElement('span'), ...Array.from({ length: heads }, (_, h) => title(`head ${h}`)));
  for (let l = 0; l < layers; l++) {
    grid.append(title(`layer ${l}`));
    for (let h = 0; h < heads; h++) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'head-thumb';
      button.dataset.focus = `head-${l}-${h}`;
      button.append(document.createElement('canvas'), Object.assign(document.createElement('span'), { className: 'head-thumb-label' }));
      button.addEventListener('click', () => grid.onSelect(l, h));
      grid.append(button);
    }
  }
  return grid;
}

// attentions: (layers, heads, n, n); summaries: headSummaries() of them. selected: {layer, head}. onSelect(layer,
// head) is called on a choice. firstToken names the pattern of attending to token 0 ('[BOS]', '[CLS]', …).
export function renderHeadGrid(container, { layers, heads, n, attentions, summaries, selected, onSelect, firstToken }) {
  const names = { ...PATTERN_NAMES, first: firstToken };
  let grid = container.firstElementChild;
  if (grid?.dataset.shape !== `${layers}x${heads}`) container.replaceChildren(grid = buildGrid(layers, heads));
  grid.onSelect = onSelect;
  grid.querySelectorAll('.head-thumb').forEach((button, index) => {
    const l = Math.floor(index / heads), h = index % heads;
    const weights = attentions.subarray(index * n * n, (index + 1) * n * n);
    const summary = summaries[index];
    const share = summary.pattern === 'broad' ? '' : ` ${summary[summary.pattern].toFixed(2)}`;
    button.setAttribute('aria-pressed', String(l === selected.layer && h === selected.head));
    button.setAttribute('aria-label', `Layer ${l}, head ${h}: ${names[summary.pattern]}${share}, entropy ${summary.entropy.toFixed(2)} nats`);
    paintWeights(button.firstChild, weights, n, n);
    button.lastChild.textContent = `${names[summary.pattern]}${share} · H ${summary.entropy.toFixed(2)}`;
  });
}
