// The playground's state: one plain object whose fields are listed in FIELDS, serialised to location.hash so
// that every view is a permalink. DOM-free: the page reads and writes the hash; this only converts.
import { isHubModel } from './hub-names.mjs';

export const FIELDS = {
  text: { kind: 'string', default: 'The cat sat on the mat because it was tired', maxLength: 4000 },
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
  hideBos: { kind: 'boolean', default: false },
  // A second sentence: shown beside the first on the same head, and as the keys and values of cross-attention.
  compare: { kind: 'string', default: '', maxLength: 4000 },
  // The one view an embed (web/embed.html, <attention-view>) shows; the playground page shows them all.
  view: { kind: 'choice', choices: ['beams', 'matrix', 'heads'], default: 'beams' },
};

export function defaultState() {
  return Object.fromEntries(Object.entries(FIELDS).map(([name, field]) => [name, field.default]));
}

// The field's value from its hash text (or an <attention-view> attribute), or undefined when the text is not
// a valid value.
export function parseField(field, text) {
  if (field.kind === 'string') return text.length <= field.maxLength ? text : undefined;
  if (field.kind === 'choice') return field.choices.includes(text) || field.also?.(text) ? text : undefined;
  if (field.kind === 'boolean') return { on: true, off: false }[text];
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

// A state -> '#...' holding only the fields that differ from their defaults ('' when none do).
export function toHash(state) {
  const params = new URLSearchParams();
  for (const [name, field] of Object.entries(FIELDS)) {
    const value = state[name];
    if (value === undefined || value === field.default) continue;
    params.set(name, field.kind === 'boolean' ? (value ? 'on' : 'off') : String(value));
  }
  const text = params.toString();
  return text ? `#${text}` : '';
}
