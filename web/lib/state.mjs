// The playground's state: one plain object whose fields are listed in FIELDS, serialised to location.hash so
// that every view is a permalink. DOM-free: the page reads and writes the hash; this only converts.
//
// Two forms of hash. The plain one, '#text=The+cat&layer=1' (the defaults left out), which every link made so
// far uses and which stays readable; and, when that would be longer than PLAIN_HASH_LIMIT characters, '#z1='
// followed by the plain form's text compressed (deflate-raw, by the platform's CompressionStream) and written
// in base64url: 'z1' is the marker of that format, version 1. readHash reads both; parseHash and toHash are
// the plain form alone (synchronous).
import { formatHeads, parseHeads } from './ablation.mjs';
import { fromBase64url, toBase64url } from './base64.mjs';
import { isHubModel } from './hub-names.mjs';
import { formatMasked, parseMasked } from './masking.mjs';

// The longest text a link keeps (of the sentence, and of the second sentence): far more than a model reads
// (128 or 512 tokens). Measured: 100,000 characters of English prose make a 52 kB compressed hash (117 kB
// plain); 100,000 random CJK characters, the worst case, 323 kB: inside the 2 MB Chromium keeps of a URL.
export const MAX_TEXT = 100000;

export const FIELDS = {
  text: { kind: 'string', default: 'The cat sat on the mat because it was tired', maxLength: MAX_TEXT },
  // 'checkpoint': the user's own model, loaded from files in this tab (the files are not in the URL); or a model
  // from the Hugging Face Hub by repository and commit, 'hf:openai-community/gpt2@<commit>' (web/lib/hub-names.mjs).
  model: { kind: 'choice', choices: ['builtin', 'builtin-causal', 'builtin-lens', 'checkpoint'], also: isHubModel, default: 'builtin' },
  layer: { kind: 'integer', min: 0, max: 63, default: 0 },
  // A head's number, or 'average' (of the layer's heads) or 'rollout' (through layers 0..layer).
  head: { kind: 'integer', min: 0, max: 255, words: ['average', 'rollout'], default: 2 },
  // The query token the beams and the four steps show (0 is [BOS]).
  token: { kind: 'integer', min: 0, max: 511, default: 3 },
  // What-if controls: the mask the model was trained with, or forced causal, or none; √d_k scaling; temperature.
  mask: { kind: 'choice', choices: ['trained', 'causal', 'none'], default: 'trained' },
  scaled: { kind: 'boolean', default: true },
  temperature: { kind: 'number', min: 0.1, max: 10, default: 1 },
  // Hide the special tokens the model added ([BOS]; [CLS] and [SEP]; <|endoftext|>): their rows and columns
  // left out of every view, the other weights rescaled per row. (Named for the built-in models' [BOS].)
  hideBos: { kind: 'boolean', default: false },
  // A second sentence: shown beside the first on the same head, and as the keys and values of cross-attention.
  compare: { kind: 'string', default: '', maxLength: MAX_TEXT },
  // The one view an embed (web/embed.html, <attention-view>) shows; the playground page shows them all.
  // 'compare': the two sentences and their cross-attention (with a second sentence only).
  view: { kind: 'choice', choices: ['beams', 'matrix', 'heads', 'compare'], default: 'beams' },
  // Heads switched off (zero ablation: their outputs set to zero before W_O), 'layer.head' pairs in order:
  // '0.1 2.3' (web/lib/ablation.mjs).
  ablate: { kind: 'list', parse: (text) => { const pairs = parseHeads(text); return pairs && formatHeads(pairs); }, default: '' },
  // What the Mask button replaced, for a masked LM to be scored against: where each mask token starts in the text
  // and the text it replaced, '3:%20cat' (web/lib/masking.mjs).
  masked: { kind: 'list', parse: (text) => { const entries = parseMasked(text); return entries && formatMasked(entries); }, default: '' },
};

export function defaultState() {
  return Object.fromEntries(Object.entries(FIELDS).map(([name, field]) => [name, field.default]));
}

// The field's value from its hash text (or an <attention-view> attribute), or undefined when the text is not
// a valid value. A text longer than the field keeps is cut to its maxLength (linkNote says so).
export function parseField(field, text) {
  if (field.kind === 'string') return text.slice(0, field.maxLength);
  if (field.kind === 'choice') return field.choices.includes(text) || field.also?.(text) ? text : undefined;
  if (field.kind === 'boolean') return { on: true, off: false }[text];
  if (field.kind === 'list') return field.parse(text);  // undefined, or the list written as it always is
  if (field.kind === 'number') {
    const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    return value >= field.min && value <= field.max ? value : undefined;
  }
  if (field.words?.includes(text)) return text;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}

// '#text=...&layer=2' -> a full state; missing, unknown or invalid entries fall back to the defaults.
export function parseHash(hash) {
  const state = defaultState();
  const params = new URLSearchParams(String(hash).replace(/^#/, ''));
  for (const [name, field] of Object.entries(FIELDS)) {
    if (!params.has(name)) continue;
    const value = parseField(field, params.get(name));
    if (value !== undefined) state[name] = value;
  }
  return state;
}

// A state -> '#...' holding only the fields that differ from their defaults ('' when none do); texts cut to
// what a link keeps.
export function toHash(state) {
  const params = new URLSearchParams();
  for (const [name, field] of Object.entries(FIELDS)) {
    const value = state[name];
    if (value === undefined || value === field.default) continue;
    params.set(name, field.kind === 'boolean' ? (value ? 'on' : 'off') : String(value).slice(0, field.maxLength ?? Infinity));
  }
  const text = params.toString();
  return text ? `#${text}` : '';
}

// What a link of this state cannot keep, for the page to say (null: it keeps everything).
export function linkNote(state) {
  const cut = ['text', 'compare'].filter((name) => state[name].length > FIELDS[name].maxLength);
  if (cut.length === 0) return null;
  const which = cut.map((name) => (name === 'text' ? 'the sentence' : 'the second sentence')).join(' and ');
  return `A link keeps the first ${MAX_TEXT.toLocaleString('en')} characters of ${which}; the rest is not in it.`;
}

export const PLAIN_HASH_LIMIT = 2000;  // longer plain hashes are compressed
const COMPRESSED = 'z1';
// A compressed hash's text may inflate to at most this many bytes: two texts of MAX_TEXT UTF-16 units, each
// at most 9 characters once percent-encoded (a 3-byte UTF-8 character), and the other fields. A crafted link
// cannot make the page inflate gigabytes.
const MAX_INFLATED = 2 * 9 * MAX_TEXT + 4096;

// Bytes through a CompressionStream or DecompressionStream, refusing output beyond `limit` bytes.
async function transform(bytes, stream, limit = Infinity) {
  const reader = new Blob([bytes]).stream().pipeThrough(stream).getReader();
  const chunks = [];
  let length = 0;
  for (let part; !(part = await reader.read()).done;) {
    length += part.value.length;
    if (length > limit) {
      await reader.cancel();
      throw new RangeError(`it inflates to more than ${limit} bytes`);
    }
    chunks.push(part.value);
  }
  const out = new Uint8Array(length);
  chunks.reduce((at, chunk) => (out.set(chunk, at), at + chunk.length), 0);
  return out;
}

// A state -> its hash: the plain form, or the compressed one when the plain form is over PLAIN_HASH_LIMIT.
export async function writeHash(state) {
  const plain = toHash(state);
  if (plain.length <= PLAIN_HASH_LIMIT) return plain;
  const packed = await transform(new TextEncoder().encode(plain.slice(1)), new CompressionStream('deflate-raw'));
  return `#${COMPRESSED}=${toBase64url(packed)}`;
}

// Any hash, plain or compressed -> { state, note }: note is null, or what the page should say about a link
// that could not be kept whole (a text cut to MAX_TEXT, a damaged compressed hash: then the defaults).
export async function readHash(hash) {
  const params = new URLSearchParams(String(hash).replace(/^#/, ''));
  if (!params.has(COMPRESSED)) return withNote(parseHash(hash), params);
  try {
    const bytes = await transform(fromBase64url(params.get(COMPRESSED)), new DecompressionStream('deflate-raw'), MAX_INFLATED);
    const plain = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return withNote(parseHash(plain), new URLSearchParams(plain));
  } catch (error) {
    return { state: defaultState(), note: `This link is damaged (its compressed part cannot be read: ${error.message}); the playground opens with its defaults.` };
  }
}

const withNote = (state, params) =>
  ({ state, note: linkNote(Object.fromEntries(['text', 'compare'].map((name) => [name, params.get(name) ?? '']))) });
