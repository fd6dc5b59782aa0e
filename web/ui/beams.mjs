// Token beams: the tokens twice, as queries (left, or top for long input) and keys (right, or bottom), with a
// line from the chosen query to every key, as thick and as bright as its weight. Hovering or focusing a query
// previews its beams; clicking it (or Enter) chooses it; hovering, tapping or focusing a key shows its exact
// weight beside it. Long inputs scroll sideways, starting at the chosen token.
import { viridis } from '../lib/palette.mjs';
import { keepChildren, keptView, setAttribute, setStyleProperty, setText } from './children.mjs';
import { createTip } from './tip.mjs';

const SVG = 'http://www.w3.org/2000/svg';
export const ROWS_FROM = 33;  // from this many tokens on, the columns turn into two scrolling rows
const FAINTEST = { columns: 0.002, rows: 0.01 };  // thinner beams than this are not drawn

// One tab stop for a group of buttons (the children of `group`): the arrow keys, Home and End move between them.
function roving(group) {
  group.addEventListener('keydown', (event) => {
    const buttons = [...group.children], i = buttons.indexOf(event.target);
    const step = { ArrowUp: -1, ArrowLeft: -1, ArrowDown: 1, ArrowRight: 1 }[event.key];
    const target = event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1 : step === undefined ? null : i + step;
    if (i < 0 || target === null || target < 0 || target >= buttons.length) return;
    event.preventDefault();
    buttons[i].tabIndex = -1;
    buttons[target].tabIndex = 0;
    buttons[target].focus();
  });
}

// Each container's beams, kept from one drawing to the next (children.mjs says why).
const drawn = new WeakMap();

// labels: the tokens' texts; weights (n, n); selected: the chosen query; onSelect(i) when another is chosen.
export function renderBeams(container, props) {
  keptView(drawn, container, createBeams).update(props);
}

// The elements of one beams view, and update(props) to show a matrix in them; the listeners read the props shown.
function createBeams() {
  let shown = null;  // { labels, weights, selected, onSelect, caption, n, layout }
  const figure = document.createElement('figure');
  const readout = document.createElement('figcaption');
  readout.className = 'beams-readout';
  readout.setAttribute('aria-live', 'polite');

  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'beams-lines');
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
  roving(queries);
  roving(keys);

  const body = document.createElement('div');
  body.className = 'beams-body';
  const tip = createTip(body);
  body.prepend(queries, svg, keys);
  figure.append(body, readout);

  const query = (i) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'beams-token';
    button.dataset.focus = `beam-${i}`;  // the page puts focus back here after a re-render
    button.addEventListener('pointerenter', () => draw(i));
    button.addEventListener('focus', () => draw(i));
    button.addEventListener('pointerleave', () => { if (button.getRootNode().activeElement !== button) draw(shown.selected); });
    button.addEventListener('blur', () => draw(shown.selected));
    button.addEventListener('click', () => shown.onSelect(i));
    return button;
  };
  const key = (j) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'beams-token beams-key';
    button.dataset.focus = `key-${j}`;
    button.tabIndex = -1;
    const value = document.createElement('span');
    value.className = 'beams-value';
    button.append(document.createElement('span'), value);
    button.addEventListener('pointerenter', () => say(at, j));
    button.addEventListener('click', () => say(at, j));  // a tap, where there is no hover
    button.addEventListener('focus', () => say(at, j));
    button.addEventListener('pointerleave', (event) => { if (event.pointerType === 'mouse' && button.getRootNode().activeElement !== button) tip.hide(); });
    button.addEventListener('blur', () => tip.hide());
    return button;
  };
  let buttons = [], keySpans = [];
  let at = 0;  // the query whose beams are drawn
  // Key j's weight from query i: in the readout, and in a tip beside the key.
  const say = (i, j) => {
    const { labels, weights, n } = shown;
    const text = `“${labels[i]}” → “${labels[j]}”: ${weights[i * n + j].toFixed(4)}`;
    readout.textContent = text;
    const target = keySpans[j];
    tip.show(text, target.offsetLeft + target.offsetWidth / 2, target.offsetTop, target.offsetTop + target.offsetHeight);
  };

  // The beams' lines are kept too: the k-th weakest beam drawn is the k-th line, showing beamOf[k] = [i, j].
  let beamOf = [];
  const line = () => {
    const element = document.createElementNS(SVG, 'line');
    element.setAttribute('vector-effect', 'non-scaling-stroke');
    element.append(document.createElementNS(SVG, 'title'));
    return element;
  };
  svg.addEventListener('pointerover', (event) => {
    const beam = beamOf[[...svg.children].indexOf(event.target.closest('line'))];
    if (beam) say(...beam);
  });

  // Draws query i's beams, and writes each key's weight beside it.
  function draw(i) {
    at = i;
    const { labels, weights, n, layout, caption } = shown;
    const strong = [];  // [w, j] of the beams drawn
    for (let j = 0; j < n; j++) {
      const w = weights[i * n + j];
      setText(keySpans[j].lastChild, w >= 0.005 ? w.toFixed(2) : '');
      setAttribute(keySpans[j], 'aria-label', `${labels[j]}: ${w.toFixed(3)}`);
      if (w >= FAINTEST[layout]) strong.push([w, j]);
    }
    strong.sort((a, b) => a[0] - b[0]);  // the strongest beams on top
    beamOf = strong.map(([, j]) => [i, j]);
    keepChildren(svg, strong.length, line).forEach((element, k) => {
      const [w, j] = strong[k];
      const [x1, y1, x2, y2] = layout === 'columns' ? [0, i + 0.5, 1, j + 0.5] : [i + 0.5, 0, j + 0.5, 1];
      setAttribute(element, 'x1', x1), setAttribute(element, 'y1', y1), setAttribute(element, 'x2', x2), setAttribute(element, 'y2', y2);
      setAttribute(element, 'stroke', `rgb(${viridis(0.2 + 0.8 * w).join(',')})`);  // the darkest purples vanish on a dark page
      setAttribute(element, 'stroke-width', (0.75 + 9 * w).toFixed(2));
      setAttribute(element, 'stroke-opacity', (0.35 + 0.65 * w).toFixed(2));
      setText(element.firstChild, `“${labels[i]}” → “${labels[j]}”: ${w.toFixed(4)}`);
    });
    buttons.forEach((b, k) => b.classList.toggle('beams-shown', k === i));
    setText(readout, `${caption}. Beams from “${labels[i]}”; hover, tap or focus a key for its exact weight.`);
  }

  function update({ labels, weights, selected, onSelect, caption }) {
    const n = labels.length;
    const layout = n >= ROWS_FROM ? 'rows' : 'columns';
    const relaid = shown?.layout !== layout;
    shown = { labels, weights, selected, onSelect, caption, n, layout };
    setAttribute(figure, 'class', `beams beams-${layout}`);
    setStyleProperty(body, '--n', n);  // views.css's user of it
    setAttribute(svg, 'viewBox', layout === 'columns' ? `0 0 1 ${n}` : `0 0 ${n} 1`);
    buttons = keepChildren(queries, n, query);
    keySpans = keepChildren(keys, n, key);
    buttons.forEach((button, i) => {
      setText(button, labels[i]);
      setAttribute(button, 'aria-pressed', i === selected);
      setAttribute(button, 'tabindex', i === selected ? 0 : -1);  // the attribute: a button's tabIndex is 0 without one
    });
    keySpans.forEach((button, j) => setText(button.firstChild, labels[j]));
    if (n && !keySpans.some((button) => button.tabIndex === 0)) keySpans[0].tabIndex = 0;
    // A focused query keeps its beams shown, and a focused key its tip.
    const focused = figure.getRootNode().activeElement;
    draw(buttons.includes(focused) ? buttons.indexOf(focused) : selected);
    if (keySpans.includes(focused)) say(at, keySpans.indexOf(focused));
    else tip.hide();
    // Long input scrolls sideways: start with the chosen token in the middle, not at the left edge.
    const chosen = buttons[selected];
    if (layout === 'rows' && chosen && (relaid || chosen !== centred.button || labels[selected] !== centred.label)) {
      centred = { button: chosen, label: labels[selected] };
      onceLaidOut(body, () => { body.scrollLeft = chosen.offsetLeft + chosen.offsetWidth / 2 - body.clientWidth / 2; });
    }
  }
  let centred = {};  // { button, label }: the query last scrolled to the middle, which typing elsewhere leaves be
  return { element: figure, update };
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
