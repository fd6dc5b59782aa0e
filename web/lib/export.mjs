// Exports of the current view, as strings (the page turns them into downloads): an SVG figure (vector, every
// token as <text>), which the page also rasterises for the PNG, and file names derived from the sentence.
// DOM-free. Every piece of user text goes through escapeXml: the exported files carry no markup from the input.
import { viridis } from './palette.mjs';

// XML 1.0 forbids most control characters and lone surrogates: they become U+FFFD; markup characters entities.
export function escapeXml(text) {
  return String(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// 'The cat sat…' + layer 0, head 2 -> 'attention-the-cat-sat-layer0-head2'; letters of any script are kept
// (Latin accents dropped: 'Café' -> 'cafe').
export function fileStem(text, { layer, head }) {
  const words = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  let slug = '';
  for (const word of words) {
    if ((slug + word).length > 40) break;
    slug += `${slug ? '-' : ''}${word}`;
  }
  return ['attention', slug, `layer${layer}`, `head${head}`].filter(Boolean).join('-');
}

const FONT = 'system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK JP", "Noto Sans Arabic", sans-serif';
const clip = (text, max) => ([...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text);
const colour = (w) => `rgb(${viridis(Math.max(0, Math.min(1, w))).join(',')})`;

// The figure: a title, the beams of the chosen query token (left) and the (n, m) heatmap with its token labels
// (right), and a colour bar. rows/columns: the tokens as shown; weights (n, m); selected: the query row.
export function attentionSvg({ title, rows, columns, weights, selected }) {
  const n = rows.length, m = columns.length;
  const cell = Math.max(4, Math.min(28, Math.floor(560 / Math.max(n, m))));
  const labelChars = 14, labelWidth = 8 + 7 * Math.min(labelChars, Math.max(...rows.map((t) => [...t].length), ...columns.map((t) => [...t].length)));
  const fontSize = Math.min(13, Math.max(7, cell - 4));
  const rowHeight = Math.max(cell, 18);
  const margin = 20, beamsHeight = Math.max(n, m) * rowHeight, beamsWidth = margin + 2 * labelWidth + 160;
  const top = 40, mapLeft = beamsWidth + 40 + labelWidth, mapTop = top + labelWidth;
  const width = mapLeft + m * cell + 20, height = Math.max(top + beamsHeight, mapTop + n * cell) + 60;
  const parts = [];
  const text = (x, y, content, attributes = '') =>
    parts.push(`<text x="${x}" y="${y}"${attributes}>${escapeXml(clip(content, labelChars))}</text>`);

  // Beams: query tokens on the left, key tokens on the right, a line per weight from the chosen query.
  const beamX1 = margin + labelWidth, beamX2 = beamX1 + 160, rowY = (i) => top + (i + 0.5) * rowHeight;
  const lines = [];
  for (let j = 0; j < m; j++) {
    const w = weights[selected * m + j];
    if (w >= 0.002) lines.push([w, `<line x1="${beamX1}" y1="${rowY(selected)}" x2="${beamX2}" y2="${rowY(j)}" stroke="${colour(0.2 + 0.8 * w)}" stroke-width="${(0.75 + 9 * w).toFixed(2)}" stroke-opacity="${(0.35 + 0.65 * w).toFixed(2)}"/>`]);
  }
  parts.push(`<g class="beams">`, ...lines.sort((a, b) => a[0] - b[0]).map(([, line]) => line));
  rows.forEach((token, i) => text(beamX1 - 6, rowY(i) + 4, token, ` text-anchor="end"${i === selected ? ' font-weight="700"' : ''}`));
  columns.forEach((token, j) => text(beamX2 + 6, rowY(j) + 4, `${token} ${weights[selected * m + j].toFixed(2)}`));
  parts.push('</g>');

  // Heatmap: one rect per weight, row labels left, column labels rotated above.
  parts.push(`<g class="heatmap" font-size="${fontSize}">`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      parts.push(`<rect x="${mapLeft + j * cell}" y="${mapTop + i * cell}" width="${cell}" height="${cell}" fill="${colour(weights[i * m + j])}"><title>${escapeXml(`${rows[i]} → ${columns[j]}: ${weights[i * m + j].toFixed(4)}`)}</title></rect>`);
    }
  }
  rows.forEach((token, i) => text(mapLeft - 4, mapTop + (i + 0.5) * cell + fontSize / 3, token, ' text-anchor="end"'));
  columns.forEach((token, j) => {
    const x = mapLeft + (j + 0.5) * cell + fontSize / 3, y = mapTop - 4;
    text(x, y, token, ` transform="rotate(-90 ${x} ${y})"`);
  });
  parts.push('</g>');

  // Colour bar from 0 to 1.
  const barY = height - 36, barWidth = 200;
  parts.push('<defs><linearGradient id="viridis">', ...[0, 0.25, 0.5, 0.75, 1].map((t) => `<stop offset="${t}" stop-color="${colour(t)}"/>`), '</linearGradient></defs>');
  parts.push(`<rect x="${mapLeft}" y="${barY}" width="${barWidth}" height="10" fill="url(#viridis)"/>`);
  text(mapLeft - 6, barY + 9, '0', ' text-anchor="end"');
  text(mapLeft + barWidth + 6, barY + 9, '1');

  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family='${FONT}' font-size="12" fill="#1d1f23">\n`
    + `<title>${escapeXml(title)}</title>\n<rect width="100%" height="100%" fill="#ffffff"/>\n`
    + `<text x="${margin}" y="24" font-size="15" font-weight="600">${escapeXml(title)}</text>\n${parts.join('\n')}\n</svg>\n`;
}
