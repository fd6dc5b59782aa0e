// Viridis (perceptually uniform, colour-blind safe), for the views and the exports alike: 16 anchors of
// matplotlib's map, linearly interpolated. DOM-free.
const ANCHORS = [
  [68, 1, 84],
  [72, 26, 108],
  [71, 47, 125],
  [65, 68, 135],
  [57, 86, 140],
  [49, 104, 142],
  [42, 120, 142],
  [35, 136, 142],
  [31, 152, 139],
  [34, 168, 132],
  [53, 183, 121],
  [84, 197, 104],
  [122, 209, 81],
  [165, 219, 54],
  [210, 226, 27],
  [253, 231, 37],
];

// value in [0, 1] -> [r, g, b] bytes. Values outside are clamped.
export function viridis(value) {
  const t = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0)) * (ANCHORS.length - 1);
  const i = Math.min(ANCHORS.length - 2, Math.floor(t));
  const f = t - i;
  return ANCHORS[i].map((low, c) => Math.round(low + (ANCHORS[i + 1][c] - low) * f));
}

// viridis at 1024 evenly spaced values as RGBA bytes, for painting many cells fast: level k is
// viridis(k / 1023) at [4k, 4k + 4). Finer than any screen shows.
export const VIRIDIS_LEVELS = 1024;
export const VIRIDIS_RGBA = new Uint8ClampedArray(VIRIDIS_LEVELS * 4);
for (let k = 0; k < VIRIDIS_LEVELS; k++) VIRIDIS_RGBA.set([...viridis(k / (VIRIDIS_LEVELS - 1)), 255], 4 * k);

// A CSS linear-gradient of the palette, for colour bars.
export const VIRIDIS_GRADIENT = `linear-gradient(to right, ${ANCHORS.map(([r, g, b]) => `rgb(${r} ${g} ${b})`).join(', ')})`;
