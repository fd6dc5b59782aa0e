// Every head of every layer at once: a thumbnail of each head's weights, labelled with its dominant pattern
// and entropy (web/lib/head-patterns.mjs); clicking or pressing Enter on one selects it.
import { summarizeHead } from '../lib/head-patterns.mjs';
import { weightsCanvas } from './heatmap.mjs';

const PATTERN_NAMES = { previous: 'previous token', next: 'next token', self: 'itself', first: '[BOS]', broad: 'broad' };

// attentions: (layers, heads, n, n). selected: {layer, head}. onSelect(layer, head) is called on a choice.
export function renderHeadGrid(container, { layers, heads, n, attentions, selected, onSelect }) {
  const grid = document.createElement('div');
  grid.className = 'head-grid';
  grid.style.setProperty('--heads', heads);
  grid.append(document.createElement('span'));
  for (let h = 0; h < heads; h++) {
    const title = document.createElement('span');
    title.className = 'head-grid-title';
    title.textContent = `head ${h}`;
    grid.append(title);
  }
  for (let l = 0; l < layers; l++) {
    const title = document.createElement('span');
    title.className = 'head-grid-title';
    title.textContent = `layer ${l}`;
    grid.append(title);
    for (let h = 0; h < heads; h++) {
      const weights = attentions.subarray((l * heads + h) * n * n, (l * heads + h + 1) * n * n);
      const summary = summarizeHead(weights, n);
      const share = summary.pattern === 'broad' ? '' : ` ${summary[summary.pattern].toFixed(2)}`;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'head-thumb';
      button.dataset.focus = `head-${l}-${h}`;  // the page puts focus back here after a re-render
      button.setAttribute('aria-pressed', String(l === selected.layer && h === selected.head));
      button.setAttribute('aria-label', `Layer ${l}, head ${h}: ${PATTERN_NAMES[summary.pattern]}${share}, entropy ${summary.entropy.toFixed(2)} nats`);
      const label = document.createElement('span');
      label.className = 'head-thumb-label';
      label.textContent = `${PATTERN_NAMES[summary.pattern]}${share} · H ${summary.entropy.toFixed(2)}`;
      button.append(weightsCanvas(weights, n, n), label);
      button.addEventListener('click', () => onSelect(l, h));
      grid.append(button);
    }
  }
  container.replaceChildren(grid);
}
