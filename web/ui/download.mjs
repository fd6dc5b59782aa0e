// Saving exports: a Blob handed to the browser as a download, and an SVG rasterised into a PNG (through an
// <img> of the SVG and a canvas, so the PNG is exactly the exported SVG).
export function download(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// The longest side a PNG may have: 2× of the largest figures (128 tokens) stays under it, and browsers' canvases
// allow it.
const MAX_SIDE = 8192;

// SVG text -> PNG Blob at `scale` device pixels per SVG unit (less if that would pass MAX_SIDE).
export async function svgToPng(svg, scale = 2) {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    scale = Math.min(scale, MAX_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(image.naturalWidth * scale);
    canvas.height = Math.ceil(image.naturalHeight * scale);
    canvas.getContext('2d').drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the PNG could not be made'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
