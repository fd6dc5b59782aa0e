// Heatmap view of an (n, m) weight matrix: one canvas pixel per cell, scaled up by CSS with crisp edges, and
// token labels on both axes (as text, never HTML). Each label sits in a grid track of its own row's (or
// column's) size, so it is centred on its row at every length and width; when the rows are thinner than a line
// of text, only every k-th label shows (and the chosen row's), so that no label covers another or names the
// wrong row. The exact weight shows in a tip beside the cell on hover, tap or keyboard focus; the chosen query's
// row is outlined, and clicking a row (or Enter on it) chooses that token.
import { VIRIDIS_LEVELS, VIRIDIS_RGBA } from '../lib/palette.mjs';
import { keepChildren, keptView, setAttribute, setHidden, setStyleProperty, setText } from './children.mjs';
import { createTip } from './tip.mjs';

const COLOURS = new Uint32Array(VIRIDIS_RGBA.buffer);

// Paints an (n, m) matrix into `canvas` at one pixel per weight, in viridis; CSS scales it up with crisp edges.
export function paintWeights(canvas, weights, n, m) {
  if (canvas.width !== m) canvas.width = m;
  if (canvas.height !== n) canvas.height = n;
  const context = canvas.getContext('2d');
  const image = context.createImageData(m, n);
  const pixels = new Uint32Array(image.data.buffer);  // one RGBA pixel per element, in the platform's byte order
  for (let i = 0; i < n * m; i++) {
    const w = weights[i] >= 0 ? Math.min(weights[i], 1) : 0;  // NaN too
    pixels[i] = COLOURS[Math.round(w * (VIRIDIS_LEVELS - 1))];
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

// Which of `count` labels `pitch` px apart show when each needs `line` px: every k-th, and `keep` (the chosen
// row, or -1) with the others too close to it hidden.
export function thinnedLabels(count, pitch, line, keep = -1) {
  const stride = Math.max(1, Math.ceil(line / pitch - 1e-9));
  return Array.from({ length: count }, (_, i) => (i === keep || (i % stride === 0 && (keep < 0 || Math.abs(i - keep) >= stride))));
}

// Each drawn heatmap's layout, redone when its canvas changes size (one observer for them all).
const layouts = new WeakMap();
const resized = typeof ResizeObserver === 'function'
  ? new ResizeObserver((entries) => { for (const { target } of entries) layouts.get(target)?.(); }) : null;
// Each container's heatmap, kept from one drawing to the next (children.mjs says why).
const drawn = new WeakMap();

const label = () => Object.assign(document.createElement('span'), { className: 'heatmap-label' });

// rows, columns: token labels; weights (n, m); caption: what is shown; selected: the chosen query's row (-1:
// none); onSelect(i): called when row i is chosen (none: rows are not chosen here); focusName: the page's key
// for putting focus back after a redraw.
export function renderHeatmap(container, props) {
  keptView(drawn, container, createHeatmap).update(props);
}

// The elements of one heatmap, and update(props) to show a matrix in them; the listeners read the props shown.
function createHeatmap() {
  let shown = null;  // { rows, columns, weights, caption, selected, onSelect, n, m, identity, defaultText }
  const figure = document.createElement('figure');
  figure.className = 'heatmap';
  const canvas = document.createElement('canvas');
  canvas.className = 'heatmap-cells';
  canvas.setAttribute('role', 'img');
  canvas.tabIndex = 0;
  const rowLabels = Object.assign(document.createElement('div'), { className: 'heatmap-rows' });
  const columnLabels = Object.assign(document.createElement('div'), { className: 'heatmap-columns' });
  rowLabels.setAttribute('aria-hidden', 'true');  // the canvas's label, the readout and the table say them
  columnLabels.setAttribute('aria-hidden', 'true');
  const matrix = Object.assign(document.createElement('div'), { className: 'heatmap-matrix' });
  const mark = Object.assign(document.createElement('div'), { className: 'heatmap-row-mark' });
  const cursor = Object.assign(document.createElement('div'), { className: 'heatmap-cursor', hidden: true });
  matrix.append(canvas, mark, cursor);
  const tip = createTip(matrix);
  const readout = document.createElement('figcaption');
  readout.className = 'heatmap-readout';
  readout.setAttribute('aria-live', 'polite');
  const table = weightsTable(() => shown);
  const grid = document.createElement('div');
  grid.className = 'heatmap-grid';
  grid.append(document.createElement('span'), columnLabels, rowLabels, matrix);
  figure.append(grid, readout, table.details);

  let pointed = null;  // the cell pointed at, { i, j, withCursor, identity }: pointed at again after a redraw of the same tokens
  let keyboard = [0, 0];
  // Cell (i, j) pointed at: its weight in the tip beside it and in the readout.
  const point = (i, j, withCursor) => {
    const { rows, columns, weights, n, m } = shown;
    const text = `“${rows[i]}” → “${columns[j]}”: ${weights[i * m + j].toFixed(4)}`;
    setText(readout, text);
    const cellWidth = canvas.clientWidth / m, cellHeight = canvas.clientHeight / n;
    tip.show(text, (j + 0.5) * cellWidth, i * cellHeight, (i + 1) * cellHeight);
    cursor.hidden = !withCursor;
    setStyleProperty(cursor, '--row', i);
    setStyleProperty(cursor, '--column', j);
    pointed = { i, j, withCursor, identity: shown.identity };
  };
  // The tip and the cursor hidden; the readout keeps the last weight read (unpoint: says how to read one again).
  const hidePointer = () => {
    tip.hide();
    setHidden(cursor, true);
    pointed = null;
  };
  const unpoint = () => {
    hidePointer();
    setText(readout, shown.defaultText);
  };
  const cellAt = (event) => {
    const box = canvas.getBoundingClientRect(), { n, m } = shown;
    const j = Math.floor(((event.clientX - box.left) / box.width) * m), i = Math.floor(((event.clientY - box.top) / box.height) * n);
    return i >= 0 && i < n && j >= 0 && j < m ? [i, j] : null;
  };
  canvas.addEventListener('pointermove', (event) => {
    const cell = cellAt(event);
    if (cell && event.pointerType === 'mouse') point(...cell, false);
  });
  canvas.addEventListener('pointerdown', (event) => {
    const cell = cellAt(event);
    if (cell) point(...cell, event.pointerType !== 'mouse');
  });
  canvas.addEventListener('pointerleave', (event) => { if (event.pointerType === 'mouse') unpoint(); });
  canvas.addEventListener('click', (event) => {
    const cell = cellAt(event);
    if (cell && shown.onSelect && cell[0] !== shown.selected) shown.onSelect(cell[0]);
  });
  canvas.addEventListener('keydown', (event) => {
    const { onSelect, selected, n, m } = shown;
    if ((event.key === 'Enter' || event.key === ' ') && onSelect) {
      event.preventDefault();
      if (keyboard[0] !== selected) onSelect(keyboard[0]);
      return;
    }
    const move = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
    if (!move) return;
    event.preventDefault();
    keyboard = [Math.max(0, Math.min(n - 1, keyboard[0] + move[0])), Math.max(0, Math.min(m - 1, keyboard[1] + move[1]))];
    point(...keyboard, true);
  });
  // Focus gone: the cursor goes, not the readout's text, whose change of length would move what follows it under a
  // finger in the middle of a tap (on a phone, "Show the weights as a table" did not open after a tapped cell). Not
  // when the canvas leaves the page for a moment (Chromium fires blur while removing it): look once that is done.
  canvas.addEventListener('blur', () => queueMicrotask(() => { if (canvas.isConnected && !cursor.hidden) hidePointer(); }));

  // The labels that fit at `size`: the canvas's now, or by default the size it had when last laid out.
  let size = null;  // { height, width, line } (px)
  const thin = ({ height, width, line }) => {
    const { n, m, selected } = shown;
    const showRows = thinnedLabels(n, height / n, line, selected), showColumns = thinnedLabels(m, width / m, line);
    [...rowLabels.children].forEach((span, i) => span.classList.toggle('heatmap-label-thinned', !showRows[i]));
    [...columnLabels.children].forEach((span, j) => span.classList.toggle('heatmap-label-thinned', !showColumns[j]));
  };
  const layout = () => {
    const height = canvas.clientHeight, width = canvas.clientWidth;
    if (height === 0 || width === 0 || !shown) return;  // not laid out (off-screen, hidden): done when it is
    size = { height, width, line: parseFloat(getComputedStyle(rowLabels).fontSize) * 1.3 };
    thin(size);
  };
  layouts.set(canvas, layout);
  resized?.observe(canvas);

  function update({ rows, columns, weights, caption, selected = -1, onSelect = null, focusName = null }) {
    const n = rows.length, m = columns.length;
    const defaultText = `${caption}. Hover or tap a cell for its weight${onSelect ? '; click a row to choose that token' : ''}; `
      + `or focus the matrix and use the arrow keys${onSelect ? ' (Enter chooses the row)' : ''}.`;
    shown = { rows, columns, weights, caption, selected, onSelect, n, m, identity: rows.join('\u0000'), defaultText };
    for (const element of [grid, columnLabels, rowLabels, canvas, mark, cursor]) {  // views.css's users of the size
      setStyleProperty(element, '--columns', m);
      setStyleProperty(element, '--rows', n);
    }
    paintWeights(canvas, weights, n, m);
    setAttribute(canvas, 'aria-label', caption);
    if (focusName) canvas.dataset.focus = focusName;
    else delete canvas.dataset.focus;
    keepChildren(rowLabels, n, label).forEach((span, i) => setText(span, rows[i]));
    keepChildren(columnLabels, m, label).forEach((span, j) => setText(span, columns[j]));
    [...rowLabels.children].forEach((span, i) => span.classList.toggle('heatmap-label-chosen', i === selected));
    setHidden(mark, selected < 0);
    setStyleProperty(mark, '--row', selected);
    table.update();
    // A redraw (a keystroke) thins the labels as the canvas was sized, without reading the layout in the middle
    // of the page's redraw; the observer calls layout() after the frame's layout when the size changed.
    if (size && resized) thin(size);
    else layout();
    keyboard = [Math.max(0, selected), 0];
    if (pointed?.identity === shown.identity && pointed.i < n && pointed.j < m) {
      if (pointed.withCursor) keyboard = [pointed.i, pointed.j];
      point(pointed.i, pointed.j, pointed.withCursor);
    } else unpoint();
  }
  return { element: figure, update };
}

// The same numbers as a table (for screen readers, and for reading exact values): rows attend to columns.
// Built only while open (128 tokens make 16,384 cells, too many to rebuild on every keystroke unseen).
// shown(): the matrix shown now.
function weightsTable(shown) {
  const details = document.createElement('details');
  details.className = 'heatmap-table';
  const summary = document.createElement('summary');
  summary.textContent = 'Show the weights as a table';
  details.append(summary);
  // On every redraw and every toggle: the table of the matrix shown, while open.
  const update = () => {
    const now = shown();
    if (details.lastElementChild !== summary) details.lastElementChild.remove();
    if (details.open && now) details.append(tableOf(now.rows, now.columns, now.weights, now.caption));
  };
  details.addEventListener('toggle', update);
  return { details, update };
}

function tableOf(rows, columns, weights, caption) {
  const wrapper = document.createElement('div');
  wrapper.className = 'scroll-box';
  wrapper.tabIndex = 0;  // a keyboard scrolls it
  wrapper.setAttribute('role', 'region');
  wrapper.setAttribute('aria-label', 'The weights as a table');
  const table = document.createElement('table');
  const title = document.createElement('caption');
  title.textContent = `${caption} (row: the token that attends; column: the token attended to)`;
  const head = table.createTHead().insertRow();
  head.append(document.createElement('td'));
  for (const text of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    head.append(th);
  }
  const body = table.createTBody();
  rows.forEach((text, i) => {
    const row = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = text;
    row.append(th);
    for (let j = 0; j < columns.length; j++) row.insertCell().textContent = weights[i * columns.length + j].toFixed(3);
  });
  table.prepend(title);
  wrapper.append(table);
  return wrapper;
}
