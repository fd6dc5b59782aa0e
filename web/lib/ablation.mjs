// Heads switched off: zero ablation, the head's output set to zero before W_O (the model's run(text, { ablate })),
// so that the later layers' attentions and the predictions change and the earlier layers' do not. In the
// playground's state, the URL and the <attention-view> element's `ablate` attribute they are one text, the
// 'layer.head' pairs in order, separated by spaces: '0.1 2.3'. DOM-free.

export const MAX_LAYER = 63, MAX_HEAD = 255;  // as the state's layer and head fields allow

const PAIR = /^(\d{1,2})\.(\d{1,3})$/;
const canonical = (pairs) => [...new Map(pairs.map(([l, h]) => [`${l}.${h}`, [l, h]])).values()]
  .sort((a, b) => a[0] - b[0] || a[1] - b[1]);

// '0.1 2.3' -> [[0, 1], [2, 3]] in order without repeats; '' -> []; undefined when the text is not such a list.
export function parseHeads(text) {
  const words = String(text).trim().split(/\s+/).filter(Boolean);
  const pairs = [];
  for (const word of words) {
    const match = PAIR.exec(word);
    if (!match) return undefined;
    const pair = [Number(match[1]), Number(match[2])];
    if (pair[0] > MAX_LAYER || pair[1] > MAX_HEAD) return undefined;
    pairs.push(pair);
  }
  return canonical(pairs);
}

// [[2, 3], [0, 1]] -> '0.1 2.3' (ordered, no repeats).
export const formatHeads = (pairs) => canonical(pairs).map(([l, h]) => `${l}.${h}`).join(' ');

// The text's pairs that a model of `layers` × `heads` has (a link may name heads a smaller model lacks).
export const headsIn = (text, { layers, heads }) => (parseHeads(text) ?? []).filter(([l, h]) => l < layers && h < heads);

export const isOff = (text, layer, head) => (parseHeads(text) ?? []).some(([l, h]) => l === layer && h === head);

// The list with [layer, head] switched: off if it was on, on if it was off.
export function toggleHead(text, layer, head) {
  const pairs = parseHeads(text) ?? [];
  const kept = pairs.filter(([l, h]) => l !== layer || h !== head);
  return formatHeads(kept.length < pairs.length ? kept : [...pairs, [layer, head]]);
}

// Every head of a model of `layers` × `heads` off but [layer, head].
export function allBut({ layers, heads }, layer, head) {
  const pairs = [];
  for (let l = 0; l < layers; l++) for (let h = 0; h < heads; h++) if (l !== layer || h !== head) pairs.push([l, h]);
  return formatHeads(pairs);
}

// For captions and the status line: 'head 0.2 off', 'heads 0.2 and 1.3 off', '11 of 12 heads off'.
export function headsOffText(text, { layers, heads } = {}) {
  const pairs = parseHeads(text) ?? [];
  if (pairs.length === 0) return '';
  const names = pairs.map(([l, h]) => `${l}.${h}`);
  if (pairs.length === 1) return `head ${names[0]} off`;
  if (pairs.length <= 3) return `heads ${names.slice(0, -1).join(', ')} and ${names.at(-1)} off`;
  return layers ? `${pairs.length} of ${layers * heads} heads off` : `${pairs.length} heads off`;
}
