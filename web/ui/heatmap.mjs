// Heatmap view of an (n, m) weight matrix: one canvas pixel per cell, scaled up by CSS with crisp edges,
// token labels on both axes (as text, never HTML), the exact value on hover or keyboard focus.
import { VIRIDIS_LEVELS, VIRIDIS_RGBA } from '../lib/palette.mjs';

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

export const weightsCanvas = (weights, n, m) => paintWeights(document.createElement('canvas'), weights, n, m);

export function renderHeatmap(container, { rows, columns, weights, caption }) {
  const n = rows.length, m = columns.length;
  const figure = document.createElement('figure');
  figure.className = 'heatmap';
  figure.style.setProperty('--columns', m);
  figure.style.setProperty('--rows', n);

  const canvas = weightsCanvas(weights, n, m);
  canvas.className = 'heatmap-cells';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', caption);
  canvas.tabIndex = 0;

  const label = (text, className) => {
    const element = document.createElement('span');
    element.className = className;
    element.textContent = text;
    return element;
  };
  const rowLabels = document.createElement('div');
  rowLabels.className = 'heatmap-rows';
  rows.forEach((text) => rowLabels.append(label(text, 'heatmap-label')));
  const columnLabels = document.createElement('div');
  columnLabels.className = 'heatmap-columns';
  columns.forEach((text) => columnLabels.append(label(text, 'heatmap-label')));

  const readout = document.createElement('figcaption');
  readout.className = 'heatmap-readout';
  readout.setAttribute('aria-live', 'polite');
  const show = (i, j) => {
    readout.textContent = `“${rows[i]}” → “${columns[j]}”: ${weights[i * m + j].toFixed(4)}`;
  };
  const defaultText = `${caption}. Hover a cell, or focus the matrix and use the arrow keys.`;
  readout.textContent = defaultText;
  canvas.addEventListener('pointermove', (event) => {
    const box = canvas.getBoundingClientRect();
    const j = Math.min(m - 1, Math.floor(((event.clientX - box.left) / box.width) * m));
    const i = Math.min(n - 1, Math.floor(((event.clientY - box.top) / box.height) * n));
    if (i >= 0 && j >= 0) show(i, j);
  });
  canvas.addEventListener('pointerleave', () => { readout.textContent = defaultText; });
  let cursor = [0, 0];
  canvas.addEventListener('keydown', (event) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    cursor = [Math.max(0, Math.min(n - 1, cursor[0] + move[0])), Math.max(0, Math.min(m - 1, cursor[1] + move[1]))];
    show(...cursor);
  });

  const grid = document.createElement('div');
  grid.className = 'heatmap-grid';
  grid.append(document.createElement('span'), columnLabels, rowLabels, canvas);
  const wasOpen = container.querySelector('.heatmap-table')?.open ?? false;
  figure.append(grid, readout, weightsTable(rows, columns, weights, caption, wasOpen));
  container.replaceChildren(figure);
}

// The same numbers as a table (for screen readers, and for reading exact values): rows attend to columns.
// Built only while open (128 tokens make 16,384 cells, too many to rebuild on every keystroke unseen).
function weightsTable(rows, columns, weights, caption, open) {
  const details = document.createElement('details');
  details.className = 'heatmap-table';
  const summary = document.createElement('summary');
  summary.textContent = 'Show the weights as a table';
  details.append(summary);
  const build = () => {
    if (details.open && details.childElementCount === 1) details.append(tableOf(rows, columns, weights, caption));
  };
  details.addEventListener('toggle', build);
  details.open = open;
  build();
  return details;
}

function tableOf(rows, columns, weights, caption) {
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
  return table;
}
