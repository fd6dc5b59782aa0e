// Every head of every layer at once: a thumbnail of each head's weights, labelled with its dominant pattern
// and entropy (summaries from web/lib/head-patterns.mjs); clicking or pressing Enter on one selects it. Under each
// thumbnail, when the heads can be switched off (a model to run, not weights given), a switch: a toggle button
// (aria-pressed: the head is off; Space or Enter, a click or a tap) that turns the head off — zero ablation — or
// back on; an off head's thumbnail is dimmed and struck through, and its switch says "off". The grid is built once per model shape
// and then repainted in place, so typing does not recreate a dozen canvases per keystroke.
import { headName } from '../lib/head-patterns.mjs';
import { setAttribute, setHidden, setText } from './children.mjs';
import { paintWeights } from './heatmap.mjs';

// Painting the thumbnails is most of a redraw (GPT-2's 144 heads: 28 ms, on the thread that handles the next
// keystroke). Out of view, the grid is painted when typing pauses for PAINT_LATER_MS, or as it comes into view.
const PAINT_LATER_MS = 300;
const inView = new WeakMap();  // grid -> whether it is in (or near) the viewport
const unpainted = new Map();  // grid -> { paint, timer }: its newest thumbnails, not painted yet
const seen = typeof IntersectionObserver === 'function' ? new IntersectionObserver((entries) => {
  for (const { target, isIntersecting } of entries) {
    inView.set(target, isIntersecting);
    if (isIntersecting) paintNow(target);
  }
}, { rootMargin: '200px' }) : null;
function paintNow(grid) {
  const job = unpainted.get(grid);
  if (!job) return;
  clearTimeout(job.timer);
  unpainted.delete(grid);
  job.paint();
}
function forget(grid) {
  clearTimeout(unpainted.get(grid)?.timer);
  unpainted.delete(grid);
}
// Painted at once unless the grid is known to be out of view (a grid just built is painted: no blank frame).
function paintWhenSeen(grid, paint) {
  forget(grid);
  if (!seen || inView.get(grid) !== false) return paint();
  unpainted.set(grid, { paint, timer: setTimeout(() => paintNow(grid), PAINT_LATER_MS) });
}
if (typeof addEventListener === 'function') addEventListener('beforeprint', () => [...unpainted.keys()].forEach(paintNow));

// The grid's skeleton: titles, and per head a cell of a button (canvas + label) and its switch, calling onSelect
// and onToggle through `grid.onSelect` and `grid.onToggle`.
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
      const toggle = Object.assign(document.createElement('button'), { type: 'button', className: 'head-switch' });
      toggle.dataset.focus = `switch-${l}-${h}`;
      toggle.append(Object.assign(document.createElement('span'), { className: 'head-switch-track' }),
        Object.assign(document.createElement('span'), { className: 'head-switch-text' }));
      toggle.addEventListener('click', () => grid.onToggle?.(l, h));
      const cell = Object.assign(document.createElement('div'), { className: 'head-cell' });
      cell.append(button, toggle);
      grid.append(cell);
    }
  }
  seen?.observe(grid);
  return grid;
}

// matrices: each head's (n, n) weights as shown (selection.mjs's everyHead), in the order layer · heads + head;
// summaries: headSummaries() of the heads. selected: {layer, head}. onSelect(layer, head) is called on a
// choice. firstToken names the pattern of attending to token 0 ('[BOS]', '[CLS]', …). off: a Set of the indices
// (layer · heads + head) of the heads switched off; onToggle(layer, head) switches one, or null: no switches.
export function renderHeadGrid(container, { layers, heads, n, matrices, summaries, selected, onSelect, firstToken, off = new Set(), onToggle = null }) {
  let grid = container.firstElementChild;
  if (grid?.dataset.shape !== `${layers}x${heads}`) {
    if (grid) forget(grid), seen?.unobserve(grid);
    container.replaceChildren(grid = buildGrid(layers, heads));
  }
  grid.onSelect = onSelect;
  grid.onToggle = onToggle;
  grid.classList.toggle('head-grid-switches', Boolean(onToggle));
  const cells = grid.querySelectorAll('.head-cell');
  paintWhenSeen(grid, () => cells.forEach((cell, index) => paintWeights(cell.firstChild.firstChild, matrices[index], n, n)));
  cells.forEach((cell, index) => {
    const l = Math.floor(index / heads), h = index % heads, isOff = off.has(index);
    const [button, toggle] = cell.children;
    const name = headName(summaries[index], firstToken);
    cell.classList.toggle('head-off', isOff);
    // Each written only when it changed (children.mjs): every keystroke comes here.
    setAttribute(button, 'aria-pressed', l === selected.layer && h === selected.head);
    setAttribute(button, 'aria-label', `Layer ${l}, head ${h}${isOff ? ' (switched off)' : ''}: ${name.long}`);
    setText(button.lastChild, name.short);
    setHidden(toggle, !onToggle);
    // One name whatever the state (a toggle button's state is aria-pressed, not its name).
    setAttribute(toggle, 'aria-pressed', isOff);
    setAttribute(toggle, 'aria-label', `Switch off layer ${l}, head ${h}`);
    setAttribute(toggle, 'title', isOff ? `Layer ${l}, head ${h} is off (zero ablation): switch it back on` : `Switch layer ${l}, head ${h} off (zero ablation)`);
    setText(toggle.lastChild, isOff ? 'off' : 'on');
  });
}
