// Token beams: the tokens twice, as queries (left, or top for long input) and keys (right, or bottom), with a
// line from the chosen query to every key, as thick and as bright as its weight. Hovering or focusing a query
// previews its beams; clicking it (or Enter) chooses it; hovering, tapping or focusing a key shows its exact
// weight beside it. Long inputs scroll sideways, starting at the chosen token.
import { viridis } from '../lib/palette.mjs';
import { createTip } from './tip.mjs';

const SVG = 'http://www.w3.org/2000/svg';
export const ROWS_FROM = 33;  // from this many tokens on, the columns turn into two scrolling rows
const FAINTEST = { columns: 0.002, rows: 0.01 };  // thinner beams than this are not drawn

// One tab stop for a group of buttons: the arrow keys, Home and End move between them.
function roving(buttons, current) {
  buttons.forEach((button, i) => {
    button.tabIndex = i === current ? 0 : -1;
    button.addEventListener('keydown', (event) => {
      const step = { ArrowUp: -1, ArrowLeft: -1, ArrowDown: 1, ArrowRight: 1 }[event.key];
      const target = event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1 : step === undefined ? null : i + step;
      if (target === null || target < 0 || target >= buttons.length) return;
      event.preventDefault();
      button.tabIndex = -1;
      buttons[target].tabIndex = 0;
      buttons[target].focus();
    });
  });
}

// labels: the tokens' texts; weights (n, n); selected: the chosen query; onSelect(i) when another is chosen.
export function renderBeams(container, { labels, weights, selected, onSelect, caption }) {
  const n = labels.length;
  const layout = n >= ROWS_FROM ? 'rows' : 'columns';
  const figure = document.createElement('figure');
  figure.className = `beams beams-${layout}`;
  figure.style.setProperty('--n', n);

  const readout = document.createElement('figcaption');
  readout.className = 'beams-readout';
  readout.setAttribute('aria-live', 'polite');

  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'beams-lines');
  svg.setAttribute('viewBox', layout === 'columns' ? `0 0 1 ${n}` : `0 0 ${n} 1`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('aria-hidden', 'true');

  const queries = document.createElement('div');
  queries.className = 'beams-queries';
  queries.setAttribute('role', 'group');
  queries.setAttribute('aria-label', 'Queries: choose the token whose attention to show');
  const keys = document.createElement('div');
  keys.className = 'beams-keys';
  keys.setAttribute('role', 'group');
  keys.setAttribute('aria-label', 'Keys: the weight of each');

  const buttons = labels.map((text, i) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'beams-token';
    button.textContent = text;
    button.dataset.focus = `beam-${i}`;  // the page puts focus back here after a re-render
    button.setAttribute('aria-pressed', String(i === selected));
    button.addEventListener('pointerenter', () => draw(i));
    button.addEventListener('focus', () => draw(i));
    button.addEventListener('pointerleave', () => { if (button.getRootNode().activeElement !== button) draw(selected); });
    button.addEventListener('blur', () => draw(selected));
    button.addEventListener('click', () => onSelect(i));
    return button;
  });
  const keySpans = labels.map((text, j) => {
    const key = document.createElement('button');
    key.type = 'button';
    key.className = 'beams-token beams-key';
    key.dataset.focus = `key-${j}`;
    const label = document.createElement('span');
    label.textContent = text;
    const value = document.createElement('span');
    value.className = 'beams-value';
    key.append(label, value);
    return key;
  });
  roving(buttons, selected);
  roving(keySpans, 0);
  queries.append(...buttons);
  keys.append(...keySpans);

  const body = document.createElement('div');
  body.className = 'beams-body';
  const tip = createTip(body);
  let shown = selected;
  // Key j's weight from the query shown: in the readout, and in a tip beside the key.
  const say = (i, j) => {
    const text = `“${labels[i]}” → “${labels[j]}”: ${weights[i * n + j].toFixed(4)}`;
    readout.textContent = text;
    const key = keySpans[j];
    tip.show(text, key.offsetLeft + key.offsetWidth / 2, key.offsetTop, key.offsetTop + key.offsetHeight);
  };
  keySpans.forEach((key, j) => {
    key.addEventListener('pointerenter', () => say(shown, j));
    key.addEventListener('click', () => say(shown, j));  // a tap, where there is no hover
    key.addEventListener('focus', () => say(shown, j));
    key.addEventListener('pointerleave', (event) => { if (event.pointerType === 'mouse' && key.getRootNode().activeElement !== key) tip.hide(); });
    key.addEventListener('blur', () => tip.hide());
  });

  // Draws query i's beams, and writes each key's weight beside it.
  function draw(i) {
    shown = i;
    const lines = [];
    for (let j = 0; j < n; j++) {
      const w = weights[i * n + j];
      keySpans[j].lastChild.textContent = w >= 0.005 ? w.toFixed(2) : '';
      keySpans[j].setAttribute('aria-label', `${labels[j]}: ${w.toFixed(3)}`);
      if (w < FAINTEST[layout]) continue;
      const line = document.createElementNS(SVG, 'line');
      const [x1, y1, x2, y2] = layout === 'columns' ? [0, i + 0.5, 1, j + 0.5] : [i + 0.5, 0, j + 0.5, 1];
      line.setAttribute('x1', x1), line.setAttribute('y1', y1), line.setAttribute('x2', x2), line.setAttribute('y2', y2);
      line.setAttribute('stroke', `rgb(${viridis(0.2 + 0.8 * w).join(',')})`);  // the darkest purples vanish on a dark page
      line.setAttribute('stroke-width', (0.75 + 9 * w).toFixed(2));
      line.setAttribute('stroke-opacity', (0.35 + 0.65 * w).toFixed(2));
      line.setAttribute('vector-effect', 'non-scaling-stroke');
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `“${labels[i]}” → “${labels[j]}”: ${w.toFixed(4)}`;
      line.append(title);
      line.addEventListener('pointerenter', () => say(i, j));
      lines.push([w, line]);
    }
    lines.sort((a, b) => a[0] - b[0]);  // the strongest beams on top
    svg.replaceChildren(...lines.map(([, line]) => line));
    buttons.forEach((b, k) => b.classList.toggle('beams-shown', k === i));
    readout.textContent = `${caption}. Beams from “${labels[i]}”; hover, tap or focus a key for its exact weight.`;
  }

  body.prepend(queries, svg, keys);
  figure.append(body, readout);
  container.replaceChildren(figure);
  draw(selected);
  // Long input scrolls sideways: start with the chosen token in the middle, not at the left edge.
  const chosen = buttons[selected];
  if (layout === 'rows' && chosen) onceLaidOut(body, () => { body.scrollLeft = chosen.offsetLeft + chosen.offsetWidth / 2 - body.clientWidth / 2; });
}

// Runs `then` once `element` has been laid out: in a ResizeObserver's first call, after the frame's layout and
// before its paint, so that a redraw does not force a layout of its own in the middle of the page's.
const afterLayout = new WeakMap();
const laidOut = typeof ResizeObserver === 'function' ? new ResizeObserver((entries) => {
  for (const { target } of entries) {
    laidOut.unobserve(target);
    afterLayout.get(target)?.();
    afterLayout.delete(target);
  }
}) : null;
function onceLaidOut(element, then) {
  if (!laidOut) return then();
  afterLayout.set(element, then);
  laidOut.observe(element);
}
