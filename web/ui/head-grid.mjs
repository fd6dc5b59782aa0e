// Every head of every layer at once: a thumbnail of each head's weights, labelled with its dominant pattern
// and entropy (summaries from web/lib/head-patterns.mjs); clicking or pressing Enter on one selects it. The grid is built once
// per model shape and then repainted in place, so typing does not recreate a dozen canvases per keystroke.
import { headName } from '../lib/head-patterns.mjs';
import { paintWeights } from './heatmap.mjs';

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

// matrices: each head's (n, n) weights as shown (selection.mjs's everyHead), in the order layer · heads + head;
// summaries: headSummaries() of the heads. selected: {layer, head}. onSelect(layer, head) is called on a
// choice. firstToken names the pattern of attending to token 0 ('[BOS]', '[CLS]', …).
export function renderHeadGrid(container, { layers, heads, n, matrices, summaries, selected, onSelect, firstToken }) {
  let grid = container.firstElementChild;
  if (grid?.dataset.shape !== `${layers}x${heads}`) container.replaceChildren(grid = buildGrid(layers, heads));
  grid.onSelect = onSelect;
  grid.querySelectorAll('.head-thumb').forEach((button, index) => {
    const l = Math.floor(index / heads), h = index % heads;
    const name = headName(summaries[index], firstToken);
    button.setAttribute('aria-pressed', String(l === selected.layer && h === selected.head));
    button.setAttribute('aria-label', `Layer ${l}, head ${h}: ${name.long}`);
    paintWeights(button.firstChild, matrices[index], n, n);
    button.lastChild.textContent = name.short;
  });
}
