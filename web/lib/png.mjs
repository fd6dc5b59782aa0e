// A weight matrix as a PNG image, one pixel per weight in viridis, for the SVG exports of many matrices at once
// (the head grid: 12 heads of 128 tokens would be 196,608 rectangles). The image data is compressed by the
// platform's CompressionStream ('deflate' is the zlib format PNG uses). DOM-free.
import { toBase64 } from './base64.mjs';
import { VIRIDIS_LEVELS, VIRIDIS_RGBA } from './palette.mjs';

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

// One PNG chunk: length, type, data, CRC of type and data.
function chunk(type, data) {
  const out = new Uint8Array(12 + data.length), view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

// weights: (n, m) row-major, drawn on a 0–1 scale -> the bytes of an m × n RGB PNG.
export async function weightsPng(weights, n, m) {
  const raw = new Uint8Array(n * (1 + 3 * m));  // each scanline: filter type 0, then RGB triples
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const w = weights[i * m + j] >= 0 ? Math.min(weights[i * m + j], 1) : 0;
      const level = Math.round(w * (VIRIDIS_LEVELS - 1));
      raw.set(VIRIDIS_RGBA.subarray(4 * level, 4 * level + 3), i * (1 + 3 * m) + 1 + 3 * j);
    }
  }
  const compressed = new Uint8Array(await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer());
  const header = new Uint8Array(13), view = new DataView(header.buffer);
  view.setUint32(0, m);
  view.setUint32(4, n);
  header.set([8, 2, 0, 0, 0], 8);  // 8 bits per channel, RGB, deflate, adaptive filtering, no interlace
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', header), chunk('IDAT', compressed), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

// The same as a data: URL, for an SVG <image>.
export async function weightsPngUrl(weights, n, m) {
  return `data:image/png;base64,${toBase64(await weightsPng(weights, n, m))}`;
}
