// Exports of what the playground shows, as strings (the page turns them into downloads): SVG figures — the
// beams beside the heatmap, the heatmap alone, every head, the comparison — which the page also rasterises
// for the PNGs; the steps as CSV and JSON; and file names derived from the sentence. Every figure opens with
// the sentence itself and a line saying what it shows. Cells and token labels share one pitch, from 28 px
// for short texts down to 14 px (12 in the comparison), never less: a long text makes a larger figure whose
// labels are all readable instead of a small one whose labels overlap. DOM-free. Every piece of user text
// goes through escapeXml: the exported files carry no markup from the input.
import { viridis } from './palette.mjs';
import { weightsPngUrl } from './png.mjs';

// XML 1.0 forbids most control characters and lone surrogates: they become U+FFFD; markup characters entities.
export function escapeXml(text) {
  return String(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// 'The cat sat…' + layer 0, head 2 -> 'attention-the-cat-sat-layer0-head2' (+ '-heatmap' for kind 'heatmap');
// letters of any script are kept (Latin accents dropped: 'Café' -> 'cafe').
export function fileStem(text, { layer, head }, kind = '') {
  const words = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  let slug = '';
  for (const word of words) {
    if ((slug + word).length > 40) break;
    slug += `${slug ? '-' : ''}${word}`;
  }
  return ['attention', slug, `layer${layer}`, `head${head}`, kind].filter(Boolean).join('-');
}

const FONT = 'system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK JP", "Noto Sans Arabic", sans-serif';
const INK = '#1d1f23', MUTED = '#5b6270', ACCENT = '#e07a00';
const MARGIN = 20, LABEL_CHARS = 14;
const colour = (w) => `rgb(${viridis(Math.max(0, Math.min(1, w))).join(',')})`;
const clip = (text, max) => ([...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text);
// About how wide a text is: CJK, Hangul and emoji take about 1 em, other characters about 0.6 em.
const textWidth = (text, size) => [...text].reduce((width, c) => width + (c.codePointAt(0) >= 0x1100 ? size : 0.6 * size), 0);
const labelWidth = (labels, size) => 6 + Math.max(...labels.map((t) => textWidth(clip(t, LABEL_CHARS), size)));
// The pitch of one cell (and one label) for `count` tokens: `room` px shared out, within [least, 28].
const pitchFor = (count, room, least) => Math.max(least, Math.min(28, Math.floor(room / count)));

// An SVG being written: its elements as strings, with helpers that escape every text.
function drawing() {
  const parts = [];
  return {
    parts,
    text(x, y, content, { size, anchor, bold, rotate, fill, chars = LABEL_CHARS } = {}) {
      const attributes = [size && ` font-size="${size}"`, anchor && ` text-anchor="${anchor}"`, bold && ' font-weight="700"',
        fill && ` fill="${fill}"`, rotate && ` transform="rotate(-90 ${x} ${y})"`].filter(Boolean).join('');
      parts.push(`<text x="${round(x)}" y="${round(y)}"${attributes}>${escapeXml(clip(content, chars))}</text>`);
    },
    push: (...svg) => parts.push(...svg),
  };
}
const round = (x) => Math.round(x * 10) / 10;

// The sentence, in quotes, wrapped onto at most 4 lines of `width`, then the line saying what is shown.
function heading(out, { sentence, subtitle }, width) {
  const size = 15, room = width - 2 * MARGIN, lines = [''];
  for (const word of `“${sentence.replace(/\s+/g, ' ').trim()}”`.split(' ')) {
    const line = lines.at(-1) ? `${lines.at(-1)} ${word}` : word;
    if (textWidth(line, size) <= room || !lines.at(-1)) lines[lines.length - 1] = line;
    else lines.push(word);
  }
  const shown = lines.slice(0, 4);
  if (lines.length > 4) shown[3] = `${clip(shown[3], Math.max(2, shown[3].length - 1))}…`;
  shown.forEach((line, i) => out.text(MARGIN, 26 + i * 20, line, { size, bold: true, chars: Infinity }));
  const y = 26 + shown.length * 20;
  out.text(MARGIN, y, subtitle, { size: 12, fill: MUTED, chars: Infinity });
  return y + 14;
}

// The cells of an (n, m) matrix at (x, y), `pitch` px each: rectangles (with their value as a tooltip while
// there are few), or for very large matrices one pixelated image.
async function cells(out, { rows, columns, weights }, x, y, pitch) {
  const n = rows.length, m = columns.length;
  if (n * m > 16384) {
    const href = await weightsPngUrl(weights, n, m);
    return out.push(`<image x="${x}" y="${y}" width="${m * pitch}" height="${n * pitch}" preserveAspectRatio="none" image-rendering="optimizeSpeed" href="${href}"/>`);
  }
  out.push('<g shape-rendering="crispEdges">');  // no hairlines between neighbouring cells
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const w = weights[i * m + j];
      const title = n * m <= 4096 ? `<title>${escapeXml(`${rows[i]} → ${columns[j]}: ${w.toFixed(4)}`)}</title>` : '';
      out.push(`<rect x="${x + j * pitch}" y="${y + i * pitch}" width="${pitch}" height="${pitch}" fill="${colour(w)}">${title}</rect>`);
    }
  }
  out.push('</g>');
}

// A heatmap whose cells start at (x, y), its row labels to the left and column labels rotated above; the
// chosen query's row (selected ≥ 0) outlined. Returns its cells' size.
async function heatmap(out, matrix, x, y, pitch) {
  const { rows, columns, selected = -1 } = matrix;
  const size = Math.min(13, pitch - 3);
  await cells(out, matrix, x, y, pitch);
  rows.forEach((token, i) => out.text(x - 4, y + (i + 0.5) * pitch + size / 3, token, { size, anchor: 'end', bold: i === selected }));
  columns.forEach((token, j) => out.text(x + (j + 0.5) * pitch + size / 3, y - 4, token, { size, rotate: true }));
  if (selected >= 0) out.push(`<rect x="${x - 1}" y="${y + selected * pitch - 1}" width="${columns.length * pitch + 2}" height="${pitch + 2}" fill="none" stroke="${ACCENT}" stroke-width="2"/>`);
  return { width: columns.length * pitch, height: rows.length * pitch };
}

// The beams of query `selected`, its rows `pitch` apart from y: queries right-aligned at x, keys with their
// weights after the lines. Returns its width.
function beams(out, { rows, columns, weights, selected }, x, y, pitch, queryWidth) {
  const size = Math.min(13, pitch - 3), m = columns.length, x1 = x + queryWidth, x2 = x1 + 200;
  const rowY = (i) => y + (i + 0.5) * pitch;
  const lines = [];
  for (let j = 0; j < m; j++) {
    const w = weights[selected * m + j];
    if (w >= 0.002) lines.push([w, `<line x1="${x1 + 4}" y1="${rowY(selected)}" x2="${x2 - 4}" y2="${rowY(j)}" stroke="${colour(0.2 + 0.8 * w)}" stroke-width="${(0.75 + 9 * w).toFixed(2)}" stroke-opacity="${(0.35 + 0.65 * w).toFixed(2)}"/>`]);
  }
  out.push('<g class="beams">', ...lines.sort((a, b) => a[0] - b[0]).map(([, line]) => line));
  rows.forEach((token, i) => out.text(x1 - 2, rowY(i) + size / 3, token, { size, anchor: 'end', bold: i === selected }));
  columns.forEach((token, j) => out.text(x2 + 2, rowY(j) + size / 3, `${clip(token, LABEL_CHARS)} ${weights[selected * m + j].toFixed(2)}`, { size, chars: Infinity }));
  out.push('</g>');
  return queryWidth + 200 + labelWidth(columns, size) + 5 * 0.6 * size;
}

// A colour bar from 0 to 1 at (x, y).
function colourBar(out, x, y) {
  out.push('<defs><linearGradient id="viridis">', ...[0, 0.25, 0.5, 0.75, 1].map((t) => `<stop offset="${t}" stop-color="${colour(t)}"/>`), '</linearGradient></defs>');
  out.push(`<rect x="${x}" y="${y}" width="200" height="10" fill="url(#viridis)"/>`);
  out.text(x - 6, y + 9, '0', { anchor: 'end' });
  out.text(x + 206, y + 9, '1');
}

// The document around a drawing: its title (the heading's words) for viewers, a white page, the default font.
function svgDocument(width, height, title, out) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" font-family='${FONT}' font-size="12" fill="${INK}">\n`
    + `<title>${escapeXml(`“${title.sentence}” — ${title.subtitle}`)}</title>\n<rect width="100%" height="100%" fill="#ffffff"/>\n${out.parts.join('\n')}\n</svg>\n`;
}

// A heading's height once laid out at `width` (headings are drawn last, when the width is known).
const headingHeight = (title, width) => heading(drawing(), title, width);

// The figure of the page's first two views: the beams of the chosen token beside the heatmap, rows aligned.
// title: { sentence, subtitle }; matrix: { rows, columns, weights (n, m), selected: the query row }.
export async function figureSvg(title, matrix) {
  const { rows, columns } = matrix, n = rows.length, m = columns.length;
  const pitch = pitchFor(Math.max(n, m), 560, 14), size = Math.min(13, pitch - 3);
  const queryWidth = labelWidth(rows, size), rowWidth = labelWidth(rows, size), columnHeight = labelWidth(columns, size);
  const body = drawing();
  // Drawn at y = 0, then moved below the heading once the width (and so the heading's height) is known.
  const beamsWidth = beams(body, { ...matrix, selected: Math.max(0, matrix.selected) }, MARGIN, columnHeight, pitch, queryWidth);
  const mapX = MARGIN + beamsWidth + 30 + rowWidth;
  const { width: mapWidth, height: mapHeight } = await heatmap(body, matrix, mapX, columnHeight, pitch);
  colourBar(body, mapX, columnHeight + mapHeight + 16);
  return framed(title, body, Math.max(640, mapX + mapWidth + MARGIN), columnHeight + mapHeight + 40);
}

// The heatmap alone. matrix: as figureSvg's (selected may be -1: no row outlined).
export async function heatmapSvg(title, matrix) {
  const { rows, columns } = matrix;
  const pitch = pitchFor(Math.max(rows.length, columns.length), 720, 14), size = Math.min(13, pitch - 3);
  const body = drawing(), columnHeight = labelWidth(columns, size), mapX = MARGIN + labelWidth(rows, size);
  const { width, height } = await heatmap(body, matrix, mapX, columnHeight, pitch);
  colourBar(body, mapX, columnHeight + height + 16);
  return framed(title, body, Math.max(480, mapX + width + MARGIN), columnHeight + height + 40);
}

// The comparison: each panel ({ title, rows, columns, weights, selected }) a heatmap, side by side.
export async function comparisonSvg(title, panels) {
  const pitch = pitchFor(Math.max(...panels.flatMap((p) => [p.rows.length, p.columns.length])), 360, 12), size = Math.min(13, pitch - 3);
  const body = drawing(), top = 24 + Math.max(...panels.map((p) => labelWidth(p.columns, size)));
  let x = MARGIN, bottom = 0;
  for (const panel of panels) {
    x += labelWidth(panel.rows, size);
    body.text(x, 14, panel.title, { size: 13, bold: true, chars: Infinity });
    const { width, height } = await heatmap(body, panel, x, top, pitch);
    x += Math.max(width, textWidth(panel.title, 13)) + 36;
    bottom = Math.max(bottom, top + height);
  }
  colourBar(body, MARGIN + 12, bottom + 16);
  return framed(title, body, Math.max(640, x - 36 + MARGIN), bottom + 40);
}

// Every head: one thumbnail per layer and head (images, one pixel per weight), each named by its pattern.
// grid: { layers, heads, n, matrices: [(n, n) per layer · heads + head], names: [text per head], selected: { layer, head } }.
export async function headGridSvg(title, { layers, heads, n, matrices, names, selected }) {
  const thumb = Math.max(110, Math.min(180, Math.floor(900 / heads))), gap = 16, left = MARGIN + 60, top = 24;
  const body = drawing();
  for (let h = 0; h < heads; h++) body.text(left + h * (thumb + gap) + thumb / 2, 14, `head ${h}`, { anchor: 'middle', fill: MUTED });
  for (let l = 0; l < layers; l++) {
    const y = top + l * (thumb + 40);
    body.text(MARGIN, y + thumb / 2, `layer ${l}`, { fill: MUTED });
    for (let h = 0; h < heads; h++) {
      const x = left + h * (thumb + gap), index = l * heads + h;
      body.push(`<image x="${x}" y="${y}" width="${thumb}" height="${thumb}" preserveAspectRatio="none" image-rendering="optimizeSpeed" href="${await weightsPngUrl(matrices[index], n, n)}"/>`);
      if (selected.layer === l && selected.head === h) body.push(`<rect x="${x - 2}" y="${y - 2}" width="${thumb + 4}" height="${thumb + 4}" fill="none" stroke="${ACCENT}" stroke-width="2"/>`);
      body.text(x, y + thumb + 15, names[index], { size: 11, fill: MUTED, chars: Math.floor(thumb / 6) });
    }
  }
  const height = top + layers * (thumb + 40);
  colourBar(body, left + 12, height);
  return framed(title, body, Math.max(640, left + heads * (thumb + gap) - gap + MARGIN), height + 24);
}

// The heading on top of a body drawn from y = 0, and the document around both.
function framed(title, body, width, bodyHeight) {
  const top = headingHeight(title, width) + 8;
  const out = drawing();
  heading(out, title, width);
  out.push(`<g transform="translate(0 ${top})">`, ...body.parts, '</g>');
  return svgDocument(width, top + bodyHeight, title, out);
}

// A spreadsheet cell: quoted when it holds a comma, quote or line break; a text that a spreadsheet would run
// as a formula (=, +, -, @ first) gets a leading apostrophe.
const csvCell = (value) => {
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

// The steps' table as CSV: one row per key (its token, q·k, the scaled score, the softmax weight, the weight as
// shown with the special tokens hidden, and every component of k and v), then the total and the output.
// steps: attentionSteps()'s; labels: the tokens as shown.
export function stepsCsv(steps, labels) {
  const { dk, rows, output, total } = steps;
  const components = (name) => Array.from({ length: dk }, (_, c) => `${name}${c}`);
  const lines = [['key token', 'q·k', 'scaled', 'softmax', 'shown', ...components('k'), ...components('v')]];
  rows.forEach((r, j) => lines.push([labels[j], ...(r.visible ? [r.score, r.scaled, r.weight] : ['masked', 'masked', 0]),
    r.shown ?? 'hidden', ...r.key, ...r.value]));
  lines.push(['total', '', '', total.weight, total.shown, ...Array(dk).fill(''), ...Array(dk).fill('')]);
  lines.push(['output Σ softmax × v', '', '', '', '', ...Array(dk).fill(''), ...output]);
  return `${lines.map((line) => line.map(csvCell).join(',')).join('\n')}\n`;
}

// Everything the steps show, step 5 included when its trace has arrived (residual: residualStep()'s, or null).
export function stepsJson({ steps, labels, token, config, state, residual }) {
  const list = (vector) => Array.from(vector);
  return {
    format: 'attention-steps', version: 1, model: config.name, layer: state.layer, head: state.head,
    token: labels[token], query: list(steps.query), dk: steps.dk, divisor: steps.divisor,
    keys: steps.rows.map((r, j) => ({ token: labels[j], visible: r.visible, score: r.score, scaled: r.scaled, weight: r.weight, shown: r.shown, key: list(r.key), value: list(r.value) })),
    total: steps.total, output: list(steps.output), largestError: steps.largestError,
    ...(residual && { throughWO: Object.fromEntries(['headOutput', 'contribution', 'attentionOutput', 'residualBefore', 'residualAfter', 'lengths', 'share', 'alignment', 'change']
      .map((name) => [name, ArrayBuffer.isView(residual[name]) ? list(residual[name]) : residual[name]])) }),
  };
}
